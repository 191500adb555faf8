"""The exception workbench: thin views; reading lives in selectors.py, changes in services/actions.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import FINANCE_READERS
from console.access.selectors import entity_codes_by_id
from console.audit.actors import Actor
from console.casework.bulk_forms import bulk_actions_for
from console.casework.case_page import case_page
from console.casework.filters import CaseFilter
from console.casework.forms import ActionForm, action_form, action_labels
from console.casework.models import OPEN_STATES, CaseState, ExceptionCase, SavedView
from console.casework.saved_view_reads import saved_view_default, saved_view_shared, saved_views_of
from console.casework.selectors import (
    CaseDetail,
    CasePaginator,
    RowNames,
    allowed_actions,
    case_detail,
    case_get,
    cases_counted,
    cases_visible,
    credit_note_judgement,
    credit_note_lines,
    open_cases_counted,
)
from console.casework.services.actions import (
    ACTION_ROLES,
    CaseNotFound,
    action_role_check,
    case_approve,
    case_assign,
    case_claim,
    case_comment,
    case_dismiss,
    case_mark_duplicate,
    case_reject,
    case_retry,
)
from console.casework.services.credit_notes import case_credit_note, case_credit_note_draft
from console.casework.services.receipts import case_match_receipt
from console.casework.services.states import CaseError
from console.casework.taxonomy import Category, Severity
from console.jinja2_env import render_fragment

CASE_READERS = FINANCE_READERS
CASE_WORKERS = tuple(sorted({role for roles in ACTION_ROLES.values() for role in roles}))
PAGE_SIZE = 50
# What a list row shows for each choice's value (templates/jinja2/casework/_case_rows.html).
ROW_LABELS = {
    "category": dict(Category.choices),
    "severity": dict(Severity.choices),
    "state": dict(CaseState.choices),
}

SERVICES: dict[str, Callable[..., ExceptionCase]] = {
    "claim": case_claim,
    "assign": case_assign,
    "comment": case_comment,
    "retry": case_retry,
    "mark_duplicate": case_mark_duplicate,
    "dismiss": case_dismiss,
    "credit_note": case_credit_note,
    "match_receipt": case_match_receipt,
    "approve": case_approve,
    "reject": case_reject,
}
DONE = {
    "claim": "claimed, it is yours",
    "assign": "assigned",
    "comment": "comment added",
    "retry": "queued for posting again",
    "mark_duplicate": "closed as a duplicate",
    "dismiss": "dismissed",
    "credit_note": "turned into a credit note, which is queued for posting; the invoice is dismissed",
    "match_receipt": "the match is sent to Odoo; the case resolves once Odoo has made it",
    "approve": "request approved",
    "reject": "request rejected",
}


# ?view=none: the list without the person's default view.
NO_VIEW = "none"


def _view_url(view: SavedView) -> str:
    return f"{reverse('case-list')}?{view.query + '&' if view.query else ''}view={view.pk}"


def _saved_view_redirect(request: HttpRequest) -> HttpResponse | None:
    """The list with no query opens the person's default view; ?view=<id> alone opens that view
    (anyone's: it is a filter, and the list holds it to the opener's entities). Both redirect
    to the view's query, so the URL, the filter bar, the pages and the export all carry it."""
    if not request.GET:
        default = saved_view_default(request.user)
        return redirect(_view_url(default)) if default is not None else None
    if set(request.GET) == {"view"} and request.GET["view"] != NO_VIEW:
        view = saved_view_shared(request.GET["view"])
        if view is None:
            raise Http404("no such saved view")
        if view.query:
            return redirect(_view_url(view))
    return None


def filterset_query(request: HttpRequest) -> str:
    """The list's filter as a query string, without the page or the view it came from: what an
    export selects and a saved view keeps."""
    query = request.GET.copy()
    for name in ("page", "view"):
        query.pop(name, None)
    return query.urlencode()


@require_safe
@role_required(*CASE_READERS)
def case_list(request: HttpRequest) -> HttpResponse:
    if not request.htmx:  # type: ignore[attr-defined]
        to_view = _saved_view_redirect(request)
        if to_view is not None:
            return to_view
    filterset = CaseFilter(request.GET, queryset=cases_visible(request.user), request=request)
    cases = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    lookups = filterset.tally_lookups()
    totals = open_cases_counted(request.user, lookups) if lookups is not None else cases_counted(cases)
    names = RowNames(entities=entity_codes_by_id(request.user), flows=filterset.flow_names)
    page = CasePaginator(cases, PAGE_SIZE, names, totals.count).get_page(request.GET.get("page"))
    rows = render_fragment(
        "casework/_case_rows.html",
        {
            "cases": page,
            "now": timezone.now(),
            "zone": ZoneInfo(request.user.time_zone),  # type: ignore[union-attr]
            "labels": ROW_LABELS,
            "open_states": OPEN_STATES,
        },
    )
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "totals": totals,
        "bulk_offered": bool(bulk_actions_for(request.user)),
        "saved_view": saved_view_shared(request.GET.get("view", "")),
        "saved_views": saved_views_of(request.user),
        "filter_query": filterset_query(request),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "casework/_rows.html", context)
    filter_fields = render_fragment("casework/_filter_fields.html", {"form": filterset.form})
    return render(request, "casework/list.html", {**context, "filter_fields": filter_fields})


def _render_detail(
    request: HttpRequest, detail: CaseDetail, *, failed: ActionForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    if failed is not None and not error:
        # Say at the top what was refused: the form may sit in a closed menu further down, or no
        # longer be offered at all (the case moved on).
        reasons = "; ".join(str(e) for errors in failed.errors.values() for e in errors)
        button, _ = action_labels(failed.action, detail.case)
        error = f"{button}: not done. {reasons}" if reasons else ""
    context = {
        "detail": detail,
        "case": detail.case,
        "page": case_page(detail, request.user, failed),
        "error": error,
        "now": timezone.now(),
    }
    return render(request, "casework/detail.html", context, status=status)


def _detail_or_404(request: HttpRequest, case_id: int) -> CaseDetail:
    detail = case_detail(request.user, case_id)
    if detail is None:
        raise Http404("no such case in your legal entities")
    return detail


@require_safe
@role_required(*CASE_READERS)
def case_detail_view(request: HttpRequest, case_id: int) -> HttpResponse:
    return _render_detail(request, _detail_or_404(request, case_id))


@require_safe
@role_required(*ACTION_ROLES["credit_note"])
def case_credit_note_confirm(request: HttpRequest, case_id: int) -> HttpResponse:
    """What turning the case into a credit note would record, before the operator confirms it."""
    case = case_get(request.user, case_id)
    if case is None:
        raise Http404("no such case in your legal entities")
    context: dict[str, Any] = {"case": case, "offered": "credit_note" in allowed_actions(request.user, case)}
    if context["offered"]:
        try:
            context["draft"] = draft = case_credit_note_draft(case)
        except CaseError as err:
            context["error"] = str(err)
        else:
            context["judgement"] = credit_note_judgement(case)
            context["lines"] = credit_note_lines(draft)
            context["form"] = action_form("credit_note", case)
    return render(request, "casework/credit_note.html", context)


@require_POST
@role_required(*CASE_WORKERS)
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    if action not in SERVICES:
        raise Http404("no such action")
    action_role_check(request.user, action)
    case = case_get(request.user, case_id)
    if case is None:
        raise Http404("no such case in your legal entities")
    form = action_form(action, case, request.POST)
    if not form.is_valid():
        return _render_detail(request, _detail_or_404(request, case_id), failed=form, status=400)
    actor = Actor.person(request.user, client_ip(request))
    kwargs: dict[str, Any] = form.service_kwargs()
    try:
        done = SERVICES[action](user=request.user, actor=actor, case_id=case_id, **kwargs)
    except CaseNotFound as err:
        raise Http404(str(err)) from err
    except CaseError as err:
        return _render_detail(request, _detail_or_404(request, case_id), failed=form, error=str(err), status=400)
    if done.state == CaseState.WAITING_APPROVAL and action not in ("approve", "reject", "comment"):
        messages.success(request, f"Case {case_id} waits for a controller's approval: the decision is material.")
    elif action == "dismiss" and done.category == Category.UNMATCHED_RECEIPT:
        messages.success(request, f"Case {case_id}: left unmatched.")
    else:
        messages.success(request, f"Case {case_id}: {DONE[action]}.")
    return redirect("case-detail", case_id=case_id)
