"""Configuration in the browser: legal entities (everyone with the entity reads, its integration
admins change it, a threshold waits for a controller), Odoo connections (integration admins; a
change waits for a second admin or a controller) and the list of changes waiting for a decision.
Thin: the services decide who may and what happens."""

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
from console.sync.config_forms import ConnectionForm, DecisionForm, EntitySettingsForm, ThresholdForm
from console.sync.errors import ConfigError, ConfigNotFound
from console.sync.models import ConnectionProtocol, LegalEntity
from console.sync.selectors.config import (
    ConnectionRow,
    changes_waiting,
    connection_history,
    connection_rows,
    connection_visible,
    entity_rows,
    entity_visible,
    threshold_history,
)
from console.sync.services.connection_config import (
    DECIDERS as CONNECTION_DECIDERS,
)
from console.sync.services.connection_config import (
    connection_change_decide,
    connection_change_propose,
)
from console.sync.services.connection_test import ConnectionReport, odoo_connection_test
from console.sync.services.entity_config import (
    DECIDERS as THRESHOLD_DECIDERS,
)
from console.sync.services.entity_config import (
    connections_usable,
    entity_settings_change,
    threshold_change_decide,
    threshold_change_propose,
)

READERS = (Role.OPERATOR, Role.CONTROLLER, Role.AUDITOR, Role.ADMIN)


def _actor(request: HttpRequest) -> Actor:
    return Actor.person(request.user, client_ip(request))


def _entity(request: HttpRequest, entity_id: int) -> LegalEntity:
    entity = entity_visible(request.user, entity_id)
    if entity is None:
        raise Http404("no legal entity of that number among yours")
    return entity


def _entity_page(request: HttpRequest, entity: LegalEntity, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    history = threshold_history(entity)
    pending = next((change for change in history if change.is_pending), None)
    is_admin = user_has_role(user, Role.ADMIN)
    context = {
        "entity": entity,
        "pending": pending,
        "history": history,
        "may": {
            "change": is_admin,
            # A refused proposal shows its form with the reason, waiting change or not.
            "propose": is_admin and (pending is None or "threshold" in forms),
            "decide": pending is not None
            and user_has_role(user, *THRESHOLD_DECIDERS)
            and pending.proposed_by_id != user.pk,
        },
        "settings_form": forms.get("settings")
        or EntitySettingsForm(initial=EntitySettingsForm.initial_of(entity), connections=connections_usable(user)),
        "threshold_form": forms.get("threshold") or ThresholdForm(),
        "decision_form": forms.get("decision") or DecisionForm(),
    }
    return render(request, "config/entity.html", context, status=status)


@require_safe
@role_required(*READERS)
def entity_list(request: HttpRequest) -> HttpResponse:
    return render(request, "config/entities.html", {"rows": entity_rows(request.user)})


@require_safe
@role_required(*READERS)
def entity_detail(request: HttpRequest, entity_id: int) -> HttpResponse:
    return _entity_page(request, _entity(request, entity_id))


@require_POST
@role_required(Role.ADMIN)
def entity_settings(request: HttpRequest, entity_id: int) -> HttpResponse:
    entity = _entity(request, entity_id)
    form = EntitySettingsForm(request.POST, connections=connections_usable(request.user))
    if form.is_valid():
        try:
            _, changed = entity_settings_change(
                user=request.user,
                actor=_actor(request),
                entity_id=entity.pk,
                settings=form.settings(),
                reason=form.cleaned_data["reason"],
            )
        except ConfigNotFound as err:
            raise Http404(str(err)) from err
        except ConfigError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, "Legal entity changed." if changed else "Nothing changed.")
            return redirect("config-entity", entity_id=entity.pk)
    return _entity_page(request, entity, status=400, settings=form)


@require_POST
@role_required(Role.ADMIN)
def entity_threshold(request: HttpRequest, entity_id: int) -> HttpResponse:
    entity = _entity(request, entity_id)
    form = ThresholdForm(request.POST)
    if form.is_valid():
        try:
            threshold_change_propose(
                user=request.user,
                actor=_actor(request),
                entity_id=entity.pk,
                threshold=form.cleaned_data["threshold"],
                reason=form.cleaned_data["reason"],
            )
        except ConfigNotFound as err:
            raise Http404(str(err)) from err
        except ConfigError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, "Proposed: the threshold changes when a controller of the entity approves.")
            return redirect("config-entity", entity_id=entity.pk)
    return _entity_page(request, entity, status=400, threshold=form)


def _decide_failed(request: HttpRequest, error: str) -> HttpResponse:
    return render(request, "config/decision_failed.html", {"error": error}, status=400)


@require_POST
@role_required(*THRESHOLD_DECIDERS)
def threshold_decide(request: HttpRequest, threshold_change_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _decide_failed(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    try:
        change = threshold_change_decide(
            user=request.user,
            actor=_actor(request),
            change_id=threshold_change_id,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ConfigNotFound as err:
        raise Http404(str(err)) from err
    except ConfigError as err:
        return _decide_failed(request, str(err))
    messages.success(request, f"Threshold change {change.get_state_display().lower()}.")
    return redirect("config-entity", entity_id=change.entity_id)


def _connection(request: HttpRequest, connection_id: int) -> ConnectionRow:
    row = connection_visible(request.user, connection_id)
    if row is None:
        raise Http404("no Odoo connection of that number among your legal entities'")
    return row


def _connections_page(request: HttpRequest, status: int = 200, form: ConnectionForm | None = None) -> HttpResponse:
    context = {
        "rows": connection_rows(request.user),
        "form": form or ConnectionForm(initial={"protocol": ConnectionProtocol.XMLRPC, "timeout_seconds": 60}),
    }
    return render(request, "config/connections.html", context, status=status)


def _connection_page(
    request: HttpRequest,
    row: ConnectionRow,
    status: int = 200,
    form: ConnectionForm | None = None,
    report: ConnectionReport | None = None,
) -> HttpResponse:
    conn, user = row.connection, request.user
    pending = row.pending
    context = {
        "row": row,
        "conn": conn,
        "history": connection_history(conn),
        "report": report,
        "may_decide": pending is not None
        and user_has_role(user, *CONNECTION_DECIDERS)
        and pending.proposed_by_id != user.pk,
        "form": form or ConnectionForm(initial=ConnectionForm.initial_of(conn)),
        "decision_form": DecisionForm(),
    }
    return render(request, "config/connection.html", context, status=status)


@require_safe
@role_required(Role.ADMIN)
def connection_list(request: HttpRequest) -> HttpResponse:
    return _connections_page(request)


@require_POST
@role_required(Role.ADMIN)
def connection_new(request: HttpRequest) -> HttpResponse:
    form = ConnectionForm(request.POST)
    if form.is_valid():
        try:
            connection_change_propose(
                user=request.user,
                actor=_actor(request),
                connection_id=None,
                values=form.values(),
                reason=form.cleaned_data["reason"],
            )
        except ConfigError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, "Proposed: the connection exists once a second admin or a controller approves.")
            return redirect("config-approvals")
    return _connections_page(request, status=400, form=form)


@require_safe
@role_required(Role.ADMIN)
def connection_detail(request: HttpRequest, connection_id: int) -> HttpResponse:
    return _connection_page(request, _connection(request, connection_id))


@require_POST
@role_required(Role.ADMIN)
def connection_change(request: HttpRequest, connection_id: int) -> HttpResponse:
    row = _connection(request, connection_id)
    form = ConnectionForm(request.POST)
    if form.is_valid():
        try:
            connection_change_propose(
                user=request.user,
                actor=_actor(request),
                connection_id=row.connection.pk,
                values=form.values(),
                reason=form.cleaned_data["reason"],
            )
        except ConfigNotFound as err:
            raise Http404(str(err)) from err
        except ConfigError as err:
            form.add_error(None, str(err))
        else:
            messages.success(request, "Proposed: the connection changes when a second admin or a controller approves.")
            return redirect("config-connection", connection_id=row.connection.pk)
    return _connection_page(request, row, status=400, form=form)


@require_POST
@role_required(Role.ADMIN)
def connection_test(request: HttpRequest, connection_id: int) -> HttpResponse:
    row = _connection(request, connection_id)
    try:
        report = odoo_connection_test(user=request.user, actor=_actor(request), connection_id=row.connection.pk)
    except ConfigNotFound as err:
        raise Http404(str(err)) from err
    return _connection_page(request, row, report=report)


@require_POST
@role_required(*CONNECTION_DECIDERS)
def connection_decide(request: HttpRequest, connection_change_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _decide_failed(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    try:
        change = connection_change_decide(
            user=request.user,
            actor=_actor(request),
            change_id=connection_change_id,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ConfigNotFound as err:
        raise Http404(str(err)) from err
    except ConfigError as err:
        return _decide_failed(request, str(err))
    messages.success(request, f"Connection change {change.get_state_display().lower()}.")
    return redirect("config-approvals")


@require_safe
@role_required(Role.CONTROLLER, Role.ADMIN)
def approvals(request: HttpRequest) -> HttpResponse:
    return render(
        request, "config/approvals.html", {"waiting": changes_waiting(request.user), "decision_form": DecisionForm()}
    )
