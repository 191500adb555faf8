"""The SyncEvent state machine: the one place an event's state changes after a
claim, with its AuditEvent written in the same transaction.

A claim (queued -> posting) is a lease, not a decision; it ends in one of the
transitions below and leaves a PostingAttempt, so it is not audited itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record_many
from console.sync.errors import IllegalTransition, SyncError
from console.sync.models import EventState, SyncEvent
from console.sync.signals import events_transitioned

S = EventState
ALLOWED: dict[str, frozenset[str]] = {
    S.QUEUED: frozenset({S.POSTING, S.BLOCKED, S.FAILED}),
    S.POSTING: frozenset({S.POSTED, S.RETRY_WAIT, S.BLOCKED, S.FAILED}),
    S.RETRY_WAIT: frozenset({S.POSTING, S.QUEUED, S.FAILED}),
    S.BLOCKED: frozenset({S.QUEUED, S.FAILED, S.DISMISSED}),
    S.FAILED: frozenset({S.QUEUED, S.DISMISSED}),
    S.POSTED: frozenset(),
    S.DISMISSED: frozenset(),
}
ACTIONS = {
    S.POSTED: "event.posted",
    S.RETRY_WAIT: "event.retry_scheduled",
    S.BLOCKED: "event.blocked",
    S.FAILED: "event.failed",
    S.QUEUED: "event.requeued",
    S.DISMISSED: "event.dismissed",
}
# Fields a transition may set besides the state; anything else is a programming error.
SETTABLE = frozenset(
    {
        "attempt_count",
        "next_attempt_at",
        "reason_code",
        "reason_message",
        "blocked_on",
        "odoo_model",
        "odoo_id",
        "odoo_name",
        "posted_at",
        "mapping_versions",
        "enqueued_at",
        "claim_id",
        "lease_until",
        "override",
        "amount",
        "currency",
        "duplicate_waived",
        "source_date",
        "odoo_date",
        "booked_later",
        "period_hold_released",
    }
)


@dataclass
class Transition:
    event: SyncEvent
    to: EventState
    values: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    # What caused it, when that is another record (a mapping change request): kept in the
    # audit row so the trail links the decision to the events it moved.
    cause: str = ""


def events_transition(
    *, changes: Sequence[Transition], actor: Actor, claim_id: uuid.UUID | None = None
) -> list[SyncEvent]:
    """Apply transitions in the caller's transaction; returns the events changed.

    Each row is updated only if it is still in the state read (and, for a
    worker, still under its claim): a change that lost a race is skipped, not
    applied on top of someone else's.
    """
    if not connection.in_atomic_block:
        raise SyncError("event transitions must run inside a transaction")
    now = timezone.now()
    applied: list[SyncEvent] = []
    caused: dict[int, tuple[str, str]] = {}
    entries: list[AuditEntry] = []
    for change in changes:
        event = change.event
        before = event.state
        if change.to not in ALLOWED[before]:
            raise IllegalTransition(f"event {event.pk} cannot go from {before} to {change.to}")
        unknown = set(change.values) - SETTABLE
        if unknown:
            raise SyncError(f"a transition cannot set {sorted(unknown)}")
        values = {"state": change.to, "state_changed_at": now, **change.values}
        if change.to != S.POSTING:
            values.setdefault("claim_id", None)
            values.setdefault("lease_until", None)
        rows = SyncEvent.objects.filter(pk=event.pk, state=before)
        if claim_id is not None:
            rows = rows.filter(claim_id=claim_id)
        if rows.update(**values) != 1:
            continue
        for name, value in values.items():
            setattr(event, name, value)
        applied.append(event)
        if change.cause:
            caused[event.pk] = (change.cause, change.reason)
        entries.append(
            AuditEntry(
                action=ACTIONS[change.to],
                object_type="sync_event",
                object_id=str(event.pk),
                entity_code=event.entity.code,
                before={"state": before},
                after=_audit_after(event, change.to) | ({"cause": change.cause} if change.cause else {}),
                reason=change.reason,
                correlation_id=event.correlation_id,
            )
        )
    audit_record_many(actor=actor, entries=entries)
    if applied:
        events_transitioned.send(sender=SyncEvent, events=applied, actor=actor, caused=caused)
    return applied


def _audit_after(event: SyncEvent, state: str) -> dict[str, Any]:
    after: dict[str, Any] = {"state": state, "attempts": event.attempt_count}
    if state == S.POSTED:
        after.update(odoo_model=event.odoo_model, odoo_id=event.odoo_id, odoo_name=event.odoo_name)
        if event.odoo_date is not None:
            after["odoo_date"] = event.odoo_date.isoformat()
        if event.booked_later and event.source_date is not None:
            after.update(booked_later=True, source_date=event.source_date.isoformat())
        if event.period_hold_released:
            after["period_hold_released"] = True
    elif state == S.RETRY_WAIT and event.next_attempt_at is not None:
        after["next_attempt_at"] = event.next_attempt_at.isoformat()
    if event.reason_code and state != S.POSTED:
        after["reason_code"] = event.reason_code
    if state == S.QUEUED and event.override:
        after.update(override=event.override, amount=str(event.amount), currency=event.currency)
    return after
