"""The sweeper re-sends what the broker lost: queued events, due retries, dead workers' claims."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from console.sync.models import EventState, Flow, SyncEvent
from console.sync.services.sweeper import posting_sweep

pytestmark = pytest.mark.django_db


def event(sources: dict[str, Any], n: int, **fields: Any) -> SyncEvent:
    flow = Flow.objects.get(event_kind="customer_invoice")
    now = timezone.now()
    values: dict[str, Any] = {
        "source": flow.source,
        "flow": flow,
        "entity": sources["entity"],
        "kind": "customer_invoice",
        "external_id": f"o-{n}",
        "occurred_at": now,
        "received_at": now,
        "payload": {},
        "payload_hash": "x",
        "amount": "1.00",
        "currency": "USD",
        "state_changed_at": now,
    }
    values.update(fields)
    return SyncEvent.objects.create(**values)


def test_sweep_sends_exactly_what_is_due(sources: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
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
    with mock.patch("console.sync.tasks.post_events.apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True):
            assert posting_sweep() == len(due)
    sent = {i for call in send.call_args_list for i in call.kwargs["args"][0]}
    assert sent == {e.pk for e in due}
    assert not sent & {e.pk for e in not_due}
