"""Freshness and health per flow, computed from events, attempts and repeats."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from console.sync.models import DuplicateAttempt, EventState, Flow, PostingAttempt, PostingOutcome, SyncEvent
from console.sync.selectors.lag import flows_health, percentile

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def make_event(
    sources: dict[str, Any], n: int, *, state: str, occurred_ago: float, posted_after: float | None = None
) -> SyncEvent:
    flow = Flow.objects.get(event_kind="customer_invoice")
    occurred = NOW - timedelta(seconds=occurred_ago)
    return SyncEvent.objects.create(
        source=flow.source,
        flow=flow,
        entity=sources["entity"],
        kind="customer_invoice",
        external_id=f"o-{n}",
        occurred_at=occurred,
        received_at=occurred,
        payload={},
        payload_hash="x",
        amount=Decimal("10.00"),
        currency="USD",
        state=state,
        state_changed_at=occurred,
        posted_at=None if posted_after is None else occurred + timedelta(seconds=posted_after),
    )


def test_percentile_matches_percentile_cont() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([10.0], 0.95) == 10.0
    assert percentile([], 0.5) is None
    assert percentile([0.0, 10.0], 0.95) == pytest.approx(9.5)


def test_health_per_flow(sources: dict[str, Any]) -> None:
    for n, latency in enumerate([10, 20, 30, 40, 100]):
        make_event(sources, n, state=EventState.POSTED, occurred_ago=3600, posted_after=latency)
    make_event(sources, 10, state=EventState.QUEUED, occurred_ago=400)
    blocked = make_event(sources, 11, state=EventState.BLOCKED, occurred_ago=200)
    failed = make_event(sources, 12, state=EventState.FAILED, occurred_ago=100)
    for event, outcome in ((failed, PostingOutcome.DATA_ERROR), (blocked, PostingOutcome.BLOCKED)):
        PostingAttempt.objects.create(
            event=event,
            number=1,
            started_at=NOW - timedelta(seconds=50),
            finished_at=NOW - timedelta(seconds=50),
            outcome=outcome,
            batch_id=uuid.uuid4(),
            batch_size=1,
        )
    DuplicateAttempt.objects.create(
        event=failed, received_at=NOW - timedelta(hours=1), same_payload=True, payload_hash="x"
    )
    DuplicateAttempt.objects.create(
        event=failed, received_at=NOW - timedelta(days=3), same_payload=True, payload_hash="x"
    )

    health = {h.event_kind: h for h in flows_health(window=timedelta(hours=24), now=NOW)}
    invoices = health["customer_invoice"]
    assert invoices.unposted == 3
    assert invoices.oldest_unposted_age_seconds == 400
    assert invoices.posted_in_window == 5
    assert invoices.latency_p50_seconds == 30
    assert invoices.latency_p95_seconds == pytest.approx(88.0)
    assert invoices.failed_attempts_in_window == 1  # blocked is not a failed posting
    assert (invoices.failed_events, invoices.needs_attention) == (1, 1)
    assert invoices.duplicates_in_window == 1
    assert invoices.slo_seconds == 900 and invoices.status == "green"  # 400 s is under half the SLO
    assert health["payment"].unposted == 0 and health["payment"].status == "green"


@pytest.mark.parametrize(("slo", "status"), [(900, "green"), (600, "amber"), (300, "red")])
def test_status_against_the_flow_slo(sources: dict[str, Any], slo: int, status: str) -> None:
    Flow.objects.filter(event_kind="customer_invoice").update(freshness_slo_seconds=slo)
    make_event(sources, 1, state=EventState.QUEUED, occurred_ago=400)
    health = {h.event_kind: h for h in flows_health(now=NOW)}
    assert health["customer_invoice"].status == status


def test_health_is_limited_to_the_entities_asked_for(sources: dict[str, Any]) -> None:
    make_event(sources, 1, state=EventState.QUEUED, occurred_ago=10)
    other = sources["entity"].__class__.objects.get(code="FR01")
    health = {h.event_kind: h for h in flows_health(entity_ids=[other.pk], now=NOW)}
    assert health["customer_invoice"].unposted == 0
