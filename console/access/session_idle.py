"""The idle session timeout, kept without writing the session on every request.

A session lives SESSION_COOKIE_AGE seconds after it was last saved. Saving it on every
request (SESSION_SAVE_EVERY_REQUEST) costs an UPDATE and a signed cookie per page; here
it is saved again only once SESSION_IDLE_RESOLUTION_SECONDS have passed since the last
save, so a person idle for SESSION_COOKIE_AGE is signed out, give or take that
resolution (never later than SESSION_COOKIE_AGE after their last request)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SAVED_AT = "_finops_saved_at"


class SessionIdleMiddleware:
    """After SessionMiddleware: marks a live session for saving once its last save is older
    than the resolution, which moves its expiry (database row and cookie) forward."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No key: an anonymous visitor without a session, or one just signed out: nothing to keep alive.
        if session is None or not session.session_key or session.get_expire_at_browser_close():
            return response
        now = int(time.time())
        saved_at = session.get(SAVED_AT)
        if (
            session.modified
            or not isinstance(saved_at, int)
            or now - saved_at >= settings.SESSION_IDLE_RESOLUTION_SECONDS
        ):
            session[SAVED_AT] = now
        return response
