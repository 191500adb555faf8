"""A worker's message posts a batch of its group and sends the group's next message itself,
so a group drains with a few messages, none of them a wasted one per event."""

from __future__ import annotations

from typing import Any

import pytest

from console.sync.models import EventState, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.tasks import post_events
from tests.factories import invoice_event
from tests.unit.console.sync.conftest import PostingQueue, Source

pytestmark = pytest.mark.django_db


def invoices(n: int) -> list[dict[str, Any]]:
    return [invoice_event(f"order-{i}") for i in range(n)]


def work(queue: PostingQueue) -> int:
    """Be the worker: take the oldest message and run its task; how many events it claimed."""
    ids = queue.take()
    assert ids is not None, "no message waiting"
    return int(post_events(ids)["claimed"])


def all_posted(ids: list[int]) -> bool:
    return set(SyncEvent.objects.filter(pk__in=ids).values_list("state", flat=True)) == {EventState.POSTED}


def test_a_worker_that_leaves_events_behind_sends_the_next_message(
    source: Source, posting_queue: PostingQueue, settings: Any
) -> None:
    """Events that arrived one by one behind a queued one counted on its message: when its
    batch is full, the worker sends the message that takes the rest."""
    settings.POSTING_BATCH_SIZE = 5
    ids = source.one_by_one(invoices(8))
    assert posting_queue.messages() == [ids[:1]]  # the seven later ones sent nothing
    assert work(posting_queue) == 5
    assert ids[5:] in posting_queue.messages()
    while posting_queue.messages():
        work(posting_queue)
    assert all_posted(ids)


def test_a_group_drains_with_one_message_per_batch(source: Source, posting_queue: PostingQueue, settings: Any) -> None:
    settings.POSTING_BATCH_SIZE = 5
    settings.POSTING_PARALLEL_PER_GROUP = 1
    ids = source.one_by_one(invoices(23))
    handled = 0
    while posting_queue.messages():
        work(posting_queue)
        handled += 1
    assert all_posted(ids)
    assert handled == 5  # 23 events in batches of 5, where a message per event made 23


def test_a_group_with_more_than_a_batch_waiting_is_posted_by_two_workers(
    source: Source, posting_queue: PostingQueue, settings: Any
) -> None:
    settings.POSTING_BATCH_SIZE = 5
    ids = source.one_by_one(invoices(12))
    first = posting_queue.take()
    assert first == ids[:1]
    # Before posting its batch, the worker hands the next batch to another worker.
    post_events(first)
    waiting = posting_queue.messages()
    assert ids[5:10] == waiting[0][:5], waiting


def test_a_message_whose_events_another_worker_posted_sends_nothing(
    source: Source, posting_queue: PostingQueue
) -> None:
    [event_id] = source.deliver(invoice_event("order-1"))
    events_drain()
    posting_queue.purge()
    assert post_events([event_id])["claimed"] == 0
    assert posting_queue.messages() == []
