"""The reason field of every configuration form: the bound the services check (reasons.py)."""

from __future__ import annotations

from django import forms

from console.audit.reasons import REASON_MAX


def reason_field(help_text: str = "Kept on the audit trail.", *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX, help_text=help_text, required=required
    )
