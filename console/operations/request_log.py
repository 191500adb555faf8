"""One log line per request: method, path (never the query string, which may carry a
token), status, duration, who asked and the correlation id, with the events it touched.
No header, cookie or body is read for it.

The correlation id is the caller's X-Correlation-ID (or the proxy's X-Request-ID) when that
is a plain id, else a new one; it is sent back in X-Correlation-ID so that a person
reporting a problem can quote it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from console import log_context

logger = logging.getLogger("console.requests")
HEADER = "X-Correlation-ID"


def _who(request: HttpRequest) -> dict[str, Any]:
    """The user as far as the request already knew it: a user the request never loaded is
    not loaded for the log line (that would cost a session and a user query)."""
    user: Any = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            return {}
        user = user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    account = getattr(user, "account", None)
    if account is not None:  # a service account's principal (console.access.authentication)
        return {"service_account": str(account.name)}
    return {"user_id": user.pk}


def _url_events(request: HttpRequest) -> list[int]:
    match = request.resolver_match
    if match is None:
        return []
    value = match.kwargs.get("event_id")
    return [value] if isinstance(value, int) else []


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        correlation = log_context.correlation_id_from(
            request.headers.get(HEADER) or request.headers.get("X-Request-ID")
        )
        tokens = log_context.work_start(correlation)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = correlation
            if logger.isEnabledFor(logging.INFO):
                self._log(request, response.status_code, started)
            return response
        except Exception:
            # Django turns a view's exception into a 500 before it reaches here; this is one
            # from a middleware itself: still one line, then the exception goes on.
            self._log(request, 500, started)
            raise
        finally:
            log_context.work_end(tokens)

    def _log(self, request: HttpRequest, status: int, started: float) -> None:
        log_context.events_touched(_url_events(request))
        ids = log_context.event_ids()
        fields: dict[str, Any] = {
            "kind": "request",
            "correlation_id": log_context.correlation_id(),
            "method": request.method,
            "path": request.path[:500],
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            **_who(request),
        }
        if ids:
            fields["event_ids"] = ids[: log_context.MAX_EVENT_IDS]
            fields["event_count"] = len(ids)
        logger.info("%s %s %s", request.method, request.path, status, extra={"fields": fields})
