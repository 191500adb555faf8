"""The sweeper re-sends what the broker lost: queued events, due retries, dead workers' claims."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from console.sync.models import EventState, SyncEvent
from console.sync.services.sweeper import posting_sweep
from tests.unit.console.sync.conftest import PostingQueue, stored_event

pytestmark = pytest.mark.django_db


def event(sources: dict[str, Any], n: int, **fields: Any) -> SyncEvent:
    return stored_event(sources["entity"], n, **fields)


def test_sweep_sends_exactly_what_is_due(
    sources: dict[str, Any], posting_queue: PostingQueue, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()
    long_ago = now - timedelta(minutes=10)
    due = [
        event(sources, 1, state=EventState.QUEUED, enqueued_at=long_ago),
        event(
            sources, 2, state=EventState.RETRY_WAIT, next_attempt_at=now - timedelta(seconds=1), enqueued_at=long_ago
        ),
        event(sources, 3, state=EventState.POSTING, lease_until=now - timedelta(seconds=1)),
        # Sent once when it came due, but that message was lost long ago.
        event(
            sources,
            4,
            state=EventState.RETRY_WAIT,
            next_attempt_at=long_ago,
            enqueued_at=long_ago + timedelta(seconds=1),
        ),
    ]
    not_due = [
        event(sources, 5, state=EventState.QUEUED, enqueued_at=now),
        event(sources, 6, state=EventState.RETRY_WAIT, next_attempt_at=now + timedelta(minutes=1)),
        event(sources, 7, state=EventState.POSTING, lease_until=now + timedelta(minutes=1)),
        event(sources, 8, state=EventState.RETRY_WAIT, next_attempt_at=now - timedelta(seconds=5), enqueued_at=now),
        event(sources, 9, state=EventState.BLOCKED, enqueued_at=long_ago),
        event(sources, 10, state=EventState.POSTED, enqueued_at=long_ago),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert posting_sweep() == len(due)
    sent = {i for ids in posting_queue.messages() for i in ids}
    assert sent == {e.pk for e in due}
    assert not sent & {e.pk for e in not_due}


def test_a_group_with_many_events_lost_is_woken_by_one_message(
    sources: dict[str, Any], posting_queue: PostingQueue, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Its worker sends the next batch's message itself: sending every batch at once filled the
    queue with messages that each found their events taken when the sweeper ran again."""
    settings.POSTING_BATCH_SIZE = 5
    long_ago = timezone.now() - timedelta(minutes=10)
    lost = [event(sources, n, state=EventState.QUEUED, enqueued_at=long_ago) for n in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        assert posting_sweep() == 12
    assert posting_queue.messages() == [[e.pk for e in lost[:5]]]


def test_a_payment_left_waiting_on_an_invoice_that_posted_meanwhile_is_queued_again(
    sources: dict[str, Any], posting_queue: PostingQueue, django_capture_on_commit_callbacks: Any
) -> None:
    """Two workers side by side: the payment's block was recorded after the invoice's posting had
    looked for waiting payments. Only blocks whose document has posted are lifted."""
    from console.sync.services.resolution import event_block_key, settled_block_key

    invoice = event(sources, 1, state=EventState.POSTED)
    unposted = event(sources, 2, state=EventState.QUEUED, enqueued_at=timezone.now())
    stuck = [
        event(sources, 3, kind="payment", state=EventState.BLOCKED, blocked_on=event_block_key(invoice.pk)),
        event(
            sources,
            4,
            kind="payment",
            state=EventState.BLOCKED,
            blocked_on=settled_block_key(invoice.source_id, "inbound", invoice.external_id),
        ),
    ]
    waiting = [
        event(sources, 5, kind="payment", state=EventState.BLOCKED, blocked_on=event_block_key(unposted.pk)),
        event(sources, 6, kind="payment", state=EventState.BLOCKED, blocked_on="mapping:tax:US01:VAT9"),
        event(
            sources,
            7,
            kind="payment",
            state=EventState.BLOCKED,
            blocked_on=settled_block_key(invoice.source_id, "inbound", "never-received"),
        ),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert posting_sweep() == 2
    assert {e.pk for e in SyncEvent.objects.filter(state=EventState.QUEUED, kind="payment")} == {e.pk for e in stuck}
    assert SyncEvent.objects.filter(pk__in=[e.pk for e in waiting], state=EventState.BLOCKED).count() == 3
    assert {i for ids in posting_queue.messages() for i in ids} == {e.pk for e in stuck}
    with django_capture_on_commit_callbacks(execute=True):
        assert posting_sweep() == 0
