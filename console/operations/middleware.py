"""Answers /health/live, /health/ready and /metrics first of all middleware.

A probe from a load balancer or Kubernetes comes over plain http to the pod's address: below
this, SecurityMiddleware would redirect it to https, CommonMiddleware refuse its Host
(ALLOWED_HOSTS), the session and authentication middleware read cookies, the request guard
read its address. None of that applies to these three, which read no input but a token.
Only GET and HEAD are answered; anything else goes on and finds no page (404).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from console.operations import views

ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health/live": views.health_live,
    "/health/ready": views.health_ready,
    "/metrics": views.metrics,
}


class OperationsEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ENDPOINTS.get(request.path_info.rstrip("/"))
        if view is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        return view(request)
