from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from guardian.shortcuts import get_objects_for_user

from console.sync.models import LegalEntity
from console.sync.selectors.lag import flows_health


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    entities = get_objects_for_user(request.user, "sync.view_legalentity", klass=LegalEntity, accept_global_perms=False)
    entity_ids = list(entities.values_list("pk", flat=True))
    context = {
        "flows": flows_health(window=timedelta(hours=24), entity_ids=entity_ids),
        "entities": entities,
    }
    template = "dashboard/_flows.html" if request.htmx else "dashboard/overview.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def healthcheck(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
