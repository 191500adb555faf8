"""Roles and entity grants read once per request (access.selectors remembers them)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from console.access.selectors import access_memo_end, access_memo_start


class AccessMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = access_memo_start()
        try:
            return self.get_response(request)
        finally:
            access_memo_end(token)
