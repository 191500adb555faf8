"""The delivery log pages, for integration admins and auditors of the endpoint's legal
entity: thin; reading lives in delivery_log.py."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from console.access.decorators import role_required
from console.sources import delivery_log
from console.sources.delivery_log import LOG_READERS, DeliveryFilter, RefusalFilter
from console.sources.models import Outcome
from console.sources.selectors import endpoint_path
from console.sync.models import SourceSystem

PAGE_SIZE = 50


def _endpoint(request: HttpRequest, code: str) -> SourceSystem:
    source = delivery_log.endpoint_visible(request.user, code)
    if source is None:
        raise Http404("no webhook endpoint of that code in your legal entities")
    return source


def _days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", delivery_log.DAYS_SHOWN))
    except ValueError:
        return delivery_log.DAYS_SHOWN
    return min(max(days, 1), delivery_log.MAX_DAYS)


@require_safe
@role_required(*LOG_READERS)
def endpoint_index(request: HttpRequest) -> HttpResponse:
    endpoints = [(source, endpoint_path(source)) for source in delivery_log.endpoints_visible(request.user)]
    return render(request, "sources/index.html", {"endpoints": endpoints})


@require_safe
@role_required(*LOG_READERS)
def endpoint_log(request: HttpRequest, code: str) -> HttpResponse:
    source = _endpoint(request, code)
    days = _days(request)
    figures = delivery_log.endpoint_days(source, last_day=timezone.now().date(), days=days)
    context = {"source": source, "path": endpoint_path(source), "days": days, "figures": figures, "Outcome": Outcome}
    return render(request, "sources/endpoint.html", context)


@require_safe
@role_required(*LOG_READERS)
def delivery_list(request: HttpRequest, code: str) -> HttpResponse:
    source = _endpoint(request, code)
    form = DeliveryFilter(request.GET)
    valid = form.is_valid()
    rows = delivery_log.deliveries_listed(source, form) if valid else None
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None else None
    context = {
        "source": source,
        "form": form,
        "page": page,
        "events": delivery_log.events_of(rows) if rows is not None else 0,
        "noun": "delivery",
        "nouns": "deliveries",
    }
    return render(request, "sources/deliveries.html", context, status=200 if valid else 400)


@require_safe
@role_required(*LOG_READERS)
def refusal_list(request: HttpRequest, code: str) -> HttpResponse:
    source = _endpoint(request, code)
    form = RefusalFilter(request.GET)
    valid = form.is_valid()
    rows = list(delivery_log.refusals_listed(source, form)) if valid else None
    context = {"source": source, "form": form, "rows": rows, "total": sum(row.count for row in rows or [])}
    return render(request, "sources/refusals.html", context, status=200 if valid else 400)


@require_safe
@role_required(*LOG_READERS)
def delivery_detail(request: HttpRequest, code: str, delivery_id: int) -> HttpResponse:
    source = _endpoint(request, code)
    story = delivery_log.delivery_story(request.user, source, delivery_id)
    if story is None:
        raise Http404("no such delivery at this endpoint")
    return render(request, "sources/delivery.html", {"source": source, "story": story, "delivery": story.delivery})
