"""Webhook deliveries leave the middleware early, straight to their view.

A provider's delivery carries no cookie, no session and no CSRF token (it is signed instead), and
its answer is JSON no browser renders. The browser's middleware after this one (sessions, CSRF,
authentication, the access memo, django-auditlog's actor and correlation id, messages,
X-Frame-Options, htmx, the Content-Security-Policy, django-axes) had nothing to do for it, and
cost a delivery about 0.15 ms of the web process's time: as much as its INSERT. What comes before
this one still runs for every request: the security headers and HTTPS redirect, whitenoise, the
NUL refusal.

Only an address that resolves to the webhook view is taken here; anything else under /webhooks/
(no such provider, a missing slash) goes the whole way and is answered as before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from console.sources.views import webhook_receive

# Where console/urls.py puts console/sources/urls.py (a test holds the two together).
PREFIX = "/webhooks/"


class WebhookShortcutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.func is not webhook_receive:
            return self.get_response(request)
        request.resolver_match = match
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        # What CommonMiddleware, skipped, would have added: the provider reads a sized answer.
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response
