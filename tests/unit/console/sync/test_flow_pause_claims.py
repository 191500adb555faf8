"""Where the pause is enforced: no claim, top-up, message follow-up or sweep takes a paused
flow's events, and they hold up nothing of another flow of the same entity and kind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from console.sync.models import EventState, Flow, SourceSystem, SyncEvent
from console.sync.services.claims import claimable_ids, events_claim
from console.sync.services.dispatch import events_dispatch_on_commit
from console.sync.services.sweeper import posting_sweep
from tests.unit.console.sync.conftest import PostingQueue, stored_event

pytestmark = pytest.mark.django_db


def paused(flow: Flow) -> Flow:
    flow.paused_at, flow.paused_by, flow.pause_reason = timezone.now(), "olivia", "the close"
    flow.save()
    return flow


def second_invoice_flow() -> Flow:
    """Another source's invoices: the same entity and kind, so the same posting group."""
    stripe = SourceSystem.objects.get(code="stripe")
    return Flow.objects.create(
        source=stripe, event_kind="customer_invoice", name="Stripe invoices", business_process="order_to_cash"
    )


def test_claims_take_the_other_flows_events_of_the_group_and_leave_the_paused_ones(sources: dict[str, Any]) -> None:
    entity = sources["entity"]
    held = paused(Flow.objects.get(event_kind="customer_invoice", source__code="shopify"))
    other = second_invoice_flow()
    waiting = [stored_event(entity, n, state=EventState.QUEUED, flow=held) for n in range(3)]
    due_retry = stored_event(
        entity, 3, state=EventState.RETRY_WAIT, next_attempt_at=timezone.now() - timedelta(seconds=1), flow=held
    )
    expired = stored_event(
        entity, 4, state=EventState.POSTING, lease_until=timezone.now() - timedelta(seconds=1), flow=held
    )
    free = [
        stored_event(entity, n, state=EventState.QUEUED, flow=other, source=other.source, external_id=f"s-{n}")
        for n in range(5, 7)
    ]
    assert all(e.flow_id == held.pk for e in [*waiting, due_retry, expired])
    assert claimable_ids(entity_id=entity.pk, kind="customer_invoice", limit=50) == [e.pk for e in free]
    claim = events_claim(event_ids=[waiting[0].pk, due_retry.pk, expired.pk], top_up_to=50)
    assert claim is None  # what was asked for is paused, and nothing else is topped up from nothing
    claim = events_claim(event_ids=[free[0].pk], top_up_to=50)
    assert claim is not None and sorted(claim.event_ids) == [e.pk for e in free]
    states = dict(SyncEvent.objects.filter(flow=held).values_list("pk", "state"))
    assert states == {
        **{e.pk: EventState.QUEUED for e in waiting},
        due_retry.pk: EventState.RETRY_WAIT,
        expired.pk: EventState.POSTING,
    }


def test_a_queued_event_of_a_paused_flow_does_not_stand_in_for_a_newer_events_message(
    sources: dict[str, Any], posting_queue: PostingQueue, django_capture_on_commit_callbacks: Any
) -> None:
    """A newer event counts on an older queued one's claim to take it: a paused one is claimed by
    nobody, so the newer event sends its own message."""
    entity = sources["entity"]
    paused(Flow.objects.get(event_kind="customer_invoice", source__code="shopify"))
    stored_event(entity, 1, state=EventState.QUEUED)
    other = second_invoice_flow()
    newer = stored_event(entity, 2, state=EventState.QUEUED, flow=other, source=other.source)
    with django_capture_on_commit_callbacks(execute=True):
        events_dispatch_on_commit([(newer.pk, entity.pk, "customer_invoice")])
    assert posting_queue.messages() == [[newer.pk]]


def test_the_sweeper_leaves_a_paused_flows_events_alone(
    sources: dict[str, Any], posting_queue: PostingQueue, django_capture_on_commit_callbacks: Any
) -> None:
    entity = sources["entity"]
    long_ago = timezone.now() - timedelta(minutes=10)
    paused(Flow.objects.get(event_kind="customer_invoice", source__code="shopify"))
    stored_event(entity, 1, state=EventState.QUEUED, enqueued_at=long_ago)
    stored_event(entity, 2, state=EventState.RETRY_WAIT, next_attempt_at=long_ago, enqueued_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert posting_sweep() == 0
    assert posting_queue.messages() == []
