from __future__ import annotations

from typing import Any

from django import forms

from console.access.selectors import entities_visible
from console.sources.file_forms import SHA256
from console.sources.payroll_log import payroll_sources
from console.sources.payroll_models import PayrollFormat
from console.sources.services.payroll_reading import DEFAULT_PROFILE, GL_PROFILES
from console.sync.models import LegalEntity, SourceSystem


class _Target(forms.Form):
    entity = forms.ModelChoiceField(queryset=LegalEntity.objects.none(), to_field_name="code", empty_label=None)
    source = forms.ModelChoiceField(queryset=SourceSystem.objects.none(), to_field_name="code", empty_label=None)
    format = forms.ChoiceField(
        choices=[("", "Told by the file"), *PayrollFormat.choices],
        required=False,
        help_text="A JSON file is read as Gusto's, anything else as a GL export.",
    )
    profile = forms.ChoiceField(
        choices=[(name, name) for name in sorted(GL_PROFILES)],
        initial=DEFAULT_PROFILE,
        required=False,
        help_text="How the GL export writes its columns (GL exports only).",
    )
    run_id = forms.CharField(
        max_length=100, required=False, help_text="The run's id, when the GL export has no run id column."
    )
    pay_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The run's pay date, when the GL export has no pay date column.",
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entity_field = self.fields["entity"]
        source_field = self.fields["source"]
        assert isinstance(entity_field, forms.ModelChoiceField) and isinstance(source_field, forms.ModelChoiceField)
        entity_field.queryset = entities_visible(user)
        source_field.queryset = payroll_sources()


class PayrollUploadForm(_Target):
    file = forms.FileField(help_text="Gusto's pay-run totals (JSON) or a payroll GL export (CSV).")


class PayrollConfirmForm(_Target):
    sha256 = forms.RegexField(regex=SHA256, widget=forms.HiddenInput)
    name = forms.CharField(max_length=255, widget=forms.HiddenInput)
