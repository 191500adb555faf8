"""What a person does to one event from the workbench: retry, resubmit with an
override, dismiss. Each is one audited transition (events_transition); the
caller (console/casework) checks the role and holds the transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from console.audit.actors import Actor
from console.sync.errors import IllegalTransition
from console.sync.models import EventState, SyncEvent
from console.sync.overrides import OverrideError, override_diff, payload_apply
from console.sync.services.dispatch import events_dispatch_on_commit
from console.sync.services.transitions import Transition, events_transition
from integrations.canonical import PayloadError, parse_document

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


def override_check(event: SyncEvent, changes: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]], Decimal]:
    """The merged override, its diff against the payload as received, and the amount it leaves.
    Raises OverrideError naming the field when the result is not a valid document."""
    if not changes:
        raise OverrideError("change at least one field")
    merged = {**(event.override or {}), **changes}
    try:
        document = parse_document(event.kind, payload_apply(event.payload, merged))
    except PayloadError as err:
        raise OverrideError(str(err)) from err
    diff = override_diff(event.payload, merged)
    if not diff:
        raise OverrideError("the override changes nothing: every value is already the one received")
    return merged, diff, document.amount


def event_resubmit(*, event: SyncEvent, changes: dict[str, Any], actor: Actor, reason: str) -> list[dict[str, Any]]:
    """Override payload fields and queue the event again; returns the diff against the payload received."""
    if not reason.strip():
        raise OverrideError("an override needs a reason")
    fresh = _locked(event)
    merged, diff, _ = override_check(fresh, changes)
    _requeue(fresh, actor=actor, reason=reason.strip(), values={"override": merged})
    return diff


def event_dismiss(*, event: SyncEvent, actor: Actor, reason: str) -> SyncEvent:
    fresh = _locked(event)
    [applied] = events_transition(changes=[Transition(fresh, S.DISMISSED, {}, reason=reason)], actor=actor)
    return applied
