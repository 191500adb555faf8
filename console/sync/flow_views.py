"""Flows in the browser: the list, a flow's page with its settings (integration admins) and its
pause and resume. Thin: the services decide who may and what happens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from console.access.decorators import role_required
from console.access.login_audit import client_ip
from console.access.roles import Role
from console.access.selectors import user_has_role
from console.audit.actors import Actor
from console.sync.errors import SyncError
from console.sync.flow_forms import FlowPauseForm, FlowResumeForm, FlowSettingsForm
from console.sync.selectors.flows import FlowAccess, flow_access, flows_access
from console.sync.services.flow_pause import PAUSERS, RESUMERS, flow_pause, flow_resume
from console.sync.services.flow_settings import flow_settings_change
from console.sync.services.flows import FlowNotFound

READERS = (Role.OPERATOR, Role.CONTROLLER, Role.AUDITOR, Role.ADMIN)


def _visible(request: HttpRequest, flow_id: int) -> FlowAccess:
    found = flow_access(request.user, flow_id)
    if found is None:
        raise Http404("no flow of that number among your legal entities' flows")
    return found


def _page(request: HttpRequest, found: FlowAccess, status: int = 200, **forms: Any) -> HttpResponse:
    flow, user = found.flow, request.user
    may = {
        "settings": found.changeable and user_has_role(user, Role.ADMIN),
        "pause": found.changeable and not flow.is_paused and user_has_role(user, *PAUSERS),
        "resume": found.changeable and flow.is_paused and user_has_role(user, *RESUMERS),
    }
    context = {
        "flow": flow,
        "access": found,
        "may": may,
        "settings_form": forms.get("settings") or FlowSettingsForm(initial=FlowSettingsForm.initial_of(flow)),
        "pause_form": forms.get("pause") or FlowPauseForm(),
        "resume_form": forms.get("resume") or FlowResumeForm(),
    }
    return render(request, "flows/detail.html", context, status=status)


def _actor(request: HttpRequest) -> Actor:
    return Actor.person(request.user, client_ip(request))


@require_safe
@role_required(*READERS)
def flow_list(request: HttpRequest) -> HttpResponse:
    return render(request, "flows/list.html", {"rows": flows_access(request.user)})


@require_safe
@role_required(*READERS)
def flow_detail(request: HttpRequest, flow_id: int) -> HttpResponse:
    return _page(request, _visible(request, flow_id))


@require_POST
@role_required(Role.ADMIN)
def flow_settings(request: HttpRequest, flow_id: int) -> HttpResponse:
    found = _visible(request, flow_id)
    form = FlowSettingsForm(request.POST)
    if form.is_valid():
        try:
            _, changed = flow_settings_change(
                flow_id=found.flow.pk,
                user=request.user,
                actor=_actor(request),
                settings=form.settings(),
                reason=form.cleaned_data["reason"],
            )
        except FlowNotFound as err:
            raise Http404(str(err)) from err
        except SyncError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, "Settings changed." if changed else "Nothing changed.")
            return redirect("flow-detail", flow_id=found.flow.pk)
    return _page(request, found, status=400, settings=form)


@require_POST
@role_required(*PAUSERS)
def flow_pause_view(request: HttpRequest, flow_id: int) -> HttpResponse:
    found = _visible(request, flow_id)
    form = FlowPauseForm(request.POST)
    if form.is_valid():
        try:
            flow_pause(
                flow_id=found.flow.pk, user=request.user, actor=_actor(request), reason=form.cleaned_data["reason"]
            )
        except FlowNotFound as err:
            raise Http404(str(err)) from err
        except SyncError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, "Paused: its events are recorded as they arrive and post when it resumes.")
            return redirect("flow-detail", flow_id=found.flow.pk)
    return _page(request, found, status=400, pause=form)


@require_POST
@role_required(*RESUMERS)
def flow_resume_view(request: HttpRequest, flow_id: int) -> HttpResponse:
    found = _visible(request, flow_id)
    form = FlowResumeForm(request.POST)
    if form.is_valid():
        try:
            _, sent = flow_resume(
                flow_id=found.flow.pk, user=request.user, actor=_actor(request), reason=form.cleaned_data["reason"]
            )
        except FlowNotFound as err:
            raise Http404(str(err)) from err
        except SyncError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, f"Resumed: {sent} waiting event{'s' if sent != 1 else ''} sent to post.")
            return redirect("flow-detail", flow_id=found.flow.pk)
    return _page(request, found, status=400, resume=form)
