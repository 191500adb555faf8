"""The configuration pages' forms: a legal entity's settings and threshold, an Odoo connection,
and the decision on a waiting change."""

from __future__ import annotations

from typing import Any

from django import forms

from console.audit.reason_field import reason_field
from console.sync.models import ConnectionProtocol, LegalEntity, OdooConnection
from console.sync.services.connection_config import TIMEOUT_MAX, TIMEOUT_MIN, ConnectionValues
from console.sync.services.entity_config import MAX_ODOO_ID, EntitySettings


class EntitySettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    odoo_company_id = forms.IntegerField(min_value=1, max_value=MAX_ODOO_ID, label="Odoo company id")
    currency = forms.CharField(min_length=3, max_length=3, help_text="ISO 4217, as USD.")
    connection = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, help_text="Empty: the default connection of the settings."
    )
    reason = reason_field()

    def __init__(self, *args: Any, connections: list[OdooConnection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["connection"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "The default connection"), *((c.pk, c.name) for c in connections)]

    @staticmethod
    def initial_of(entity: LegalEntity) -> dict[str, Any]:
        return {
            "name": entity.name,
            "odoo_company_id": entity.odoo_company_id,
            "currency": entity.currency,
            "connection": entity.connection_id or "",
        }

    def settings(self) -> EntitySettings:
        data = self.cleaned_data
        return EntitySettings(data["name"], data["odoo_company_id"], data["currency"], data["connection"])


class ThresholdForm(forms.Form):
    threshold = forms.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=0,
        label="New materiality threshold",
        help_text="In the entity's currency.",
    )
    reason = reason_field("Why: the controller reads it before deciding; kept on the audit trail.")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    note = reason_field("Needed to reject; kept on the audit trail.", required=False)


class ConnectionForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.CharField(max_length=300, label="URL")
    database = forms.CharField(max_length=100)
    login = forms.CharField(max_length=200)
    protocol = forms.ChoiceField(choices=ConnectionProtocol.choices)
    password_env = forms.CharField(
        max_length=100,
        label="Password variable",
        help_text="The NAME of the environment variable (or NAME_FILE) holding the password or API key on the "
        "workers, never the password. JSON-2 signs in with an API key only (Odoo: Preferences, Account Security, "
        "New API Key); the database goes in the X-Odoo-Database header.",
    )
    timeout_seconds = forms.IntegerField(min_value=TIMEOUT_MIN, max_value=TIMEOUT_MAX, label="Timeout (seconds)")
    reason = reason_field("Why: the second person reads it before deciding; kept on the audit trail.")

    @staticmethod
    def initial_of(conn: OdooConnection) -> dict[str, Any]:
        return ConnectionValues.of(conn).as_json()

    def values(self) -> ConnectionValues:
        data = self.cleaned_data
        return ConnectionValues(
            data["name"],
            data["url"],
            data["database"],
            data["login"],
            data["protocol"],
            data["password_env"],
            data["timeout_seconds"],
        )
