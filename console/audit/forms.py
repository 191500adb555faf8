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
    action = forms.ChoiceField(required=False)
    entity = forms.ChoiceField(required=False)
    object_type = forms.CharField(required=False, max_length=_length("object_type"), label="Object type")
    object_id = forms.CharField(required=False, max_length=_length("object_id"), label="Object id")
    correlation_id = forms.CharField(
        required=False,
        max_length=_length("correlation_id"),
        label="Correlation id",
        help_text="Exact: an event's, or mapping-change-N.",
    )
    before = _Before()

    def __init__(self, *args: Any, actions: list[str], entities: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action, entity = self.fields["action"], self.fields["entity"]
        assert isinstance(action, forms.ChoiceField) and isinstance(entity, forms.ChoiceField)
        action.choices = [("", "any action"), *[(a, a) for a in sorted(actions)]]
        entity.choices = [("", "any entity"), *[(e, e) for e in sorted(entities)]]

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
            before_sequence=data.get("before"),
            time_zone=time_zone,
        )


class ObjectHistoryForm(forms.Form):
    """One object's history: its type and id travel in the query string, where any text fits
    (an id may hold '/', '..', '?' or spaces: a username someone typed at the sign-in)."""

    object_type = forms.CharField(max_length=_length("object_type"), label="Object type")
    object_id = forms.CharField(max_length=_length("object_id"), label="Object id", strip=False)
    before = _Before()

    def to_filter(self, time_zone: str) -> AuditFilter:
        data = self.cleaned_data
        return AuditFilter(
            object_type=data["object_type"],
            object_id=data["object_id"],
            before_sequence=data.get("before"),
            time_zone=time_zone,
        )
