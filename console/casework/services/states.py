"""The case state machine: the one place a case changes, with its timeline entry
and its audit row written in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils import timezone

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.casework.models import ActivityKind, CaseActivity, CaseState, ExceptionCase

C = CaseState
ALLOWED: dict[str, frozenset[str]] = {
    C.OPEN: frozenset({C.IN_PROGRESS, C.WAITING_APPROVAL, C.RESOLVED, C.DISMISSED}),
    C.IN_PROGRESS: frozenset({C.OPEN, C.WAITING_APPROVAL, C.RESOLVED, C.DISMISSED}),
    C.WAITING_APPROVAL: frozenset({C.IN_PROGRESS, C.RESOLVED, C.DISMISSED}),
    C.RESOLVED: frozenset(),
    C.DISMISSED: frozenset(),
}
CLOSED = (C.RESOLVED, C.DISMISSED)


class CaseError(Exception):
    """A change a case cannot take; the message says why."""


def case_change(
    case: ExceptionCase,
    *,
    actor: Actor,
    kind: ActivityKind,
    to: CaseState | None = None,
    text: str = "",
    data: Any = None,
    fields: dict[str, Any] | None = None,
) -> CaseActivity:
    """Move the case (or not: a comment), keep the timeline and the audit row together."""
    if not connection.in_atomic_block:
        raise CaseError("case changes must run inside a transaction")
    before_state = case.state
    if to is not None and to != before_state and to not in ALLOWED[before_state]:
        raise CaseError(
            f"case {case.pk} is {case.get_state_display().lower()}: it cannot become {CaseState(to).label.lower()}"
        )
    now = timezone.now()
    changed = dict(fields or {})
    if to is not None and to != before_state:
        changed["state"] = to
        if to in CLOSED:
            changed["resolved_at"] = now
    before = {name: _plain(getattr(case, name)) for name in changed}
    for name, value in changed.items():
        setattr(case, name, value)
    if changed:
        case.save(update_fields=list(changed))
    activity = CaseActivity.objects.create(
        case=case, at=now, kind=kind, actor_label=actor.label, actor_user_id=actor.user_id, text=text, data=data
    )
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action=f"case.{kind}",
            object_type="case",
            object_id=str(case.pk),
            entity_code=case.entity.code,
            before=before or None,
            after={**{name: _plain(value) for name, value in changed.items()}, **({"data": data} if data else {})}
            or None,
            reason=text,
            correlation_id=case.event.correlation_id if case.event is not None else "",
        ),
    )
    return activity


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
