"""Forms of the mapping editor. A row's target is chosen from Odoo's kept reference data,
grouped by kind; its value says both ("tax:12", or "tax:retire" to retire the code)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from console.mappings.models import MappingKind
from console.mappings.selectors.browse import targets_for
from console.mappings.services.requests import RowInput
from console.sync.models import LegalEntity
from console.validators import time_within_years

RETIRE = "retire"
CSV_MAX_BYTES = 2 * 1024 * 1024


def target_choices(entity: LegalEntity, kinds: list[str]) -> list[Any]:
    groups: list[Any] = [("", "choose the Odoo record")]
    for kind in kinds:
        options = [(f"{kind}:{t.odoo_id}", f"{t.label} (id {t.odoo_id})") for t in targets_for(entity, kind)]
        options.append((f"{kind}:{RETIRE}", f"retire this {kind} code (map it to nothing)"))
        groups.append((MappingKind(kind).label, options))
    return groups


class RowForm(forms.Form):
    source_value = forms.CharField(
        label="Source code", max_length=100, help_text="As the source system sends it, e.g. VAT20."
    )
    target = forms.ChoiceField(label="Odoo record", help_text="From Odoo's reference data, as last refreshed.")

    def __init__(self, *args: Any, entity: LegalEntity, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = target_choices(entity, kinds)

    def row(self) -> RowInput:
        kind, _, target = self.cleaned_data["target"].partition(":")
        odoo_id = None if target == RETIRE else int(target)
        return RowInput(kind=kind, source_value=self.cleaned_data["source_value"].strip(), odoo_id=odoo_id)


class ProposeForm(RowForm):
    title = forms.CharField(
        label="What and why", max_length=200, help_text="For the controller who decides and the auditor who reads it."
    )
    effective_at = forms.DateTimeField(
        label="Apply at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Empty: as soon as a controller approves. Your time zone.",
    )
    valid_from = forms.DateTimeField(
        label="Holds for events from",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Empty: from when it is applied (a code never mapped before: for every event). Your time zone.",
    )

    def __init__(self, *args: Any, zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.order_fields(["source_value", "target", "title", "effective_at", "valid_from"])

    def clean_effective_at(self) -> datetime | None:
        return _aware(self.cleaned_data.get("effective_at"), self.zone)

    def clean_valid_from(self) -> datetime | None:
        return _aware(self.cleaned_data.get("valid_from"), self.zone)


def _aware(value: datetime | None, zone: str) -> datetime | None:
    """A time typed in the person's zone, stored in UTC: within the years ingestion accepts,
    as 9999-12-31 in New York is a time of year 10000 in UTC."""
    if value is None:
        return None
    aware = timezone.make_aware(value.replace(tzinfo=None), ZoneInfo(zone))
    time_within_years(aware)
    return aware


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    note = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label="Comment", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RemoveRowForm(forms.Form):
    position = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="Columns source_value, odoo_id and optionally op (add, change, retire)."
    )
    title = forms.CharField(label="What and why", max_length=200)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(f"the file is {upload.size:,} bytes; at most {CSV_MAX_BYTES:,}")
        return upload
