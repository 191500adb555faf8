from __future__ import annotations

from typing import Any

from django import forms

from console.access.selectors import entities_visible
from console.sources.file_log import bank_sources
from console.sources.file_models import FileFormat
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

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entity_field = self.fields["entity"]
        source_field = self.fields["source"]
        assert isinstance(entity_field, forms.ModelChoiceField) and isinstance(source_field, forms.ModelChoiceField)
        entity_field.queryset = entities_visible(user)
        source_field.queryset = bank_sources()


class StatementUploadForm(_Target):
    file = forms.FileField(help_text="camt.053 (XML), MT940 or a bank's CSV export.")


class StatementConfirmForm(_Target):
    sha256 = forms.RegexField(regex=SHA256, widget=forms.HiddenInput)
    name = forms.CharField(max_length=255, widget=forms.HiddenInput)


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text="What you checked, for the audit trail."
    )
