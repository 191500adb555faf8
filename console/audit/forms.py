from __future__ import annotations

from typing import Any

from django import forms

from console.audit.selectors import AuditFilter


class AuditFilterForm(forms.Form):
    since = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(required=False, max_length=200, help_text="Exact: a username, service:NAME or system:TASK.")
    action = forms.ChoiceField(required=False)
    entity = forms.ChoiceField(required=False)
    object_type = forms.CharField(required=False, max_length=64, label="Object type")
    object_id = forms.CharField(required=False, max_length=64, label="Object id")
    correlation_id = forms.CharField(
        required=False, max_length=200, label="Correlation id", help_text="Exact: an event's, or mapping-change-N."
    )
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

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
