"""The console's WSGI application with one bench-only address, /bench/noop/: a view that answers
200 and does nothing, behind the whole middleware as every page is (deliveries skip the browser's
part of it: console/sources/middleware.py), in the same gunicorn, for bench_webhooks.py."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from console.wsgi import application


@csrf_exempt
def noop(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"{}", content_type="application/json")


urlpatterns = [path("bench/noop/", noop), path("", include("console.urls"))]
settings.ROOT_URLCONF = __name__

__all__ = ["application"]
