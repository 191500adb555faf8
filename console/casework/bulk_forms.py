from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from console.access.models import User
from console.access.roles import Role
from console.access.selectors import user_roles
from console.casework.models import BulkAction
from console.casework.services.actions import ACTION_ROLES

BLANK = "---------"


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="Action")
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Needed to dismiss."
    )
    # A choice of usernames rather than a ModelChoiceField: the list page renders this form on
    # every view, and its options need two columns, not a model instance per operator.
    assignee = forms.ChoiceField(required=False, label="Assign to")
    # The list's filter, as in its URL: the action covers every case it selects, not one page.
    filter = forms.CharField(required=False, widget=forms.HiddenInput, max_length=4000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = bulk_actions_for(user)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [("", BLANK), *((name, name) for name in _operators().values_list("username", flat=True))]

    def clean_assignee(self) -> User | None:
        username = self.cleaned_data["assignee"]
        if not username:
            return None
        operator = _operators().filter(username=username).first()
        if operator is None:  # deactivated between reading the choices and now
            raise forms.ValidationError(f"{username} is no longer an active finance operator.")
        return operator


def bulk_actions_for(user: Any) -> list[tuple[str, str]]:
    """The bulk actions the person's roles allow, as (value, label) choices."""
    roles = user_roles(user)
    return [(a.value, a.label) for a in BulkAction if roles & set(ACTION_ROLES[a.value])]


def _operators() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=Role.OPERATOR.group_name).order_by("username")
