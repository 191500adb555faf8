from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from console.access.selectors import user_roles


def roles(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's roles, to show only the navigation they may use."""
    return {"roles": {role.value for role in user_roles(request.user)}}
