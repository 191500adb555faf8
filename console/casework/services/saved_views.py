"""Saved views of the case list: a person's named filters, changed only by their owner.

Not audited: a saved view is a bookmark. It changes no case, no figure and nothing anyone may
see or do (whoever opens it is held to their own entities by the list itself), so an audit row
per bookmark would only dilute the trail an auditor verifies. What is done with a view is
audited where it matters: an export states its filter. The service still checks the role and
that the view is the person's own: another person's view is not found."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import FINANCE_READERS
from console.casework.filters import CaseFilter
from console.casework.models import ExceptionCase, SavedView

MAX_VIEWS = 50
MAX_NAME = 100
# Not part of a filter: the page shown, and the view itself.
NOT_FILTER = ("page", "view")


class SavedViewError(ValueError):
    pass


class SavedViewNotFound(LookupError):
    pass


def filter_query(user: Any, query: str) -> str:
    """The filter part of a case list query, checked against the person's own filter bar and
    written in a canonical order; SavedViewError naming what does not read."""
    given = QueryDict(query)
    wanted = QueryDict(mutable=True)
    for name in CaseFilter.base_filters:
        value = given.get(name, "").strip()
        if value and name not in NOT_FILTER:
            wanted[name] = value
    check = CaseFilter(wanted, queryset=ExceptionCase.objects.none(), request=SimpleNamespace(user=user))
    if not check.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in check.errors.items())
        raise SavedViewError(f"the filter does not read: {problems}")
    return wanted.urlencode()


def _name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise SavedViewError("name: give the view a name")
    if len(name) > MAX_NAME:
        raise SavedViewError(f"name: at most {MAX_NAME} characters")
    return name


def _own(user: Any, view_id: int) -> SavedView:
    view = SavedView.objects.select_for_update().filter(pk=view_id, owner_id=user.pk).first()
    if view is None:
        raise SavedViewNotFound(f"no saved view {view_id} of yours")
    return view


def _named_free(user: Any, name: str, view_id: int | None = None) -> None:
    others = SavedView.objects.filter(owner_id=user.pk, name=name)
    if view_id is not None:
        others = others.exclude(pk=view_id)
    if others.exists():
        raise SavedViewError(f"name: you have a view named {name!r} already")


def _default_to(user: Any, view: SavedView | None) -> None:
    """The person's default view is no longer their default (unless it is `view`)."""
    others = SavedView.objects.filter(owner_id=user.pk, is_default=True)
    if view is not None:
        others = others.exclude(pk=view.pk)
    others.update(is_default=False)


@transaction.atomic
def saved_view_create(*, user: Any, name: str, query: str, default: bool = False) -> SavedView:
    role_check(user, *FINANCE_READERS, doing="saving a view of the cases")
    name = _name(name)
    query = filter_query(user, query)
    _named_free(user, name)
    if SavedView.objects.filter(owner_id=user.pk).count() >= MAX_VIEWS:
        raise SavedViewError(f"you have {MAX_VIEWS} saved views: delete one first")
    if default:
        _default_to(user, None)
    now = timezone.now()
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                owner=user, name=name, query=query, is_default=default, created_at=now, updated_at=now
            )
    except IntegrityError as err:  # the same name saved twice at once
        raise SavedViewError(f"name: you have a view named {name!r} already") from err


@transaction.atomic
def saved_view_rename(*, user: Any, view_id: int, name: str) -> SavedView:
    role_check(user, *FINANCE_READERS, doing="renaming a saved view")
    view = _own(user, view_id)
    view.name = _name(name)
    _named_free(user, view.name, view.pk)
    view.updated_at = timezone.now()
    view.save(update_fields=["name", "updated_at"])
    return view


@transaction.atomic
def saved_view_delete(*, user: Any, view_id: int) -> None:
    role_check(user, *FINANCE_READERS, doing="deleting a saved view")
    _own(user, view_id).delete()


@transaction.atomic
def saved_view_set_default(*, user: Any, view_id: int, default: bool) -> SavedView:
    """Make the view the person's default (the one before stops being it), or stop it being one."""
    role_check(user, *FINANCE_READERS, doing="choosing a default view")
    view = _own(user, view_id)
    if default:
        _default_to(user, view)
    view.is_default, view.updated_at = default, timezone.now()
    view.save(update_fields=["is_default", "updated_at"])
    return view
