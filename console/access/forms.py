from __future__ import annotations

from typing import Any

from django import forms

from console.access.roles import ROLE_GROUPS, Role


class AccessForm(forms.Form):
    roles = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(role.value, name) for role, name in ROLE_GROUPS.items()],
    )
    entities = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple, label="Legal entities")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, help_text="Kept on the audit trail."
    )

    def __init__(self, *args: Any, grantable: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["entities"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(code, code) for code in grantable]

    def chosen_roles(self) -> list[Role]:
        return [Role(value) for value in self.cleaned_data["roles"]]
