"""The mapping editor and its change requests: thin views; reading lives in selectors/,
changes in services/ (every change goes through a change request a controller decides)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from console.access.decorators import role_check, role_required
from console.access.login_audit import client_ip
from console.access.roles import Role
from console.access.selectors import entities_visible, user_has_role
from console.audit.actors import Actor
from console.mappings.forms import CommentForm, ImportForm, NoteForm, ProposeForm, ReasonForm, RemoveRowForm, RowForm
from console.mappings.models import ChangeRequest, ChangeState, MappingKind
from console.mappings.selectors.browse import (
    mapping_history,
    mappings_current,
    mappings_in_force_counts,
    mappings_scheduled,
    reference_refreshed,
    request_diff,
    request_get,
    requests_visible,
    waiting_for,
)
from console.mappings.selectors.impact import change_impact
from console.mappings.services.csv_io import change_request_from_csv, mappings_export
from console.mappings.services.reference import EntityNotFound, ReferenceError, entity_for, reference_refresh
from console.mappings.services.requests import (
    ACTION_ROLES,
    OPEN_STATES,
    PROPOSERS,
    READERS,
    ChangeError,
    ChangeInvalid,
    RequestNotFound,
    change_request_add_rows,
    change_request_approve,
    change_request_comment,
    change_request_create,
    change_request_reject,
    change_request_remove_row,
    change_request_submit,
    change_request_withdraw,
)
from console.sync.models import LegalEntity
from console.sync.selectors.config import changes_waiting

ACTORS = tuple(sorted({role for roles in ACTION_ROLES.values() for role in roles}))
LIST_SIZE = 100


def _actor(request: HttpRequest) -> Actor:
    return Actor.person(request.user, client_ip(request))


def _entity(request: HttpRequest, code: str) -> LegalEntity:
    try:
        return entity_for(request.user, code)
    except EntityNotFound as err:
        raise Http404(str(err)) from err


def _kind(kind: str) -> str:
    if kind not in MappingKind.values:
        raise Http404(f"no mapping kind {kind!r}")
    return kind


@require_safe
@role_required(*READERS)
def mapping_index(request: HttpRequest) -> HttpResponse:
    entities = list(entities_visible(request.user))
    counts = mappings_in_force_counts([e.pk for e in entities])
    table = [
        {"entity": e, "kinds": [(k, label, counts.get((e.pk, k), 0)) for k, label in MappingKind.choices]}
        for e in entities
    ]
    context = {
        "table": table,
        "waiting": waiting_for(request.user)[:LIST_SIZE] if user_has_role(request.user, Role.CONTROLLER) else [],
        "mine": requests_visible(request.user)
        .filter(requested_by_id=request.user.pk, state__in=OPEN_STATES)
        .order_by("-pk")[:LIST_SIZE],
    }
    return render(request, "mappings/index.html", context)


def _kind_page(request: HttpRequest, entity: LegalEntity, kind: str, **forms: Any) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    proposer = user_has_role(request.user, *PROPOSERS)
    zone = getattr(request.user, "time_zone", "UTC")
    context = {
        "entity": entity,
        "kind": kind,
        "kind_label": MappingKind(kind).label,
        "search": search,
        "current": mappings_current(entity, kind, search),
        "scheduled": mappings_scheduled(entity, kind),
        "refreshed": reference_refreshed(entity, kind),
        "propose_form": forms.get("propose_form")
        or (
            ProposeForm(entity=entity, kinds=[kind], zone=zone, initial={"source_value": request.GET.get("code", "")})
            if proposer
            else None
        ),
        "import_form": forms.get("import_form") or (ImportForm() if proposer else None),
        "problems": forms.get("problems", []),
        "error": forms.get("error", ""),
        "can_refresh": proposer,
    }
    return render(request, "mappings/kind.html", context, status=400 if forms else 200)


@require_safe
@role_required(*READERS)
def mapping_kind(request: HttpRequest, entity_code: str, kind: str) -> HttpResponse:
    return _kind_page(request, _entity(request, entity_code), _kind(kind))


@require_safe
@role_required(*READERS)
def mapping_history_view(request: HttpRequest, entity_code: str, kind: str) -> HttpResponse:
    entity, kind = _entity(request, entity_code), _kind(kind)
    code = request.GET.get("code", "")[:100]
    versions = mapping_history(entity, kind, code)
    if not versions:
        raise Http404(f"no {kind} mapping {code!r} in {entity.code}")
    context = {"entity": entity, "kind": kind, "code": code, "versions": versions, "now": timezone.now()}
    return render(request, "mappings/history.html", context)


@require_POST
@role_required(*PROPOSERS)
def reference_refresh_view(request: HttpRequest, entity_code: str, kind: str) -> HttpResponse:
    entity, kind = _entity(request, entity_code), _kind(kind)
    try:
        counts = reference_refresh(user=request.user, actor=_actor(request), entity_code=entity.code, kinds=[kind])
    except ReferenceError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, "Odoo reference data refreshed: " + ", ".join(f"{n} {m}" for m, n in counts.items()))
    return redirect("mapping-kind", entity_code=entity.code, kind=kind)


@require_safe
@role_required(*READERS)
def mapping_export_view(request: HttpRequest, entity_code: str, kind: str) -> HttpResponse:
    entity, kind = _entity(request, entity_code), _kind(kind)
    text = mappings_export(user=request.user, actor=_actor(request), entity_code=entity.code, kind=kind)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%dT%H%MZ")
    response["Content-Disposition"] = f'attachment; filename="mappings-{entity.code}-{kind}-{stamp}.csv"'
    return response


@require_POST
@role_required(*PROPOSERS)
def mapping_import_view(request: HttpRequest, entity_code: str, kind: str) -> HttpResponse:
    entity, kind = _entity(request, entity_code), _kind(kind)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _kind_page(request, entity, kind, import_form=form)
    try:
        created, unchanged = change_request_from_csv(
            user=request.user,
            actor=_actor(request),
            entity_code=entity.code,
            kind=kind,
            title=form.cleaned_data["title"],
            data=form.cleaned_data["file"].read(),
        )
    except ChangeInvalid as err:
        return _kind_page(request, entity, kind, import_form=form, problems=err.problems)
    except ChangeError as err:
        return _kind_page(request, entity, kind, import_form=form, error=str(err))
    note = f" ({unchanged} line{'s' if unchanged != 1 else ''} changed nothing and were left out)" if unchanged else ""
    messages.success(
        request, f"Draft mapping change {created.pk} written from the file{note}: check it, then submit it."
    )
    return redirect("mapping-change", request_id=created.pk)


@require_POST
@role_required(*PROPOSERS)
def mapping_propose(request: HttpRequest, entity_code: str, kind: str) -> HttpResponse:
    entity, kind = _entity(request, entity_code), _kind(kind)
    form = ProposeForm(request.POST, entity=entity, kinds=[kind], zone=getattr(request.user, "time_zone", "UTC"))
    if not form.is_valid():
        return _kind_page(request, entity, kind, propose_form=form)
    try:
        created = change_request_create(
            user=request.user,
            actor=_actor(request),
            entity_code=entity.code,
            title=form.cleaned_data["title"],
            rows=[form.row()],
            effective_at=form.cleaned_data["effective_at"],
            valid_from=form.cleaned_data["valid_from"],
        )
    except ChangeInvalid as err:
        return _kind_page(request, entity, kind, propose_form=form, problems=err.problems)
    except ChangeError as err:
        return _kind_page(request, entity, kind, propose_form=form, error=str(err))
    messages.success(request, f"Draft mapping change {created.pk} written: add rows if needed, then submit it.")
    return redirect("mapping-change", request_id=created.pk)


@require_safe
@role_required(*READERS)
def change_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    rows = requests_visible(request.user).order_by("-pk")
    if state in ChangeState.values:
        rows = rows.filter(state=state)
    context: dict[str, Any] = {"requests": rows[:LIST_SIZE], "state": state, "states": ChangeState.choices}
    if user_has_role(request.user, Role.CONTROLLER):
        # Controllers decide configuration changes too (thresholds, connections): say so where
        # they look for what waits on them.
        context["config_waiting"] = len(changes_waiting(request.user))
    return render(request, "mappings/changes.html", context)


def _allowed(request: HttpRequest, change: ChangeRequest) -> set[str]:
    """The actions to offer this person now (the services check again on submit)."""
    user = request.user
    own = change.requested_by_id == user.pk
    allowed = {action for action, roles in ACTION_ROLES.items() if user_has_role(user, *roles)}
    offer = set()
    if change.state == ChangeState.DRAFT and own:
        offer |= {"add_rows", "remove_row", "submit", "withdraw"}
    if change.state == ChangeState.SUBMITTED:
        offer |= {"withdraw"} if own else {"approve", "reject"}
    if change.state == ChangeState.APPROVED and not own:
        offer.add("reject")
    if change.state not in (ChangeState.APPLIED, ChangeState.REJECTED, ChangeState.WITHDRAWN):
        offer.add("comment")
    return offer & allowed


FORMS: dict[str, Callable[..., Any]] = {
    "comment": CommentForm,
    "approve": NoteForm,
    "reject": ReasonForm,
    "withdraw": NoteForm,
    "remove_row": RemoveRowForm,
    "submit": NoteForm,
}


def _render_change(
    request: HttpRequest,
    change: ChangeRequest,
    *,
    failed: tuple[str, Any] | None = None,
    error: str = "",
    problems: Any = None,
) -> HttpResponse:
    actions = _allowed(request, change)
    forms: dict[str, Any] = {}
    for action in actions:
        if failed is not None and failed[0] == action:
            forms[action] = failed[1]
        elif action == "add_rows":
            forms[action] = RowForm(entity=change.entity, kinds=list(MappingKind.values))
        elif action in FORMS and action != "remove_row":
            forms[action] = FORMS[action]()
    context = {
        "change": change,
        "diff": request_diff(change),
        "impact": change_impact(change)
        if change.state in (ChangeState.DRAFT, ChangeState.SUBMITTED, ChangeState.APPROVED)
        else None,
        "activity": change.activity.all(),
        **_requeued(change),
        "actions": actions,
        "forms": forms,
        "own": change.requested_by_id == request.user.pk,
        "error": error,
        "problems": problems or [],
    }
    return render(request, "mappings/change.html", context, status=400 if (error or problems or failed) else 200)


def _requeued(change: ChangeRequest) -> dict[str, Any]:
    applied = change.activity.filter(kind="applied").first()
    ids = list(applied.data.get("requeued", [])) if applied else []
    return {"requeued": ids[:50], "requeued_more": max(change.requeued - 50, 0)}


def _change_or_404(request: HttpRequest, request_id: int) -> ChangeRequest:
    change = request_get(request.user, request_id)
    if change is None:
        raise Http404("no such mapping change in your legal entities")
    return change


@require_safe
@role_required(*READERS)
def change_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _render_change(request, _change_or_404(request, request_id))


DONE = {
    "add_rows": "row added",
    "remove_row": "row removed",
    "submit": "submitted: a controller of the entity decides it",
    "withdraw": "withdrawn",
    "comment": "comment added",
    "approve": "approved",
    "reject": "rejected",
}


@require_POST
@role_required(*ACTORS)
def change_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    if action not in ACTION_ROLES:
        raise Http404("no such action")
    role_check(request.user, *ACTION_ROLES[action], doing=action.replace("_", " "))
    change = _change_or_404(request, request_id)
    form: Any = (
        RowForm(request.POST, entity=change.entity, kinds=list(MappingKind.values))
        if action == "add_rows"
        else FORMS[action](request.POST)
    )
    if not form.is_valid():
        return _render_change(request, change, failed=(action, form))
    actor, user, data = _actor(request), request.user, form.cleaned_data
    try:
        if action == "add_rows":
            change_request_add_rows(user=user, actor=actor, request_id=request_id, rows=[form.row()])
        elif action == "remove_row":
            change_request_remove_row(user=user, actor=actor, request_id=request_id, position=data["position"])
        elif action == "submit":
            change_request_submit(user=user, actor=actor, request_id=request_id)
        elif action == "withdraw":
            change_request_withdraw(user=user, actor=actor, request_id=request_id, reason=data["note"])
        elif action == "comment":
            change_request_comment(user=user, actor=actor, request_id=request_id, text=data["text"])
        elif action == "approve":
            change_request_approve(user=user, actor=actor, request_id=request_id, note=data["note"])
        else:
            change_request_reject(user=user, actor=actor, request_id=request_id, note=data["note"])
    except RequestNotFound as err:
        raise Http404(str(err)) from err
    except ChangeInvalid as err:
        return _render_change(
            request, _change_or_404(request, request_id), failed=(action, form), problems=err.problems
        )
    except ChangeError as err:
        return _render_change(request, _change_or_404(request, request_id), failed=(action, form), error=str(err))
    done = _change_or_404(request, request_id)
    messages.success(request, f"Mapping change {request_id}: {_done(action, done)}.")
    return redirect(reverse("mapping-change", kwargs={"request_id": request_id}))


def _done(action: str, done: ChangeRequest) -> str:
    if action != "approve":
        return DONE[action]
    if done.state == ChangeState.APPLIED:
        events = f"{done.requeued} waiting event{'s' if done.requeued != 1 else ''}"
        return f"approved and applied; {events} queued for posting again"
    if done.effective_at:
        return f"approved; it applies at {timezone.localtime(done.effective_at):%Y-%m-%d %H:%M %Z}"
    return "approved"
