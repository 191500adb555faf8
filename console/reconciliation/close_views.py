"""The close view: one legal entity's accounting period, what stands between it and a closed
month. Thin: the figures and their lists are close.py's."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from console.access.decorators import role_required
from console.access.roles import FINANCE_READERS
from console.access.selectors import entity_codes_by_id
from console.reconciliation.close import (
    BUCKET_LABELS,
    Period,
    PeriodError,
    close_figures,
    figure_of,
    period_days_ended,
    period_events,
)
from console.reconciliation.models import RunStatus

PAGE_SIZE = 50


def _entity_and_period(request: HttpRequest, code: str, period_text: str) -> tuple[int, dict[int, str], Period]:
    """The entity by its code among the person's own (another entity's is not found, as one that
    does not exist) and the period; a period that does not read is a 404 naming it."""
    entities = entity_codes_by_id(request.user)
    entity_id = next((pk for pk, granted in entities.items() if granted == code), None)
    if entity_id is None:
        raise Http404("no such legal entity among yours")
    try:
        period = Period.parse(period_text)
    except PeriodError as err:
        raise Http404(str(err)) from err
    return entity_id, entities, period


@require_safe
@role_required(*FINANCE_READERS)
def close_start(request: HttpRequest) -> HttpResponse:
    """The current UTC month of the person's first entity."""
    entities = entity_codes_by_id(request.user)
    if not entities:
        return render(request, "reconciliation/close.html", {"entities": {}, "figures": []})
    code = request.GET.get("entity") or sorted(entities.values())[0]
    return redirect("close-period", entity_code=code, period=str(Period.of(timezone.now().date())))


@require_safe
@role_required(*FINANCE_READERS)
def close_period(request: HttpRequest, entity_code: str, period: str) -> HttpResponse:
    entity_id, entities, month = _entity_and_period(request, entity_code, period)
    days = period_days_ended(request.user, entity_id, month, today=timezone.now().date())
    context = {
        "entities": entities,
        "code": entity_code,
        "entity_id": entity_id,
        "period": month,
        "figures": close_figures(entity_id, month),
        "days": days,
        "unreconciled": sum(1 for day in days if day.status != RunStatus.RECONCILED),
    }
    return render(request, "reconciliation/close.html", context)


@require_safe
@role_required(*FINANCE_READERS)
def close_list(request: HttpRequest, entity_code: str, period: str, figure: str) -> HttpResponse:
    entity_id, _, month = _entity_and_period(request, entity_code, period)
    if figure not in BUCKET_LABELS:
        raise Http404("no such figure in the close view")
    page = Paginator(period_events(entity_id, month, figure), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"code": entity_code, "period": month, "figure": figure_of(entity_id, month, figure), "page": page}
    return render(request, "reconciliation/close_list.html", context)
