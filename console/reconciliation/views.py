"""The reconciliation pages: thin; the services decide who may and what happens, the selectors
what is shown."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import FINANCE_READERS, Role
from console.access.selectors import entities_visible, user_has_role
from console.audit.actors import Actor
from console.reconciliation.errors import ReconciliationError
from console.reconciliation.figures import Figures
from console.reconciliation.forms import EvidenceForm, RunDayForm, RunFilterForm
from console.reconciliation.models import ReconciliationRun
from console.reconciliation.selectors.runs import (
    events_figures,
    run_differences,
    run_events,
    run_for_case,
    run_get,
    runs_of_period,
)
from console.reconciliation.services.evidence import evidence_export
from console.reconciliation.services.runs import RUNNERS, reconciliation_run
from console.sync.models import EventState, Flow

PAGE = 50


def _actor(request: HttpRequest) -> Actor:
    return Actor.person(request.user, client_ip(request))


def _visible(request: HttpRequest, run_id: int) -> ReconciliationRun:
    run = run_get(request.user, run_id)
    if run is None:
        raise Http404("no reconciliation run of that number in your legal entities")
    return run


@require_safe
@role_required(*FINANCE_READERS)
def run_list(request: HttpRequest) -> HttpResponse:
    entities = list(entities_visible(request.user).order_by("code").values_list("pk", "code"))
    flows = list(Flow.objects.order_by("name").values_list("pk", "name"))
    form = RunFilterForm(request.GET or None, entities=entities, flows=flows)
    filters = form.cleaned_data if form.is_valid() else {}
    runs = runs_of_period(
        request.user,
        start=filters.get("start"),
        end=filters.get("end"),
        entity_id=filters.get("entity"),
        flow_id=filters.get("flow"),
        status=filters.get("status") or "",
    )
    page = Paginator(runs, PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "count": page.paginator.count,
        "may_run": user_has_role(request.user, *RUNNERS),
        "may_export": user_has_role(request.user, Role.AUDITOR),
        "evidence_form": EvidenceForm(),
        "entities": entities,
        "flows": flows,
    }
    return render(request, "reconciliation/run_list.html", context)


@require_safe
@role_required(*FINANCE_READERS)
def run_detail(request: HttpRequest, recon_run_id: int) -> HttpResponse:
    run = _visible(request, recon_run_id)
    context = {
        "run": run,
        "present": list(run_differences(run, present=True)),
        "gone": list(run_differences(run, present=False)),
        "may_run": user_has_role(request.user, *RUNNERS),
    }
    return render(request, "reconciliation/run_detail.html", context)


@require_safe
@role_required(*FINANCE_READERS)
def run_events_view(request: HttpRequest, recon_run_id: int) -> HttpResponse:
    """The day's events: the list a run's received (and, with ?state=posted, posted) figures count."""
    run = _visible(request, recon_run_id)
    state = request.GET.get("state", "")
    if state not in ("", *EventState.values):
        state = ""
    events = run_events(run, state=state)
    page = Paginator(events, PAGE).get_page(request.GET.get("page"))
    figures = events_figures(events)
    # The run's figures are what it counted when it ran: said so when the list has moved since.
    counted = {"": run.received, EventState.POSTED: run.posted}.get(state)
    then = Figures.from_json(counted) if counted is not None else None
    context = {
        "run": run,
        "state": state,
        "page": page,
        "figures": figures,
        "moved": then is not None and not then.agrees(figures),
        "then": then,
    }
    return render(request, "reconciliation/run_events.html", context)


def _run(request: HttpRequest, entity_id: int, flow_id: int, form: RunDayForm) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("recon-run-list")
    try:
        run = reconciliation_run(
            entity_id=entity_id, flow_id=flow_id, day=form.cleaned_data["day"], actor=_actor(request), user=request.user
        )
    except ReconciliationError as err:
        messages.error(request, err.message)
        return redirect("recon-run-list")
    messages.success(request, f"{run.flow.name}, {run.day}: {run.get_status_display().lower()}.")
    return redirect("recon-run-detail", run.pk)


@require_POST
@role_required(*RUNNERS)
def run_again(request: HttpRequest, recon_run_id: int) -> HttpResponse:
    run = _visible(request, recon_run_id)
    return _run(request, run.entity_id, run.flow_id, RunDayForm({"day": run.day.isoformat()}))


@require_POST
@role_required(*RUNNERS)
def run_start(request: HttpRequest, entity_code: str, flow_id: int) -> HttpResponse:
    entity = entities_visible(request.user).filter(code=entity_code).first()
    if entity is None:
        raise Http404("no such legal entity among yours")
    if not Flow.objects.filter(pk=flow_id).exists():
        raise Http404("no such flow")
    return _run(request, entity.pk, flow_id, RunDayForm(request.POST))


@require_safe
@role_required(*FINANCE_READERS)
def case_run(request: HttpRequest, case_id: int) -> HttpResponse:
    """From a case opened by reconciliation to the run that found it."""
    run = run_for_case(request.user, case_id)
    if run is None:
        raise Http404("no reconciliation run found this case")
    return redirect("recon-run-detail", run.pk)


@require_safe
@role_required(Role.AUDITOR)
def evidence(request: HttpRequest) -> HttpResponse:
    form = EvidenceForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    try:
        found = evidence_export(
            user=request.user, actor=_actor(request), start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    except ReconciliationError as err:
        return HttpResponse(err.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(found.body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
