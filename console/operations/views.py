"""Health and metrics: answered by OperationsEndpointsMiddleware before any other middleware,
so that they need no session, host check, https redirect or sign-in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from console.operations.access_rules import Verdict, metrics_verdict
from console.operations.metrics import metrics_text
from console.operations.readiness import FAIL, readiness, readiness_status

NO_STORE = "no-store"


def _json(body: dict[str, object], status: int) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = NO_STORE
    return response


def health_live(request: HttpRequest) -> HttpResponse:
    """The process answers: nothing else is asked (a database outage must not restart it)."""
    return _json({"status": "ok"}, 200)


def health_ready(request: HttpRequest) -> HttpResponse:
    checks = readiness()
    status = readiness_status(checks)
    # Degraded is 200: the load balancer keeps the process; an alert on the status says what is down.
    response = _json({"status": status, "checks": checks}, 503 if status == FAIL else 200)
    # Each failed check is logged once, with its cause, by readiness(); Django's own ERROR line
    # for every 503 would repeat it at every probe (a few a second across a fleet).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def metrics(request: HttpRequest) -> HttpResponse:
    verdict = metrics_verdict(request)
    if verdict is Verdict.NOT_SERVED:
        return HttpResponse("Not found\n", status=404, content_type="text/plain; charset=utf-8")
    if verdict is Verdict.NO_TOKEN:
        response = HttpResponse("A bearer token is needed\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if verdict is Verdict.REFUSED:
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain; charset=utf-8")
    response = HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = NO_STORE
    return response
