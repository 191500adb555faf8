"""The matching rule form: the fields of a rule as a person types them. The service checks them
again and says what is wrong (RuleError), which the form shows."""

from __future__ import annotations

from typing import Any

from django import forms

from console.audit.reason_field import reason_field
from console.reconciliation.models import DateField, MatchBy, MatchingRule, ReferenceCompare, RuleKind, Sign
from console.reconciliation.services.matching_rules import RuleValues
from console.sync.models import EventKind


class MatchingRuleForm(forms.Form):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=RuleKind.choices)
    left_source = forms.CharField(max_length=32, label="Left: source system code")
    left_kind = forms.ChoiceField(choices=EventKind.choices, label="Left: event kind")
    left_id_prefix = forms.CharField(max_length=40, required=False, label="Left: external id starts with")
    left_where = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Left: payload fields that must hold (one field=text a line)",
    )
    left_label = forms.CharField(max_length=40, label="Left: what one is called in a case (payout, order)")
    left_reference = forms.CharField(max_length=40, initial="external_id", label="Left: its reference field")
    left_date = forms.ChoiceField(choices=DateField.choices, label="Left: the date the window counts from")
    right_source = forms.CharField(max_length=32, label="Right: source system code")
    right_kind = forms.ChoiceField(choices=EventKind.choices, label="Right: event kind")
    right_sign = forms.ChoiceField(choices=Sign.choices, label="Right: sign of its amount")
    right_reference_fields = forms.CharField(
        max_length=300, required=False, label="Right: fields the reference is looked for in (comma-separated)"
    )
    right_date = forms.ChoiceField(choices=DateField.choices, label="Right: its date")
    match_by = forms.ChoiceField(choices=MatchBy.choices)
    reference_compare = forms.ChoiceField(choices=ReferenceCompare.choices, label="The reference")
    tolerance = forms.DecimalField(max_digits=18, decimal_places=2, min_value=0, initial="0.00")
    days_before = forms.IntegerField(min_value=0, max_value=60, initial=1, label="Window: days before")
    window_days = forms.IntegerField(min_value=0, max_value=60, initial=3, label="Window: days after")
    applies_from = forms.DateField(required=False, label="Judges events dated from (empty: today)")
    is_active = forms.BooleanField(required=False, initial=True, label="Active")
    reason = reason_field()

    def clean_left_where(self) -> dict[str, str]:
        where: dict[str, str] = {}
        for number, line in enumerate(str(self.cleaned_data["left_where"]).splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep:
                raise forms.ValidationError(f"line {number}: write field=text")
            where[name.strip()] = value.strip()
        return where

    def values(self) -> RuleValues:
        data = self.cleaned_data
        fields = tuple(f.strip() for f in str(data["right_reference_fields"]).split(",") if f.strip())
        return RuleValues(
            name=data["name"],
            kind=data["kind"],
            left_source=data["left_source"],
            left_kind=data["left_kind"],
            left_id_prefix=data["left_id_prefix"],
            left_where=data["left_where"],
            left_label=data["left_label"],
            left_reference=data["left_reference"],
            left_date=data["left_date"],
            right_source=data["right_source"],
            right_kind=data["right_kind"],
            right_sign=data["right_sign"],
            right_reference_fields=fields,
            right_date=data["right_date"],
            match_by=data["match_by"],
            reference_compare=data["reference_compare"],
            tolerance=data["tolerance"],
            days_before=data["days_before"],
            window_days=data["window_days"],
            applies_from=data["applies_from"],
            is_active=data["is_active"],
        )


def rule_initial(rule: MatchingRule) -> dict[str, Any]:
    values = RuleValues.of(rule)
    initial = values.as_json()
    initial["left_where"] = "\n".join(f"{k}={v}" for k, v in values.left_where.items())
    initial["right_reference_fields"] = ", ".join(values.right_reference_fields)
    initial["tolerance"] = values.tolerance
    initial["applies_from"] = values.applies_from
    return initial
