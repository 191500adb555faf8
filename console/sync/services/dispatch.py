"""Posting messages: sent after the transaction commits, a few per entity and kind, not one per event.

A `sync.post_events` message names events of one entity and kind. Its worker
claims them and tops the claim up to a batch with the group's other claimable
events (claims.py), posts, and then, if the group still has claimable events,
sends the group's next message itself (post_message.py). So an event that
arrives while an older event of its group is still queued needs no message of
its own: whoever claims that older event claims this one too, or sends the
message that will. One message per event was what starved the demo: the first
message of a group claimed the batch, and every later one found nothing.

Why no event is left behind, whatever the interleaving (and if a message is
lost, the sweeper sends the group's events again after SWEEP_STALE_QUEUED_SECONDS):
- an event sends no message only if, after its own commit, an older event of
  its group is still queued. The worker that claims that older event claims
  after this commit, so its claim sees this event; if its claim had read the
  group just before (claims read, then update) or was full, the worker finds
  this event still claimable when it looks after posting, and sends the next
  message;
- only an older event (lower id) counts, so events sent at the same moment never
  all wait on each other: the oldest of them sends;
- a full batch of new events always has a message of its own, so a large
  delivery is posted by several workers at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction

from console.sync.models import EventState, SyncEvent
from console.sync.services.claims import claimable_ids, paused_q

Group = tuple[int, str]  # (entity_id, kind)


def chunks_by_group(events: Iterable[tuple[int, int, str]], size: int) -> dict[Group, list[list[int]]]:
    """(id, entity_id, kind) rows to each group's ids in id order, cut in chunks of `size`."""
    groups: dict[Group, list[int]] = {}
    for event_id, entity_id, kind in events:
        groups.setdefault((entity_id, kind), []).append(event_id)
    return {
        group: [ordered[i : i + size] for i in range(0, len(ordered), size)]
        for group, ordered in ((group, sorted(ids)) for group, ids in groups.items())
    }


def message_send(ids: Sequence[int]) -> None:
    from console.sync.tasks import post_events

    post_events.apply_async(args=(list(ids),))


def _older_event_queued(group: Group, first_id: int) -> bool:
    entity_id, kind = group
    # A paused flow's queued event is claimed by nobody until it resumes: it is not one to count on.
    older = SyncEvent.objects.filter(entity_id=entity_id, kind=kind, state=EventState.QUEUED, pk__lt=first_id)
    return older.exclude(paused_q()).exists()


def events_dispatch_on_commit(events: Iterable[tuple[int, int, str]]) -> None:
    """Once the caller's transaction commits: a message per full batch of each group, and
    one for the rest unless an older event of the group is still queued (see above)."""
    chunked = chunks_by_group(events, settings.POSTING_BATCH_SIZE)
    if not chunked:
        return

    def send() -> None:
        for group, chunks in chunked.items():
            if len(chunks[-1]) < settings.POSTING_BATCH_SIZE and _older_event_queued(group, chunks[0][0]):
                chunks = chunks[:-1]
            for ids in chunks:
                message_send(ids)

    transaction.on_commit(send)


def groups_wake_on_commit(events: Iterable[tuple[int, int, str]]) -> None:
    """The sweeper's resend: one message per group with its oldest batch, however many
    events it has waiting; that message's worker sends the next one, until none is left."""
    firsts = [chunks[0] for chunks in chunks_by_group(events, settings.POSTING_BATCH_SIZE).values()]

    def send() -> None:
        for ids in firsts:
            message_send(ids)

    if firsts:
        transaction.on_commit(send)


def claimable_in_group(group: Group, *, limit: int) -> list[int]:
    """The group's claimable events, oldest first."""
    entity_id, kind = group
    return claimable_ids(entity_id=entity_id, kind=kind, limit=limit)
