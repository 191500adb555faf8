"""Sending claimed-work messages to Celery, after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction


def chunks_by_group(events: Iterable[tuple[int, int, str]], size: int) -> list[list[int]]:
    """(id, entity_id, kind) rows to lists of ids, one group per entity and kind."""
    groups: dict[tuple[int, str], list[int]] = {}
    for event_id, entity_id, kind in events:
        groups.setdefault((entity_id, kind), []).append(event_id)
    out: list[list[int]] = []
    for ids in groups.values():
        out.extend(ids[i : i + size] for i in range(0, len(ids), size))
    return out


def events_dispatch_on_commit(events: Iterable[tuple[int, int, str]]) -> int:
    """Queue post_events messages once the caller's transaction commits; returns how many."""
    from console.sync.tasks import post_events

    batches = chunks_by_group(events, settings.POSTING_BATCH_SIZE)

    def send() -> None:
        for ids in batches:
            post_events.apply_async(args=(ids,))

    if batches:
        transaction.on_commit(send)
    return len(batches)
