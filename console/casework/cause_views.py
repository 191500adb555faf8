"""The causes view: open cases grouped by the one fix behind them. Thin: reading lives in
cause_lists.py; retrying a cause is the bulk retry of the case list filtered by it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from console.access.decorators import role_required
from console.access.roles import FINANCE_READERS
from console.access.selectors import entity_codes_by_id
from console.casework.bulk_forms import bulk_actions_for
from console.casework.cause_lists import causes_open
from console.casework.models import BulkAction

PAGE_SIZE = 50


@require_safe
@role_required(*FINANCE_READERS)
def cause_list(request: HttpRequest) -> HttpResponse:
    entities = entity_codes_by_id(request.user)
    by_code = {code: pk for pk, code in entities.items()}
    chosen = request.GET.get("entity", "")
    grouped_only = request.GET.get("all") != "1"
    causes = causes_open(request.user, entity_id=by_code.get(chosen), grouped_only=grouped_only)
    # The page's number and bounds from the causes' count; only that page's causes are read.
    page = Paginator(range(causes.count()), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = causes[page.start_index() - 1 : page.end_index()] if page.paginator.count else []
    can_retry = BulkAction.RETRY.value in dict(bulk_actions_for(request.user))
    context = {
        "page": page,
        "rows": rows,
        "entities": entities,
        "chosen": chosen if chosen in by_code else "",
        "grouped_only": grouped_only,
        "can_retry": can_retry,
        "total_cases": causes.total_cases,
        "total_causes": causes.count(),
    }
    return render(request, "casework/causes.html", context)
