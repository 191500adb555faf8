"""The reader's locale for the request's pages (console/ui/money.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from console.ui.money import reader_locale_reset, reader_locale_set


class ReaderLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = reader_locale_set(request.headers.get("Accept-Language", ""))
        try:
            return self.get_response(request)
        finally:
            reader_locale_reset(token)
