"""A real Celery worker on PostgreSQL: an event our code fails on fails alone, its batch posts
once, and nothing stays claimed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q

from console.casework.models import ExceptionCase
from console.casework.taxonomy import Category
from console.sync.models import EventState, PostingAttempt, PostingOutcome, SyncEvent
from tests.factories import invoice_event, vendor_bill_event, with_data
from tests.integration.conftest import Workers, wait_until
from tests.integration.http import send

pytestmark = pytest.mark.django_db(transaction=True)

SETTLED = Q(state__in=[EventState.POSTED, EventState.FAILED])


def odoo_refs(sandbox: Any) -> Counter[str]:
    import xmlrpc.client

    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    rows = proxy.execute_kw("sandbox", 2, "admin", "account.move", "search_read", [[]], {"fields": ["ref"]})
    return Counter(str(row["ref"]) for row in rows if row["ref"])


@pytest.fixture
def refuse_posting_of() -> Iterator[Any]:
    """PostgreSQL refusing to record one event as posted, as a violated constraint would."""
    planted: list[int] = []

    def plant(event_id: int) -> None:
        planted.append(event_id)
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE sync_syncevent ADD CONSTRAINT planted_refusal "
                f"CHECK (id <> {int(event_id)} OR state <> 'posted') NOT VALID"
            )

    yield plant
    if planted:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE sync_syncevent DROP CONSTRAINT IF EXISTS planted_refusal")


def test_planted_failures_fail_alone_with_a_real_worker(
    configured: dict[str, Any], live_server: Any, workers: Workers, refuse_posting_of: Any
) -> None:
    token = configured["token"]
    invoices = [invoice_event(f"iso-{i}") for i in range(6)]
    bills = [with_data(vendor_bill_event(f"iso-bill-{i}"), reference=f"PC-{i}") for i in range(4)]
    status, body = send(live_server.url, token, {"events": invoices + bills})
    assert status == 201, body
    ids = {row["external_id"]: row["event_id"] for row in body["results"]}
    # Planted before any worker runs: a bill whose duplicate window overflows while it is
    # prepared, and an invoice the database refuses to record as posted.
    SyncEvent.objects.filter(pk=ids["iso-bill-1"]).update(occurred_at=datetime(9999, 12, 1, tzinfo=UTC))
    refuse_posting_of(ids["iso-3"])

    workers.start()
    wait_until(lambda: SyncEvent.objects.filter(SETTLED).count() == 10, timeout=120, what="10 events settled")

    states = dict(SyncEvent.objects.values_list("external_id", "state"))
    assert states.pop("iso-bill-1") == EventState.FAILED and states.pop("iso-3") == EventState.FAILED
    assert set(states.values()) == {EventState.POSTED}, workers.logs()
    assert not SyncEvent.objects.filter(Q(state=EventState.POSTING) | Q(claim_id__isnull=False)).exists()

    bill = SyncEvent.objects.get(pk=ids["iso-bill-1"])
    assert bill.reason_message == "internal error while preparing: OverflowError"
    invoice = SyncEvent.objects.get(pk=ids["iso-3"])
    assert invoice.reason_message.startswith("Odoo has it as account.move ")
    assert invoice.reason_message.endswith(", but internal error while recording: IntegrityError")
    for event in (bill, invoice):
        assert PostingAttempt.objects.get(event=event).outcome == PostingOutcome.INTERNAL_ERROR
        assert ExceptionCase.objects.get(event=event).category == Category.INTERNAL_ERROR

    refs = odoo_refs(configured["sandbox"])
    expected = {f"shopify/iso-{i}" for i in range(6)} | {f"coupa/iso-bill-{i}" for i in (0, 2, 3)}
    assert set(refs) == expected and set(refs.values()) == {1}, refs
