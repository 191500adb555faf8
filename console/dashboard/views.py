from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from console.access.roles import Role
from console.access.selectors import entity_ids_visible, user_has_role
from console.casework.approvals_inbox import inbox_count
from console.casework.cause_lists import causes_open
from console.casework.dashboard import case_aging, daily_trend
from console.dashboard.charts import trend_chart
from console.dashboard.figures import Figures
from console.serial import serial_queries
from console.sync.models import LegalEntity
from console.sync.selectors.flows import flows_access
from console.sync.selectors.lag import flows_health

TOP_CAUSES = 5


@require_safe
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    entity_ids = entity_ids_visible(request.user)
    now = timezone.now()
    window = timedelta(hours=24)
    with serial_queries():
        month = daily_trend(entity_ids, 30, now=now)
        # Only the flows that post for one of the person's entities (or for nobody yet): a paused
        # flow's reason is no business of another entity's people.
        shown = [access.flow for access in flows_access(request.user)]
        flows = flows_health(window=window, entity_ids=entity_ids, now=now, flows=shown)
        aging = case_aging(entity_ids, now=now)
        top_causes = causes_open(request.user, grouped_only=True)[:TOP_CAUSES]
    links = Figures.of(request.user, since=now - window, until=now)
    posted_on, opened_on = links.posted_on(), links.opened_on()
    context = {
        "flows": [(flow, links.flow(flow)) for flow in flows],
        "entities": LegalEntity.objects.filter(pk__in=entity_ids).order_by("code"),
        "now": now,
        "aging": [(bucket, links.aging(bucket.value)) for bucket in aging],
        "top_causes": [(cause, links.cause(cause.key)) for cause in top_causes],
        "causes_link": links.causes(),
        # Counted as the inbox counts its list: the number is the count of the page it opens.
        "approvals": inbox_count(request.user) if user_has_role(request.user, Role.CONTROLLER) else None,
        "trends": [
            trend_chart(trend, label, f"trend-{n}", posted_on=posted_on, opened_on=opened_on)
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
