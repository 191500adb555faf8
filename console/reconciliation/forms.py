from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from console.reconciliation.models import RunStatus


class RunFilterForm(forms.Form):
    entity = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Entity")
    flow = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Flow")
    status = forms.ChoiceField(required=False, choices=[("", "any status"), *RunStatus.choices], label="Status")
    start = forms.DateField(required=False, label="From day (UTC)")
    end = forms.DateField(required=False, label="To day (UTC)")

    def __init__(self, *args: Any, entities: list[tuple[int, str]], flows: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["entity"].choices = [("", "any entity"), *entities]  # type: ignore[attr-defined]
        self.fields["flow"].choices = [("", "any flow"), *flows]  # type: ignore[attr-defined]


class RunDayForm(forms.Form):
    day = forms.DateField(label="Day (UTC)", help_text="The UTC day of the events' occurred_at.")

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if day > dt.datetime.now(dt.UTC).date():
            raise forms.ValidationError("that day has not begun yet (days are UTC days)")
        return day


class EvidenceForm(forms.Form):
    start = forms.DateField(label="From day (UTC)")
    end = forms.DateField(label="To day (UTC)")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("the period ends before it starts")
        return data
