"""The flow page's forms: settings (integration admins), pause and resume."""

from __future__ import annotations

from typing import Any

from django import forms

from console.audit.reason_field import reason_field
from console.sync.models import BusinessProcess, Flow, FlowMode
from console.sync.services.flow_settings import FlowSettings
from console.sync.slo import UNITS, slo_split


class FlowSettingsForm(forms.Form):
    name = forms.CharField(max_length=100)
    business_process = forms.ChoiceField(choices=BusinessProcess.choices)
    mode = forms.ChoiceField(choices=FlowMode.choices, label="Real-time or batch")
    slo_amount = forms.IntegerField(min_value=1, max_value=10080, label="Freshness SLO")
    slo_unit = forms.ChoiceField(choices=[(unit, unit) for unit in UNITS], label="SLO unit")
    reason = reason_field("Kept on the audit trail.")

    @classmethod
    def initial_of(cls, flow: Flow) -> dict[str, Any]:
        amount, unit = slo_split(flow.freshness_slo_seconds)
        return {
            "name": flow.name,
            "business_process": flow.business_process,
            "mode": flow.mode,
            "slo_amount": amount,
            "slo_unit": unit,
        }

    def settings(self) -> FlowSettings:
        data = self.cleaned_data
        return FlowSettings(
            name=data["name"],
            business_process=data["business_process"],
            mode=data["mode"],
            freshness_slo_seconds=data["slo_amount"] * UNITS[data["slo_unit"]],
        )


class FlowPauseForm(forms.Form):
    reason = reason_field("Why posting stops (the incident, the close): shown on the dashboard and kept on the trail.")


class FlowResumeForm(forms.Form):
    reason = reason_field("Why posting may start again: kept on the audit trail.")
