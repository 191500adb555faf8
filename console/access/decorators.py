"""View guards: signed in, and holding one of the roles; otherwise 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from console.access.roles import Role
from console.access.selectors import user_has_role

View = Callable[..., HttpResponse]


def role_check(user: Any, *roles: Role, doing: str = "") -> None:
    """PermissionDenied naming the roles, unless the user holds one of them."""
    if not user_has_role(user, *roles):
        needs = " or ".join(r.group_name for r in roles)
        raise PermissionDenied(f"{doing} needs the role {needs}" if doing else f"needs the role {needs}")


def role_required(*roles: Role) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            role_check(request.user, *roles)
            return view(request, *args, **kwargs)

        return guarded

    return decorate
