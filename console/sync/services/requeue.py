"""Queueing blocked events again when what they waited for arrives: a mapping added, an
invoice posted."""

from __future__ import annotations

from django.utils import timezone

from console.audit.actors import Actor
from console.sync.models import EventState, SyncEvent
from console.sync.services.dispatch import events_dispatch_on_commit
from console.sync.services.resolution import (
    event_block_key,
    invoice_block_key,
    settled_block_key,
    settling_direction,
)
from console.sync.services.transitions import Transition, events_transition
from integrations.canonical import MOVE_TYPES

S = EventState


def events_unblock_after_posting(posted: list[SyncEvent], *, actor: Actor) -> list[int]:
    """Closed loop: payments and credit notes waiting on an invoice (or a credit note a
    payment settles), and credit notes waiting on the invoice's payments, are queued again once
    it posts."""
    keys: list[str] = []
    for event in posted:
        # Whatever waited for this very event (a credit note waits for the invoice's payments).
        keys.append(event_block_key(event.pk))
        if event.kind in MOVE_TYPES:
            # Credit notes wait for an invoice not received under its kind; payments under the
            # direction of the money (and, blocked before credit notes existed, under its kind).
            keys.append(invoice_block_key(event.source_id, event.kind, event.external_id))
            keys.append(settled_block_key(event.source_id, settling_direction(event.kind), event.external_id))
    if not keys:
        return []
    return events_requeue_blocked(blocked_on=keys, actor=actor, reason="what it waited for was posted")


def events_unblock_after_dismissal(payment_ids: list[int], *, actor: Actor) -> list[int]:
    """Credit notes waiting for these payments to post (resolution._unposted_payment_of) are
    queued again: the payments were dismissed and will never post."""
    if not payment_ids:
        return []
    keys = [event_block_key(pk) for pk in payment_ids]
    return events_requeue_blocked(blocked_on=keys, actor=actor, reason="the payment it waited for was dismissed")


def events_requeue_blocked(*, blocked_on: list[str], actor: Actor, reason: str, cause: str = "") -> list[int]:
    """Queue again the events blocked on any of these keys (a mapping added, an invoice posted);
    returns their ids."""
    waiting = list(SyncEvent.objects.filter(state=S.BLOCKED, blocked_on__in=blocked_on).select_related("entity"))
    if not waiting:
        return []
    now = timezone.now()
    values = {"blocked_on": "", "enqueued_at": now, "next_attempt_at": None}
    changes = [Transition(e, S.QUEUED, dict(values), reason=reason, cause=cause) for e in waiting]
    applied = events_transition(changes=changes, actor=actor)
    events_dispatch_on_commit((e.pk, e.entity_id, e.kind) for e in applied)
    return [e.pk for e in applied]
