"""The auditor's filters. Every value a visitor can put in the query string is checked here,
so a hostile one gets the form's error (400), never a 500 from the database or the calendar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from console.audit.models import AuditEvent
from console.audit.selectors import AuditFilter

# Sequences are bigint: a larger "before" would overflow the database's integer, not just find nothing.
MAX_SEQUENCE = 2**63 - 1


def _length(name: str) -> int:
    field = AuditEvent._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


def _choose(form: forms.Form, name: str, anything: str, values: list[str]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", anything), *[(v, v) for v in sorted(values)]]


class _Before(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(required=False, min_value=1, max_value=MAX_SEQUENCE)


class AuditFilterForm(forms.Form):
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(
        required=False, max_length=_length("actor_label"), help_text="Exact: a username, service:NAME or system:TASK."
    )
    people_only = forms.BooleanField(
        required=False, label="People's decisions only", help_text="Leaves out the system's and services' rows."
    )
    action = forms.ChoiceField(required=False)
    entity = forms.ChoiceField(required=False)
    # A list of the kinds on record, not a text box: a kind mistyped would just find nothing.
    object_type = forms.ChoiceField(required=False, label="Object type")
    object_id = forms.CharField(required=False, max_length=_length("object_id"), label="Object id")
    correlation_id = forms.CharField(
        required=False,
        max_length=_length("correlation_id"),
        label="Correlation id",
        help_text="Exact: an event's, or mapping-change-N.",
    )
    before = _Before()

    def __init__(
        self, *args: Any, actions: list[str], entities: list[str], object_types: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "action", "any action", actions)
        _choose(self, "entity", "any entity", entities)
        _choose(self, "object_type", "any object", object_types)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("'From' is after 'Until'.")
        return data

    def to_filter(self, time_zone: str) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            since=data.get("since"),
            until=data.get("until"),
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            entity=data.get("entity") or "",
            object_type=data.get("object_type") or "",
            object_id=data.get("object_id") or "",
            correlation_id=data.get("correlation_id") or "",
            people_only=bool(data.get("people_only")),
            before_sequence=data.get("before"),
            time_zone=time_zone,
        )


class ObjectHistoryForm(forms.Form):
    """One object's history: its type and id travel in the query string, where any text fits
    (an id may hold '/', '..', '?' or spaces: a username someone typed at the sign-in)."""

    object_type = forms.ChoiceField(label="Object type")
    object_id = forms.CharField(max_length=_length("object_id"), label="Object id", strip=False)
    before = _Before()

    def __init__(self, *args: Any, object_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choose(self, "object_type", "which kind", object_types)

    def to_filter(self, time_zone: str) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            object_type=data["object_type"],
            object_id=data["object_id"],
            before_sequence=data.get("before"),
            time_zone=time_zone,
        )
