"""Bulk actions over the list's filter: a dry run, a confirmation, then progress. Thin;
the rules live in services/bulk.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import Role
from console.audit.actors import Actor
from console.casework.bulk_forms import BulkForm
from console.casework.filters import CaseFilter
from console.casework.models import BulkState
from console.casework.selectors import cases_visible
from console.casework.services.bulk import BulkError, BulkRunNotFound, bulk_confirm, bulk_preview, bulk_runs_of

BULK_ROLES = (Role.OPERATOR, Role.CONTROLLER)


@require_safe
@role_required(*BULK_ROLES)
def bulk_new(request: HttpRequest) -> HttpResponse:
    """The bulk form for the list's filter (this request's query string): into the list's
    panel when htmx asks, as a page otherwise."""
    form = BulkForm(initial={"filter": request.GET.urlencode()}, user=request.user)
    template = "casework/_bulk_form.html" if request.htmx else "casework/bulk_new.html"  # type: ignore[attr-defined]
    return render(request, template, {"bulk_form": form})


@require_POST
@role_required(*BULK_ROLES)
def bulk_preview_view(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        return HttpResponseBadRequest("; ".join(str(e) for errors in form.errors.values() for e in errors))
    query = form.cleaned_data["filter"]
    filterset = CaseFilter(QueryDict(query), queryset=cases_visible(request.user), request=request)
    if not filterset.is_valid():
        return HttpResponseBadRequest("the list's filter is not valid: narrow it again from the list")
    try:
        run = bulk_preview(
            user=request.user,
            action=form.cleaned_data["action"],
            cases=filterset.qs,
            filter_query=query,
            reason=form.cleaned_data["reason"],
            assignee=form.cleaned_data["assignee"],
            request_ip=client_ip(request),
        )
    except BulkError as err:
        messages.error(request, str(err))
        return redirect(f"{reverse('case-list')}?{query}")
    return redirect("bulk-detail", run_id=run.pk)


@require_safe
@role_required(*BULK_ROLES)
def bulk_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = bulk_runs_of(request.user).select_related("assignee").filter(pk=run_id).first()
    if run is None:
        raise Http404("no bulk run of yours with this number")
    live = run.state in (BulkState.QUEUED, BulkState.RUNNING)
    context = {"run": run, "live": live}
    template = "casework/_bulk_progress.html" if request.htmx else "casework/bulk.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
@role_required(*BULK_ROLES)
def bulk_confirm_view(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        bulk_confirm(user=request.user, run_id=run_id, actor=Actor.person(request.user, client_ip(request)))
    except BulkRunNotFound as err:
        raise Http404(str(err)) from err
    except BulkError as err:
        messages.error(request, str(err))
    return redirect("bulk-detail", run_id=run_id)
