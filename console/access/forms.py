from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from console.access.roles import ROLE_GROUPS, Role


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any user's before it tries to sign
    in. AuthenticationForm sets the field's max_length after the field is built, so no validator
    checks it: a 5,000-character username reached authenticate(), and django-axes' failure record
    (255 characters) answered 500 on PostgreSQL. Refused here, nothing is tried or recorded; no
    password is checked, so nothing can be guessed this way either."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        assert isinstance(field, forms.CharField) and field.max_length is not None
        field.validators.append(MaxLengthValidator(field.max_length))


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


class PersonAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    full_name = forms.CharField(max_length=300, required=False)
    email = forms.EmailField(required=False)
    roles = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(role.value, name) for role, name in ROLE_GROUPS.items()],
        help_text="Not both Finance operator and Controller: maker and checker are two people.",
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


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Their sessions and tokens end at once. Kept on the audit trail.",
    )


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone", help_text="Every page shows times in this zone, and names it; storage stays in UTC."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from console.access.time_zone import zone_names

        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in zone_names()]
