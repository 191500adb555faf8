"""Reading saved views: a person's own, their default, and a shared one opened by its id."""

from __future__ import annotations

from typing import Any

from console.casework.models import SavedView


def saved_views_of(user: Any) -> list[SavedView]:
    return list(SavedView.objects.filter(owner_id=user.pk).order_by("name", "pk"))


def saved_view_default(user: Any) -> SavedView | None:
    return SavedView.objects.filter(owner_id=user.pk, is_default=True).first()


def saved_view_shared(view_id: str) -> SavedView | None:
    """Any person's view by its id: opening it applies its query, which the list then holds to
    the opener's own entities (a view is a filter, never a grant)."""
    if not view_id.isascii() or not view_id.isdigit() or len(view_id) > 18:
        return None
    return SavedView.objects.select_related("owner").filter(pk=int(view_id)).first()
