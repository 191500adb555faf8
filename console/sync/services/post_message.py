"""What a worker does with one `sync.post_events` message (dispatch.py says why)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from console.sync.models import EventState, SyncEvent
from console.sync.services.claims import claimable_q
from console.sync.services.dispatch import Group, claimable_in_group, message_send
from console.sync.services.posting import BatchSummary, events_post_batch


def _claims_under_way(group: Group) -> int:
    entity_id, kind = group
    live = SyncEvent.objects.filter(
        entity_id=entity_id, kind=kind, state=EventState.POSTING, lease_until__gte=timezone.now()
    )
    return live.values("claim_id").distinct().count()


def posting_message_handle(*, event_ids: list[int], worker: str) -> BatchSummary:
    """Post the message's events with a batch of their group, then send the group's next
    message if claimable events remain: events that arrived meanwhile counted on it.

    A message whose events another worker took is done (that worker looks after posting),
    without taking the write lock for a claim that would find nothing. When the group has
    more than a batch waiting, the next batch's message goes out before posting, so up to
    POSTING_PARALLEL_PER_GROUP workers drain one entity and kind side by side."""
    mine = SyncEvent.objects.filter(pk__in=event_ids).filter(claimable_q())
    first = mine.order_by("pk").values_list("entity_id", "kind").first()
    if first is None:
        return BatchSummary()
    group: Group = first
    size = settings.POSTING_BATCH_SIZE
    waiting = claimable_in_group(group, limit=2 * size)
    if len(waiting) > size and _claims_under_way(group) + 1 < settings.POSTING_PARALLEL_PER_GROUP:
        message_send(waiting[size:])
    summary = events_post_batch(event_ids=event_ids, worker=worker)
    if summary.claimed and (left := claimable_in_group(group, limit=size)):
        message_send(left)
    return summary
