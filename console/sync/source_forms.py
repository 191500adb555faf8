"""The source system page's forms: settings, a new service account, rotation and revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms

from console.access.service_account_tokens import GRACE_CHOICES
from console.audit.reason_field import reason_field
from console.sync.models import SourceSystem
from console.sync.services.source_settings import SourceSettings


class SourceSettingsForm(forms.Form):
    name = forms.CharField(max_length=100)
    is_active = forms.BooleanField(
        required=False, label="Active", help_text="An inactive source's events and webhooks are refused."
    )
    secret_env = forms.CharField(
        required=False,
        max_length=100,
        label="Secret variable",
        help_text="Webhook sources: the NAME of the environment variable holding the signing secret, never the secret.",
    )
    previous_secret_env = forms.CharField(
        required=False, max_length=100, label="Previous secret variable", help_text="During a rotation of the secret."
    )
    reason = reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "settings_%s")
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_of(cls, source: SourceSystem) -> dict[str, Any]:
        return {
            "name": source.name,
            "is_active": source.is_active,
            "secret_env": source.secret_env,
            "previous_secret_env": source.previous_secret_env,
        }

    def settings(self) -> SourceSettings:
        data = self.cleaned_data
        return SourceSettings(data["name"], data["is_active"], data["secret_env"], data["previous_secret_env"])


class AccountCreateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="Who sends with it, e.g. the system and its environment.")
    entities = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Legal entities it may feed")
    reason = reason_field()

    def __init__(self, *args: Any, grantable: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "create_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["entities"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(code, code) for code in grantable]


GRACE_LABELS = {"0": "none: it stops now", "1h": "1 hour", "24h": "24 hours", "7d": "7 days"}


class AccountRotateForm(forms.Form):
    grace = forms.ChoiceField(
        choices=[(key, GRACE_LABELS[key]) for key in GRACE_CHOICES],
        initial="24h",
        label="The old token keeps working for",
    )
    reason = reason_field()

    def grace_period(self) -> timedelta:
        return GRACE_CHOICES[self.cleaned_data["grace"]]


class AccountRevokeForm(forms.Form):
    reason = reason_field("Its token stops at once. Kept on the audit trail.")
