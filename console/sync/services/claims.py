"""Claiming events for posting with a conditional UPDATE, safe with many workers
and redelivered messages: a row is taken only if it is still claimable, and a
killed worker's claim expires (lease) so the sweeper can hand it on.

An event of a paused flow is never claimable: it keeps its state (queued, or waiting to retry)
and is not taken until its flow resumes. The condition is a subquery of the UPDATE itself, so a
claim that starts after the pause committed takes none of them, whichever worker makes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from console.sync.errors import LeaseLost
from console.sync.models import EventState, Flow, SyncEvent


def paused_q() -> Q:
    """Events of a paused flow (the flows table is small: the subquery is read once)."""
    return Q(flow_id__in=Flow.objects.filter(paused_at__isnull=False).values("pk"))


def claimable_q(*, paused_too: bool = False) -> Q:
    """What a claim may take; `paused_too` for resuming, which looks at a flow's events just
    before they become claimable again."""
    now = timezone.now()
    due = (
        Q(state=EventState.QUEUED)
        | Q(state=EventState.RETRY_WAIT, next_attempt_at__lte=now)
        | Q(state=EventState.POSTING, lease_until__lt=now)
    )
    return due if paused_too else due & ~paused_q()


def claimable_ids(*, entity_id: int, kind: str, limit: int) -> list[int]:
    """The oldest claimable events of one entity and kind: a query per claimable state, each
    on an index. As one query with claimable_q's OR, SQLite read every event of the entity
    (39 ms at 44,000 events, for every claim)."""
    now = timezone.now()
    rows = SyncEvent.objects.filter(entity_id=entity_id, kind=kind).exclude(paused_q())
    parts = (
        rows.filter(state=EventState.QUEUED),
        rows.filter(state=EventState.RETRY_WAIT, next_attempt_at__lte=now),
        rows.filter(state=EventState.POSTING, lease_until__lt=now),
    )
    return sorted(pk for part in parts for pk in part.order_by("pk").values_list("pk", flat=True)[:limit])[:limit]


@dataclass
class Claim:
    claim_id: uuid.UUID
    event_ids: list[int]

    def renew(self) -> None:
        """Extend the lease before each write to Odoo; stop if the events were taken over."""
        with transaction.atomic():
            renewed = SyncEvent.objects.filter(
                pk__in=self.event_ids, claim_id=self.claim_id, state=EventState.POSTING
            ).update(lease_until=timezone.now() + timedelta(seconds=settings.POSTING_LEASE_SECONDS))
        if renewed != len(self.event_ids):
            raise LeaseLost(f"claim {self.claim_id}: {len(self.event_ids) - renewed} events were taken over")


def _take(ids: Sequence[int], claim_id: uuid.UUID) -> int:
    now = timezone.now()
    with transaction.atomic():
        return (
            SyncEvent.objects.filter(pk__in=list(ids))
            .filter(claimable_q())
            .update(
                state=EventState.POSTING,
                claim_id=claim_id,
                lease_until=now + timedelta(seconds=settings.POSTING_LEASE_SECONDS),
                state_changed_at=now,
            )
        )


def events_claim(*, event_ids: Sequence[int], top_up_to: int = 0) -> Claim | None:
    """Claim the given events; then, if room is left, more claimable events of
    the same entity and kind, so events delivered one by one still post in batches."""
    claim_id = uuid.uuid4()
    _take(event_ids, claim_id)
    taken = list(SyncEvent.objects.filter(claim_id=claim_id).values_list("pk", "entity_id", "kind"))
    if taken and top_up_to > len(taken):
        _, entity_id, kind = taken[0]
        more = claimable_ids(entity_id=entity_id, kind=kind, limit=top_up_to - len(taken))
        if more:
            _take(more, claim_id)
            taken = list(SyncEvent.objects.filter(claim_id=claim_id).values_list("pk", "entity_id", "kind"))
    if not taken:
        return None
    return Claim(claim_id=claim_id, event_ids=[pk for pk, _, _ in taken])
