"""Refuses a request whose address holds a NUL character, before any view reads it.

PostgreSQL stores no NUL in text, and psycopg raises on one in a query parameter: a
`?q=%00` or `/mappings/%00/tax/` reaching a filter would answer 500. Forms already refuse
NUL in their fields (Django's CharField); the path and the query string are read by views
directly, so they are checked here, once for every page and endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MESSAGE = "the address holds a NUL character (%00), which no page or field accepts"


class NulRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or (query and b"\x00" in unquote_to_bytes(query)):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "invalid_address", "message": MESSAGE}}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
