"""Mapping change requests, maker-checker: draft -> submitted -> approved / rejected -> applied.

Finance operators and controllers propose; only a controller of the entity decides, and
never on a request they made (refused here, and by a check constraint and a trigger in
the database). Every step checks the role and the entity, changes the request, keeps
its timeline and writes the audit row in one transaction. Applying writes the new
mapping versions and queues again the events that waited for them, with the request
named as their cause in the audit trail.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import restrict_to_entities
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.casework.services.approval_mail import mapping_change_mail_on_commit
from console.mappings.models import (
    ChangeActivity,
    ChangeOrigin,
    ChangeRequest,
    ChangeState,
    Mapping,
    MappingKind,
    OdooReference,
    RowChange,
    RowOp,
)
from console.mappings.services.reference import ReferenceError, Targets, entity_for
from console.mappings.services.versions import MappingError, mapping_version_add
from console.sync.models import LegalEntity

PROPOSERS = (Role.OPERATOR, Role.CONTROLLER)
APPROVERS = (Role.CONTROLLER,)
READERS = (Role.OPERATOR, Role.CONTROLLER, Role.AUDITOR)
# Which roles may do what to a request: the pages show a button only when this allows it.
ACTION_ROLES: dict[str, tuple[Role, ...]] = {
    "add_rows": PROPOSERS,
    "remove_row": PROPOSERS,
    "submit": PROPOSERS,
    "withdraw": PROPOSERS,
    "comment": PROPOSERS,
    "approve": APPROVERS,
    "reject": APPROVERS,
}
OPEN_STATES = (ChangeState.DRAFT, ChangeState.SUBMITTED, ChangeState.APPROVED)
# A code never mapped before is mapped for every event that carried it: the events
# waiting for it occurred before anybody asked for the mapping.
SINCE_ALWAYS = datetime(1970, 1, 1, tzinfo=UTC)
MAX_ROWS = 5000
# Odoo's ids are PostgreSQL integers, and so is Mapping.odoo_id: a larger one points at nothing.
MAX_ODOO_ID = 2**31 - 1


class ChangeError(Exception):
    """A step the request's state or its author does not allow; the message says why."""


class RequestNotFound(Exception):
    pass


@dataclass(frozen=True)
class RowInput:
    """One row as a person, a CSV line or the API gives it; op None means: work it out."""

    kind: str
    source_value: str
    odoo_id: int | None
    op: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class RowProblem:
    position: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.position}, {self.field}: {self.message}"


class ChangeInvalid(Exception):
    """Every problem of the rows at once, each naming its row and field; nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class CheckedRow:
    position: int
    op: RowOp
    kind: str
    source_value: str
    odoo_id: int | None
    target: OdooReference | None
    current: Mapping | None


def _latest_versions(entity: LegalEntity, codes: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Mapping]:
    """The newest version of each (kind, code), in one query."""
    wanted = set(codes)
    rows = Mapping.objects.filter(
        entity=entity, kind__in={k for k, _ in wanted}, source_value__in={c for _, c in wanted}
    ).order_by("version")
    return {(m.kind, m.source_value): m for m in rows if (m.kind, m.source_value) in wanted}


def _mapped(latest: Mapping | None) -> bool:
    return latest is not None and latest.odoo_id is not None and latest.valid_to is None


def _clean_code(value: Any) -> str:
    return str(value if value is not None else "").strip()


def _form_problems(row: RowInput, kind: str, code: str) -> list[tuple[str, str]]:
    """What is wrong with the row as written, before looking anything up: (field, message)."""
    problems = []
    if kind not in MappingKind.values:
        problems.append(("kind", f"unknown kind {kind!r}; use one of {', '.join(MappingKind.values)}"))
    if not code or len(code) > 100:
        problems.append(("source_value", "must be 1 to 100 characters"))
    elif any(unicodedata.category(c).startswith("C") for c in code):
        problems.append(("source_value", "must not hold control characters"))
    if row.op is not None and row.op not in RowOp.values:
        problems.append(("op", f"unknown change {row.op!r}; use one of {', '.join(RowOp.values)}"))
    if row.odoo_id is not None and (not isinstance(row.odoo_id, int) or not 0 < row.odoo_id <= MAX_ODOO_ID):
        problems.append(("odoo_id", f"must be a whole number from 1 to {MAX_ODOO_ID:,} (the Odoo record's id)"))
    return problems


def _meaning_problem(
    entity: LegalEntity, row: RowInput, label: str, op: RowOp, current: Mapping | None, valid_from: datetime | None
) -> tuple[str, str] | None:
    """What is wrong with the row against the mappings in force: (field, message), or None."""
    if current is not None and current.valid_from > timezone.now():
        return "source_value", f"{label} already changes on {current.valid_from:%Y-%m-%d %H:%M} UTC; wait for it"
    if op == RowOp.ADD and current is not None:
        return "op", f"{label} is already mapped to {current.odoo_label} (version {current.version}): change it"
    if op in (RowOp.CHANGE, RowOp.RETIRE) and current is None:
        return "op", f"{label} is not mapped in {entity.code}: " + (
            "add it" if op == RowOp.CHANGE else "nothing to retire"
        )
    if op == RowOp.RETIRE and row.odoo_id is not None:
        return "odoo_id", "a retired code points at nothing: leave the target empty"
    if op != RowOp.RETIRE and row.odoo_id is None:
        return "odoo_id", f"choose the Odoo record {label} should point at"
    if current is not None and op == RowOp.CHANGE and current.odoo_id == row.odoo_id:
        return "odoo_id", f"{label} already points at {current.odoo_label}"
    if current is not None and valid_from is not None and valid_from <= current.valid_from:
        return "valid_from", f"{label} has a version from {current.valid_from:%Y-%m-%d %H:%M} UTC: start after it"
    return None


def rows_check(entity: LegalEntity, rows: list[RowInput], *, valid_from: datetime | None = None) -> list[CheckedRow]:
    """Validate every row against the mappings now and Odoo's kept reference data;
    ChangeInvalid lists every problem, so a CSV of 500 lines is fixed in one go.
    The versions and targets of all rows are read at once, not per row."""
    if len(rows) > MAX_ROWS:
        raise ChangeInvalid([RowProblem(MAX_ROWS + 1, "rows", f"a request holds at most {MAX_ROWS} rows")])
    problems: list[RowProblem] = []
    well_formed: list[tuple[int, RowInput, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows, start=1):
        position, code = row.position or index, _clean_code(row.source_value)
        found = _form_problems(row, row.kind, code)
        if not found and (row.kind, code) in seen:
            found = [
                (
                    "source_value",
                    f"{row.kind} {code} is already changed by row {seen[(row.kind, code)]} of this request",
                )
            ]
        problems += [RowProblem(position, field, message) for field, message in found]
        if not found:
            seen[(row.kind, code)] = position
            well_formed.append((position, row, code))
    latest = _latest_versions(entity, seen)
    targets = Targets(entity, [(r.kind, r.odoo_id) for _, r, _ in well_formed if r.odoo_id is not None])
    checked: list[CheckedRow] = []
    for position, row, code in well_formed:
        current = latest.get((row.kind, code))
        current = current if _mapped(current) else None
        op = RowOp(row.op) if row.op else (RowOp.RETIRE if row.odoo_id is None else None)
        op = op or (RowOp.CHANGE if current is not None else RowOp.ADD)
        wrong = _meaning_problem(entity, row, f"{row.kind} {code}", op, current, valid_from)
        target = None
        if wrong is None and row.odoo_id is not None:
            try:
                target = targets.check(row.kind, row.odoo_id)
            except ReferenceError as err:
                wrong = ("odoo_id", str(err))
        if wrong is not None:
            problems.append(RowProblem(position, *wrong))
            continue
        checked.append(CheckedRow(position, op, row.kind, code, row.odoo_id, target, current))
    if problems:
        raise ChangeInvalid(sorted(problems, key=lambda p: p.position))
    return checked


def _activity(request: ChangeRequest, actor: Actor, kind: str, text: str = "", data: Any = None) -> None:
    ChangeActivity.objects.create(
        request=request,
        at=timezone.now(),
        kind=kind,
        actor_label=actor.label,
        actor_user_id=actor.user_id,
        text=text,
        data=data or {},
    )


def _row_json(row: RowChange | CheckedRow) -> dict[str, Any]:
    replaces = row.replaces if isinstance(row, RowChange) else row.current
    return {
        "op": str(row.op),
        "kind": row.kind,
        "source_value": row.source_value,
        "odoo_id": row.odoo_id,
        "replaces_version": replaces.version if replaces else None,
    }


def _audit(
    request: ChangeRequest, actor: Actor, action: str, *, before: Any = None, after: Any = None, reason: str = ""
) -> None:
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action=f"mapping_change.{action}",
            object_type="mapping_change",
            object_id=str(request.pk),
            entity_code=request.entity.code,
            before=before,
            after=after,
            reason=reason,
            correlation_id=request.reference,
        ),
    )


def _rows_write(request: ChangeRequest, checked: list[CheckedRow]) -> None:
    RowChange.objects.bulk_create(
        RowChange(
            request=request,
            position=row.position,
            op=row.op,
            kind=row.kind,
            source_value=row.source_value,
            odoo_id=row.odoo_id,
            odoo_label=row.target.label if row.target else "",
            replaces=row.current,
        )
        for row in checked
    )


def _future(value: datetime | None, what: str) -> datetime | None:
    if value is not None and value <= timezone.now():
        raise ChangeError(f"{what} must be in the future (empty: at approval)")
    return value


@transaction.atomic
def change_request_create(
    *,
    user: Any,
    actor: Actor,
    entity_code: str,
    title: str,
    rows: list[RowInput],
    effective_at: datetime | None = None,
    valid_from: datetime | None = None,
    origin: str = ChangeOrigin.FORM,
) -> ChangeRequest:
    """A draft request with its rows, all valid or none written."""
    role_check(user, *PROPOSERS, doing="proposing a mapping change")
    entity = entity_for(user, entity_code)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ChangeError("a change request needs a title of 1 to 200 characters: what changes and why")
    if not rows:
        raise ChangeError("a change request needs at least one row")
    _future(effective_at, "the time to apply it")
    checked = rows_check(entity, rows, valid_from=valid_from)
    request = ChangeRequest.objects.create(
        entity=entity,
        title=title,
        origin=origin,
        requested_by=user,
        created_at=timezone.now(),
        effective_at=effective_at,
        valid_from=valid_from,
    )
    _rows_write(request, checked)
    _activity(request, actor, "created", f"{len(checked)} row{'s' if len(checked) != 1 else ''}", {"origin": origin})
    _audit(
        request,
        actor,
        "created",
        after={
            "title": title,
            "origin": origin,
            "effective_at": effective_at.isoformat() if effective_at else None,
            "valid_from": valid_from.isoformat() if valid_from else None,
            "rows": [_row_json(r) for r in checked],
        },
    )
    return request


def _request(user: Any, request_id: int, action: str) -> ChangeRequest:
    role_check(user, *ACTION_ROLES[action], doing=action.replace("_", " ") + " a mapping change")
    rows = ChangeRequest.objects.select_for_update(of=("self",)).select_related("entity", "requested_by")
    request = restrict_to_entities(rows, user).filter(pk=request_id).first()
    if request is None:
        raise RequestNotFound(f"no mapping change {request_id} in your legal entities")
    return request


def _own_draft(request: ChangeRequest, user: Any, doing: str) -> None:
    if request.requested_by_id != user.pk:
        raise PermissionDenied(f"only {request.requested_by.get_username()}, who wrote it, may {doing}")
    if request.state != ChangeState.DRAFT:
        raise ChangeError(
            f"mapping change {request.pk} is {request.get_state_display().lower()}: {doing} is for drafts"
        )


@transaction.atomic
def change_request_add_rows(*, user: Any, actor: Actor, request_id: int, rows: list[RowInput]) -> ChangeRequest:
    request = _request(user, request_id, "add_rows")
    _own_draft(request, user, "add rows")
    kept = list(request.rows.all())
    existing = [RowInput(r.kind, r.source_value, r.odoo_id, r.op, r.position) for r in kept]
    start = max((r.position for r in kept), default=0) + 1
    added = [RowInput(r.kind, r.source_value, r.odoo_id, r.op, start + n) for n, r in enumerate(rows)]
    checked = rows_check(request.entity, existing + added, valid_from=request.valid_from)
    new = checked[len(existing) :]
    _rows_write(request, new)
    _activity(request, actor, "edited", f"added {len(new)} row{'s' if len(new) != 1 else ''}")
    _audit(request, actor, "rows_added", after={"rows": [_row_json(r) for r in new]})
    return request


@transaction.atomic
def change_request_remove_row(*, user: Any, actor: Actor, request_id: int, position: int) -> ChangeRequest:
    request = _request(user, request_id, "remove_row")
    _own_draft(request, user, "remove rows")
    row = request.rows.filter(position=position).first()
    if row is None:
        raise ChangeError(f"mapping change {request.pk} has no row {position}")
    gone = _row_json(row)
    row.delete()
    _activity(request, actor, "edited", f"removed row {position}: {row.kind} {row.source_value}")
    _audit(request, actor, "row_removed", before=gone)
    return request


def _conflicts(request: ChangeRequest) -> None:
    """Two open requests on the same code would apply over each other: the later one waits."""
    codes = {(r.kind, r.source_value) for r in request.rows.all()}
    others = RowChange.objects.filter(
        request__entity=request.entity, request__state__in=(ChangeState.SUBMITTED, ChangeState.APPROVED)
    ).exclude(request=request)
    clashes = sorted(
        f"{kind} {code} (mapping change {other})"
        for kind, code, other in others.values_list("kind", "source_value", "request_id")
        if (kind, code) in codes
    )
    if clashes:
        raise ChangeError("another open request already changes " + ", ".join(clashes) + ": wait for its decision")


def _recheck(request: ChangeRequest, doing: str) -> list[RowChange]:
    """The rows still hold: nobody changed those mappings meanwhile, and Odoo still has the targets."""
    rows = list(request.rows.select_related("replaces"))
    if not rows:
        raise ChangeError(f"mapping change {request.pk} has no rows")
    latest = _latest_versions(request.entity, [(r.kind, r.source_value) for r in rows])
    targets = Targets(request.entity, [(r.kind, r.odoo_id) for r in rows if r.odoo_id is not None])
    stale = []
    for row in rows:
        newest = latest.get((row.kind, row.source_value))
        now_current = newest if _mapped(newest) else None
        if (now_current.pk if now_current else None) != row.replaces_id:
            version = f"version {newest.version}" if newest else "no version"
            stale.append(f"{row.kind} {row.source_value} changed since this request was written (now {version})")
        elif row.odoo_id is not None:
            try:
                targets.check(row.kind, row.odoo_id)
            except ReferenceError as err:
                stale.append(f"{row.kind} {row.source_value}: {err}")
    if stale:
        raise ChangeError(f"cannot {doing}: " + "; ".join(stale))
    return rows


@transaction.atomic
def change_request_submit(*, user: Any, actor: Actor, request_id: int) -> ChangeRequest:
    request = _request(user, request_id, "submit")
    _own_draft(request, user, "submit it")
    rows = _recheck(request, "submit it")
    _conflicts(request)
    _future(request.effective_at, "the time to apply it")
    request.state, request.submitted_at = ChangeState.SUBMITTED, timezone.now()
    request.save(update_fields=["state", "submitted_at"])
    _activity(request, actor, "submitted", "waiting for a controller of " + request.entity.code)
    _audit(
        request,
        actor,
        "submitted",
        before={"state": "draft"},
        after={"state": "submitted", "rows": [_row_json(r) for r in rows]},
    )
    mapping_change_mail_on_commit(request.pk)
    return request


@transaction.atomic
def change_request_withdraw(*, user: Any, actor: Actor, request_id: int, reason: str = "") -> ChangeRequest:
    request = _request(user, request_id, "withdraw")
    if request.requested_by_id != user.pk:
        raise PermissionDenied(f"only {request.requested_by.get_username()}, who wrote it, may withdraw it")
    if request.state not in (ChangeState.DRAFT, ChangeState.SUBMITTED):
        raise ChangeError(f"mapping change {request.pk} is {request.get_state_display().lower()}: too late to withdraw")
    before = request.state
    request.state = ChangeState.WITHDRAWN
    request.save(update_fields=["state"])
    _activity(request, actor, "withdrawn", reason.strip())
    _audit(request, actor, "withdrawn", before={"state": before}, after={"state": "withdrawn"}, reason=reason.strip())
    return request


@transaction.atomic
def change_request_comment(*, user: Any, actor: Actor, request_id: int, text: str) -> ChangeRequest:
    request = _request(user, request_id, "comment")
    text = (text or "").strip()
    if not text:
        raise ChangeError("a comment needs some text")
    _activity(request, actor, "commented", text)
    _audit(request, actor, "commented", after={"text": text})
    return request


def _decider(request: ChangeRequest, user: Any, doing: str) -> None:
    if request.requested_by_id == user.pk:
        raise PermissionDenied(f"you asked for mapping change {request.pk}: another controller must {doing} it")
    if request.state != ChangeState.SUBMITTED and not (request.state == ChangeState.APPROVED and doing == "reject"):
        raise ChangeError(f"mapping change {request.pk} is {request.get_state_display().lower()}: it cannot be decided")


@transaction.atomic
def change_request_approve(*, user: Any, actor: Actor, request_id: int, note: str = "") -> ChangeRequest:
    """Approve; applied at once unless it names a later time (then the beat applies it)."""
    request = _request(user, request_id, "approve")
    _decider(request, user, "approve")
    _recheck(request, "approve it")
    now = timezone.now()
    request.state, request.decided_by, request.decided_at = ChangeState.APPROVED, user, now
    request.decision_note = note.strip()
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    when = f"to apply at {request.effective_at.isoformat()}" if request.effective_at else "applied at once"
    _activity(request, actor, "approved", note.strip() or when)
    _audit(
        request,
        actor,
        "approved",
        before={"state": "submitted"},
        after={"state": "approved", "apply": when},
        reason=note.strip(),
    )
    if request.effective_at is None or request.effective_at <= now:
        change_request_apply(request, actor=actor)
    return request


@transaction.atomic
def change_request_reject(*, user: Any, actor: Actor, request_id: int, note: str) -> ChangeRequest:
    request = _request(user, request_id, "reject")
    _decider(request, user, "reject")
    note = (note or "").strip()
    if not note:
        raise ChangeError("a rejection needs a reason the requester can act on")
    before = request.state
    request.state, request.decided_by, request.decided_at, request.decision_note = (
        ChangeState.REJECTED,
        user,
        timezone.now(),
        note,
    )
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    _activity(request, actor, "rejected", note)
    _audit(request, actor, "rejected", before={"state": before}, after={"state": "rejected"}, reason=note)
    return request


def change_request_apply(request: ChangeRequest, *, actor: Actor) -> ChangeRequest:
    """Write the approved rows as new mapping versions and queue again what waited for them.

    Runs in the approver's transaction, or the beat's for a request with a later time."""
    from console.sync.services.posting import events_requeue_blocked
    from console.sync.services.resolution import mapping_block_key

    if request.state != ChangeState.APPROVED:
        raise ChangeError(
            f"mapping change {request.pk} is {request.get_state_display().lower()}: only approved ones apply"
        )
    rows = _recheck(request, "apply it")
    now = timezone.now()
    reason = f"mapping change {request.pk}: {request.title}"
    versions = []
    for row in rows:
        if request.valid_from is not None:
            start = request.valid_from
        elif (
            row.replaces_id is None
            and not Mapping.objects.filter(entity=request.entity, kind=row.kind, source_value=row.source_value).exists()
        ):
            start = SINCE_ALWAYS
        else:
            start = now
        try:
            version = mapping_version_add(
                kind=row.kind,
                entity=request.entity,
                source_value=row.source_value,
                odoo_id=row.odoo_id,
                odoo_label=row.odoo_label,
                valid_from=start,
                actor=actor,
                reason=reason,
                correlation_id=request.reference,
                requeue=False,
            )
        except MappingError as err:
            raise ChangeError(f"cannot apply {row.kind} {row.source_value}: {err}") from err
        row.applied_version = version
        row.save(update_fields=["applied_version"])
        versions.append(version)
    keys = [mapping_block_key(r.kind, r.source_value, request.entity.code) for r in rows if r.odoo_id is not None]
    requeued = (
        events_requeue_blocked(blocked_on=keys, actor=actor, reason=reason, cause=request.reference) if keys else []
    )
    request.state, request.applied_at, request.requeued = ChangeState.APPLIED, now, len(requeued)
    request.save(update_fields=["state", "applied_at", "requeued"])
    text = f"{len(versions)} mapping version{'s' if len(versions) != 1 else ''} written"
    if requeued:
        text += f"; {len(requeued)} waiting event{'s' if len(requeued) != 1 else ''} queued for posting again"
    _activity(request, actor, "applied", text, {"versions": [v.pk for v in versions], "requeued": requeued[:1000]})
    _audit(
        request,
        actor,
        "applied",
        before={"state": "approved"},
        after={
            "state": "applied",
            "versions": [{"kind": v.kind, "source_value": v.source_value, "version": v.version} for v in versions],
            "requeued_events": len(requeued),
        },
    )
    return request


def change_requests_apply_due(*, now: datetime | None = None) -> list[int]:
    """The beat's part: apply approved requests whose time has come, each in its own transaction.

    One that can no longer apply (the mapping changed meanwhile) is noted on its timeline
    once and left for a controller to reject."""
    now = now or timezone.now()
    actor = Actor.system("mappings.apply_due")
    done = []
    due = (
        ChangeRequest.objects.filter(state=ChangeState.APPROVED, effective_at__lte=now)
        .exclude(activity__kind="apply_failed")
        .order_by("effective_at", "pk")
    )
    for request_id in due.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                request = (
                    ChangeRequest.objects.select_for_update(of=("self",)).select_related("entity").get(pk=request_id)
                )
                if request.state != ChangeState.APPROVED:
                    continue  # decided otherwise since the list was read
                change_request_apply(request, actor=actor)
                done.append(request.pk)
        except ChangeError as err:
            with transaction.atomic():
                request = ChangeRequest.objects.select_related("entity").get(pk=request_id)
                _activity(request, actor, "apply_failed", str(err))
                _audit(request, actor, "apply_failed", after={"error": str(err)})
    return done
