"""The pipeline end to end on real parts: exactly once under repeats, kills, outages and timeouts."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from console.sync.models import DuplicateAttempt, EventState, SyncEvent
from tests.factories import invoice_event
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import send, send_together

pytestmark = pytest.mark.django_db(transaction=True)

DONE = Q(state__in=[EventState.POSTED, EventState.FAILED])


def outcome_summary() -> str:
    rows = Counter(SyncEvent.objects.values_list("state", "reason_code", "reason_message"))
    return "; ".join(f"{n} x {state} {code} {message[:200]}" for (state, code, message), n in rows.most_common(5))


def odoo_refs(sandbox: Any, prefix: str) -> Counter[str]:
    """How many Odoo moves carry each of our markers: any count over 1 is a duplicate posting."""
    import xmlrpc.client

    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    rows = proxy.execute_kw(
        "sandbox",
        2,
        "admin",
        "account.move",
        "search_read",
        [[["ref", "like", f"shopify/{prefix}"]]],
        {"fields": ["ref"]},
    )
    return Counter(row["ref"] for row in rows)


def assert_no_duplicates(refs: Counter[str]) -> None:
    doubled = {ref: n for ref, n in refs.items() if n > 1}
    assert not doubled, f"posted more than once in Odoo: {doubled}"


def test_duplicate_storm(configured: dict[str, Any], live_server: Any, workers: Workers) -> None:
    """500 events, each delivered 3 times with the three copies in flight together: 500 events,
    1000 repeats, 500 Odoo records."""
    workers.start()
    events = [invoice_event(f"storm-{i:04d}") for i in range(500)]
    statuses: Counter[int] = Counter()
    overlapped = 0
    # Three events a wave, nine requests at once: under the live server's listen backlog of 10
    # (Django's WSGIServer.request_queue_size), which resets connections beyond it.
    for start in range(0, len(events), 3):
        wave = events[start : start + 3]
        copies = [event for event in wave for _ in range(3)]
        random.Random(start).shuffle(copies)
        results = send_together(live_server.url, configured["token"], copies)
        statuses.update(status for status, *_ in results)
        for event in wave:
            mine = [
                (sent, answered) for body, (_, _, sent, answered) in zip(copies, results, strict=True) if body is event
            ]
            # In flight together: the last copy was sent before the first answer came back.
            overlapped += max(sent for sent, _ in mine) < min(answered for _, answered in mine)
    assert statuses == {201: 500, 200: 1000}, statuses
    assert overlapped >= 450, f"only {overlapped} of 500 events had their three copies in flight together"
    assert SyncEvent.objects.count() == 500
    assert DuplicateAttempt.objects.filter(same_payload=True).count() == 1000
    wait_until(lambda: SyncEvent.objects.filter(DONE).count() == 500, timeout=180, what="500 events posted")
    assert SyncEvent.objects.filter(state=EventState.POSTED).count() == 500, outcome_summary()
    refs = odoo_refs(configured["sandbox"], "storm-")
    assert_no_duplicates(refs)
    assert len(refs) == 500


def test_kill_9_of_the_worker_mid_posting_loses_nothing(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    sandbox = configured["sandbox"]
    sandbox.control.set_latency(15, 3)  # slow enough that the kill lands mid-batch
    first = workers.start("w1")
    for start in (0, 1000):
        status, body = send(
            live_server.url,
            configured["token"],
            {"events": [invoice_event(f"kill-{i:05d}") for i in range(start, start + 1000)]},
        )
        assert status == 201, body

    def mid_batch() -> bool:
        posted = SyncEvent.objects.filter(state=EventState.POSTED).count()
        return posted >= 300 and SyncEvent.objects.filter(state=EventState.POSTING).exists()

    wait_until(mid_batch, timeout=180, interval=0.05, what="300 posted and a batch in flight")
    workers.kill9(first)
    in_flight = list(SyncEvent.objects.filter(state=EventState.POSTING).values_list("pk", flat=True))
    assert in_flight, "the worker died between batches: the test proves nothing about a kill mid-posting"
    workers.start("w2")
    wait_until(lambda: SyncEvent.objects.filter(DONE).count() == 2000, timeout=420, what="all 2000 settled")
    assert SyncEvent.objects.filter(state=EventState.POSTED).count() == 2000, (len(in_flight), outcome_summary())
    # The events the dead worker held were taken over once their lease ran out, and posted once.
    assert SyncEvent.objects.filter(pk__in=in_flight, state=EventState.POSTED, attempt_count__gte=1).count() == len(
        in_flight
    )
    refs = odoo_refs(sandbox, "kill-")
    assert_no_duplicates(refs)
    assert len(refs) == 2000


def test_odoo_outage_of_30_seconds(configured: dict[str, Any], live_server: Any, workers: Workers) -> None:
    sandbox = configured["sandbox"]
    workers.start()
    sandbox.control.outage(30)
    ends = timezone.now() + timedelta(seconds=30)
    status, _ = send(
        live_server.url, configured["token"], {"events": [invoice_event(f"out-{i:04d}") for i in range(300)]}
    )
    assert status == 201
    while timezone.now() < ends:
        assert not SyncEvent.objects.filter(state=EventState.FAILED).exists(), "failed for a transient cause"
        assert not SyncEvent.objects.filter(state=EventState.POSTED).exists()
        wait_until(lambda: True, timeout=1)
    wait_until(lambda: SyncEvent.objects.filter(DONE).count() == 300, timeout=180, what="300 posted after the outage")
    assert SyncEvent.objects.filter(state=EventState.POSTED).count() == 300, outcome_summary()
    assert SyncEvent.objects.filter(attempts__outcome="transient_error").distinct().count() > 0
    refs = odoo_refs(sandbox, "out-")
    assert_no_duplicates(refs)
    assert len(refs) == 300


def test_timeout_after_commit_with_a_real_worker(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    sandbox = configured["sandbox"]
    workers.overrides["ODOO_TIMEOUT_SECONDS"] = "2"
    workers.start()
    send(live_server.url, configured["token"], invoice_event("slow-0"))
    wait_until(lambda: SyncEvent.objects.filter(DONE).count() == 1, timeout=90, what="the partner created")
    sandbox.control.hang_after_commit(1, 4)  # the next create is the invoice itself
    status, body = send(live_server.url, configured["token"], invoice_event("slow-1"))
    assert status == 201
    wait_until(lambda: SyncEvent.objects.filter(DONE).count() == 2, timeout=90, what="the event settled")
    event = SyncEvent.objects.get(pk=body["event_id"])
    assert event.state == EventState.POSTED, outcome_summary()
    first, second = event.attempts.order_by("number")
    assert (first.outcome, first.error_class) == ("transient_error", "transient:timeout")
    assert second.outcome == "posted" and second.message.startswith("Found account.move")
    assert odoo_refs(sandbox, "slow-1") == Counter({"shopify/slow-1": 1})


def test_sweeper_sends_events_whose_message_was_lost(
    configured: dict[str, Any], live_server: Any, workers: Workers
) -> None:
    status, body = send(live_server.url, configured["token"], invoice_event("lost-1"))
    assert status == 201
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # the broker lost the message
    SyncEvent.objects.filter(pk=body["event_id"]).update(enqueued_at=timezone.now() - timedelta(minutes=5))
    workers.start()
    wait_until(lambda: SyncEvent.objects.filter(DONE).count() == 1, timeout=60, what="the swept event posted")
    assert SyncEvent.objects.get(pk=body["event_id"]).state == EventState.POSTED
