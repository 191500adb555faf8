from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from console.access.selectors import user_roles


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles, to show only the navigation they may use, and the number of
    requests waiting for a controller's decision (counted only when a page shows it)."""
    from console.casework.approvals_inbox import inbox_count

    @cache
    def approvals_waiting() -> int:
        return inbox_count(request.user)

    return {"roles": {role.value for role in user_roles(request.user)}, "approvals_waiting": approvals_waiting}
