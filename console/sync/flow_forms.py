"""The flow page's forms: settings (integration admins), pause and resume."""

from __future__ import annotations

from typing import Any

from django import forms

from console.sync.models import BusinessProcess, Flow, FlowMode
from console.sync.services.flow_pause import REASON_MAX
from console.sync.services.flow_settings import FlowSettings
from console.sync.slo import UNITS, slo_split


def _reason(help_text: str) -> forms.CharField:
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX, help_text=help_text)


class FlowSettingsForm(forms.Form):
    name = forms.CharField(max_length=100)
    business_process = forms.ChoiceField(choices=BusinessProcess.choices)
    mode = forms.ChoiceField(choices=FlowMode.choices, label="Real-time or batch")
    slo_amount = forms.IntegerField(min_value=1, max_value=10080, label="Freshness SLO")
    slo_unit = forms.ChoiceField(choices=[(unit, unit) for unit in UNITS], label="SLO unit")
    reason = _reason("Kept on the audit trail.")

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
    reason = _reason("Why posting stops (the incident, the close): shown on the dashboard and kept on the trail.")


class FlowResumeForm(forms.Form):
    reason = _reason("Why posting may start again: kept on the audit trail.")
