"""What a person does to one event from the workbench: retry, resubmit with an
override, dismiss. Each is one audited transition (events_transition); the
caller (console/casework) checks the role and holds the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from console.audit.actors import Actor
from console.sync.errors import IllegalTransition
from console.sync.models import EventKind, EventState, SyncEvent
from console.sync.overrides import OverrideError, override_diff, override_merge, payload_apply
from console.sync.services.dispatch import events_dispatch_on_commit
from console.sync.services.requeue import events_unblock_after_dismissal
from console.sync.services.transitions import Transition, events_transition
from integrations.canonical import Document, PayloadError, parse_document

S = EventState
WORKABLE = (S.FAILED, S.BLOCKED)


def _locked(event: SyncEvent) -> SyncEvent:
    fresh = SyncEvent.objects.select_for_update(of=("self",)).select_related("entity").get(pk=event.pk)
    if fresh.state not in WORKABLE:
        raise IllegalTransition(
            f"event {fresh.pk} is {fresh.get_state_display().lower()}: only failed or blocked events can be worked"
        )
    return fresh


def _requeue(event: SyncEvent, *, actor: Actor, reason: str, values: dict[str, Any]) -> SyncEvent:
    values = {"blocked_on": "", "enqueued_at": timezone.now(), "next_attempt_at": None, **values}
    [applied] = events_transition(changes=[Transition(event, S.QUEUED, values, reason=reason)], actor=actor)
    events_dispatch_on_commit([(applied.pk, applied.entity_id, applied.kind)])
    return applied


def event_retry(*, event: SyncEvent, actor: Actor, reason: str, waive_duplicate: bool = False) -> SyncEvent:
    """Queue a failed or blocked event again; waive_duplicate posts a suspected duplicate anyway."""
    values = {"duplicate_waived": True} if waive_duplicate else {}
    return _requeue(_locked(event), actor=actor, reason=reason or "retried by hand", values=values)


@dataclass(frozen=True)
class Override:
    """An override checked against the event: the merged fields, their diff against the payload
    as received, and the document before and after it (what would post now, and then)."""

    merged: dict[str, Any]
    diff: list[dict[str, Any]]
    before: Document | None  # None: the stored payload no longer reads (a stricter reader since)
    after: Document


def override_check(event: SyncEvent, changes: dict[str, Any]) -> Override:
    """Raises OverrideError naming the field when the result is not a valid document."""
    if not changes:
        raise OverrideError("change at least one field")
    merged = override_merge(event.override or {}, changes)
    try:
        after = parse_document(event.kind, payload_apply(event.payload, merged))
    except PayloadError as err:
        raise OverrideError(str(err)) from err
    diff = override_diff(event.payload, merged)
    if not diff:
        raise OverrideError("the override changes nothing: every value is already the one received")
    try:
        before: Document | None = parse_document(event.kind, event.effective_payload)
    except PayloadError:
        before = None
    return Override(merged=merged, diff=diff, before=before, after=after)


def event_resubmit(*, event: SyncEvent, changes: dict[str, Any], actor: Actor, reason: str) -> list[dict[str, Any]]:
    """Override payload fields and queue the event again; returns the diff against the payload received.
    The event's amount and currency become those of the document that will post."""
    if not reason.strip():
        raise OverrideError("an override needs a reason")
    fresh = _locked(event)
    checked = override_check(fresh, changes)
    values = {"override": checked.merged, "amount": checked.after.amount, "currency": checked.after.currency}
    _requeue(fresh, actor=actor, reason=reason.strip(), values=values)
    return checked.diff


def event_dismiss(*, event: SyncEvent, actor: Actor, reason: str) -> SyncEvent:
    fresh = _locked(event)
    [applied] = events_transition(changes=[Transition(fresh, S.DISMISSED, {}, reason=reason)], actor=actor)
    if applied.kind == EventKind.PAYMENT:
        events_unblock_after_dismissal([applied.pk], actor=actor)
    return applied
