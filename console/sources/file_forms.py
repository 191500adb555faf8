from __future__ import annotations

from typing import Any

from django import forms

from console.access.selectors import entities_visible
from console.sources.file_log import bank_sources
from console.sources.file_models import FileFormat
from console.sources.services.statement_profiles import profile_choices
from console.sync.models import LegalEntity, SourceSystem

SHA256 = r"^[0-9a-f]{64}$"


class _Target(forms.Form):
    entity = forms.ModelChoiceField(queryset=LegalEntity.objects.none(), to_field_name="code", empty_label=None)
    source = forms.ModelChoiceField(queryset=SourceSystem.objects.none(), to_field_name="code", empty_label=None)
    format = forms.ChoiceField(
        choices=[("", "Told by the file"), *FileFormat.choices],
        required=False,
        help_text="camt.053 and MT940 say so themselves.",
    )

    profile = forms.ChoiceField(
        choices=[("", "—")], required=False, help_text="CSV only: how the bank writes its export."
    )
    account = forms.CharField(
        max_length=64,
        required=False,
        help_text="CSV only, when the export has no account column: the IBAN or account number it is of.",
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entity_field = self.fields["entity"]
        source_field = self.fields["source"]
        profile_field = self.fields["profile"]
        assert isinstance(entity_field, forms.ModelChoiceField) and isinstance(source_field, forms.ModelChoiceField)
        assert isinstance(profile_field, forms.ChoiceField)
        entity_field.queryset = entities_visible(user)
        source_field.queryset = bank_sources()
        profile_field.choices = [("", "—"), *((name, name) for name in profile_choices())]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("format") == FileFormat.CSV and not data.get("profile"):
            self.add_error("profile", "a CSV file is read through a bank's profile: choose one")
        if data.get("format") != FileFormat.CSV and (data.get("profile") or data.get("account")):
            self.add_error("format", "a profile and an account are for CSV files: choose CSV, or leave them empty")
        return data


class StatementUploadForm(_Target):
    file = forms.FileField(help_text="camt.053 (XML), MT940 or a bank's CSV export.")


class StatementConfirmForm(_Target):
    """What the preview's page sends back: everything the upload said, hidden."""

    sha256 = forms.RegexField(regex=SHA256, widget=forms.HiddenInput)
    name = forms.CharField(max_length=255, widget=forms.HiddenInput)


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text="What you checked, for the audit trail."
    )
