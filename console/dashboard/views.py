from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from console.access.selectors import entity_ids_visible
from console.casework.dashboard import case_aging, daily_trend
from console.dashboard.charts import trend_svg
from console.serial import serial_queries
from console.sync.models import LegalEntity
from console.sync.selectors.lag import flows_health


@require_safe
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    entity_ids = entity_ids_visible(request.user)
    with serial_queries():
        month = daily_trend(entity_ids, 30)
        flows = flows_health(window=timedelta(hours=24), entity_ids=entity_ids)
        aging = case_aging(entity_ids)
    context = {
        "flows": flows,
        "entities": LegalEntity.objects.filter(pk__in=entity_ids).order_by("code"),
        "aging": aging,
        "trends": [
            {"label": label, "data": trend, "svg": trend_svg(trend, label, f"trend-{n}")}
            for n, (label, trend) in enumerate((("7 days", month.last(7)), ("30 days", month)), start=1)
        ],
    }
    template = "dashboard/_flows.html" if request.htmx else "dashboard/overview.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_safe
def healthcheck(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
