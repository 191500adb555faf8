"""Posting messages are coalesced per entity and kind: an event behind a queued older one of
its group sends none, a full batch always has its own, the oldest of events sent together sends."""

from __future__ import annotations

from typing import Any

import pytest

from console.sync.models import EventState, LegalEntity, SyncEvent
from console.sync.services.dispatch import events_dispatch_on_commit
from tests.factories import invoice_event, payment_event
from tests.unit.console.sync.conftest import PostingQueue, Source, stored_event

pytestmark = pytest.mark.django_db


def test_an_event_behind_a_queued_older_event_of_its_group_sends_no_message(
    source: Source, posting_queue: PostingQueue
) -> None:
    [first] = source.deliver(invoice_event("order-1"))
    [second] = source.deliver(invoice_event("order-2"))
    [payment] = source.deliver(payment_event("ch-1"))
    # The first invoice's message claims the second with it (claims top up from the group);
    # the payment is another group, so it has a message of its own.
    assert posting_queue.messages() == [[first], [payment]]
    assert SyncEvent.objects.get(pk=second).state == EventState.QUEUED


def test_a_full_batch_has_a_message_of_its_own_even_behind_an_older_event(
    source: Source, posting_queue: PostingQueue, settings: Any
) -> None:
    settings.POSTING_BATCH_SIZE = 10
    [first] = source.deliver(invoice_event("order-0"))
    batch = source.deliver(*[invoice_event(f"order-{i}") for i in range(1, 26)])
    # Two full batches go to two workers at once; the five left over wait for a claim's top-up.
    assert posting_queue.messages() == [[first], batch[:10], batch[10:20]]


def test_of_events_committed_together_the_oldest_sends(
    configured: dict[str, Any], posting_queue: PostingQueue, django_capture_on_commit_callbacks: Any
) -> None:
    """Two deliveries commit before either sends: each sees the other queued. Only an older
    event counts, so they do not both wait on each other: the older one sends."""
    entity = LegalEntity.objects.get(code="US01")
    older, newer = (stored_event(entity, n) for n in (1, 2))
    with django_capture_on_commit_callbacks(execute=True):
        events_dispatch_on_commit([(newer.pk, newer.entity_id, newer.kind)])
    with django_capture_on_commit_callbacks(execute=True):
        events_dispatch_on_commit([(older.pk, older.entity_id, older.kind)])
    assert posting_queue.messages() == [[older.pk]]
