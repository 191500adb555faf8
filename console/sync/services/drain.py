"""Posting everything that is waiting, synchronously (for operators and tests)."""

from __future__ import annotations

from console.audit.actors import Actor
from console.sync.models import SyncEvent
from console.sync.services.claims import claimable_q
from console.sync.services.posting import BatchSummary, events_post_batch


def events_drain(
    *, entity_codes: list[str] | None = None, limit: int | None = None, worker: str = "drain"
) -> BatchSummary:
    """Claim and post batches until nothing claimable is left (or `limit` events were claimed).

    Events whose retry is not due yet stay waiting: draining never jumps a backoff.
    """
    total = BatchSummary()
    actor = Actor.system("post_pending")
    while limit is None or total.claimed < limit:
        rows = SyncEvent.objects.filter(claimable_q())
        if entity_codes:
            rows = rows.filter(entity__code__in=entity_codes)
        first = rows.order_by("pk").values_list("pk", flat=True).first()
        if first is None:
            break
        summary = events_post_batch(event_ids=[first], worker=worker, actor=actor)
        total.add(summary)
    return total
