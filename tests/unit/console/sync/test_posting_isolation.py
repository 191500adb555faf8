"""One event our own code fails on (preparing, posting or recording it) fails alone, with its
reason and a case; the rest of its batch posts once, and no claim is left behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from console.audit.actors import Actor
from console.casework.models import ExceptionCase
from console.casework.taxonomy import Category
from console.mappings.models import MappingKind
from console.mappings.services import mapping_version_add
from console.sync.models import EventState, LegalEntity, PostingAttempt, PostingOutcome, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.tasks import post_events
from tests.factories import invoice_event, vendor_bill_event, with_data
from tests.odoo_protocol import odoo_protocol

pytestmark = pytest.mark.django_db


def ingest(token: str, *events: dict[str, Any]) -> list[int]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(
        "/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return [r["event_id"] for r in response.json()["results"]]


def moves_with_ref(sandbox: Any, ref: str) -> int:
    return int(sandbox.control.count("account.move", [["ref", "=", ref]]))


def assert_failed_alone(event: SyncEvent, message: str) -> None:
    event.refresh_from_db()
    assert (event.state, event.reason_code, event.reason_message) == (EventState.FAILED, "internal_error", message)
    assert event.claim_id is None and event.lease_until is None
    attempt = PostingAttempt.objects.get(event=event)
    assert attempt.outcome == PostingOutcome.INTERNAL_ERROR and attempt.message == message
    assert "Traceback (most recent call last)" in attempt.detail
    case = ExceptionCase.objects.get(event=event)
    assert case.category == Category.INTERNAL_ERROR and case.summary == message


def test_an_event_whose_preparation_raises_fails_alone_and_its_batch_posts(configured: dict[str, Any]) -> None:
    """A vendor bill stored with an occurred_at near the end of time: the suspected-duplicate
    window around it (90 days) overflows while the bill is prepared."""
    sandbox = configured["sandbox"]
    ids = ingest(
        configured["token"], *(with_data(vendor_bill_event(f"bill-{i}"), reference=f"PC-{i}") for i in range(5))
    )
    planted = SyncEvent.objects.get(pk=ids[2])
    SyncEvent.objects.filter(pk=planted.pk).update(occurred_at=datetime(9999, 12, 1, tzinfo=UTC))

    result = post_events.apply(args=[ids]).get()  # the worker's own task, in this process

    assert result == {"claimed": 5, "posted": 4, "failed": 1}
    assert_failed_alone(planted, "internal error while preparing: OverflowError")
    for event in SyncEvent.objects.filter(pk__in=ids).exclude(pk=planted.pk):
        assert event.state == EventState.POSTED and event.claim_id is None
        assert moves_with_ref(sandbox, f"coupa/{event.external_id}") == 1
    assert moves_with_ref(sandbox, "coupa/bill-2") == 0


@pytest.mark.skipif(
    odoo_protocol() == "json2", reason="XML-RPC's 32-bit integers only: JSON-2 carries the id to Odoo, which refuses it"
)
def test_an_event_the_connector_raises_on_fails_alone_and_its_batch_posts(configured: dict[str, Any]) -> None:
    """A tax mapped to an id XML-RPC cannot carry (over 2**31 - 1): sending that one invoice
    raises inside the connector, so the batch is halved until it fails alone."""
    sandbox = configured["sandbox"]
    mapping_version_add(
        kind=MappingKind.TAX,
        entity=LegalEntity.objects.get(code="US01"),
        source_value="VAT99",
        odoo_id=2**31,
        valid_from=timezone.now() - timedelta(days=30),
        actor=Actor.system("test"),
    )
    events = [invoice_event(f"order-{i}") for i in range(6)]
    events[4] = with_data(events[4], lines=[{**events[4]["data"]["lines"][0], "tax_code": "VAT99"}])
    ids = ingest(configured["token"], *events)

    summary = events_drain()

    assert (summary.claimed, summary.posted, summary.failed) == (6, 5, 1)
    planted = SyncEvent.objects.get(pk=ids[4])
    assert_failed_alone(planted, "internal error while preparing: OverflowError")
    for n in (0, 1, 2, 3, 5):
        assert moves_with_ref(sandbox, f"shopify/order-{n}") == 1
    assert moves_with_ref(sandbox, "shopify/order-4") == 0
    assert not SyncEvent.objects.filter(state=EventState.POSTING).exists()


@pytest.fixture
def refuse_posting_of() -> Iterator[Any]:
    """A database that refuses to record one event as posted (as a constraint would)."""
    planted: list[int] = []

    def plant(event_id: int) -> None:
        planted.append(event_id)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TRIGGER planted_refusal BEFORE UPDATE OF state ON sync_syncevent "
                f"WHEN NEW.id = {int(event_id)} AND NEW.state = 'posted' "
                "BEGIN SELECT RAISE(ABORT, 'planted refusal'); END"
            )

    yield plant
    if planted:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS planted_refusal")


def test_an_event_whose_recording_raises_fails_alone_saying_odoo_has_it(
    configured: dict[str, Any], refuse_posting_of: Any
) -> None:
    sandbox = configured["sandbox"]
    ids = ingest(configured["token"], *(invoice_event(f"order-{i}") for i in range(4)))
    refuse_posting_of(ids[1])

    summary = events_drain()

    assert (summary.posted, summary.failed) == (3, 1)
    planted = SyncEvent.objects.get(pk=ids[1])
    planted.refresh_from_db()
    assert planted.state == EventState.FAILED and planted.claim_id is None
    assert planted.reason_message.startswith("Odoo has it as account.move ")
    assert planted.reason_message.endswith(", but internal error while recording: IntegrityError")
    assert ExceptionCase.objects.get(event=planted).category == Category.INTERNAL_ERROR
    for n in range(4):
        assert moves_with_ref(sandbox, f"shopify/order-{n}") == 1
    assert set(SyncEvent.objects.exclude(pk=planted.pk).values_list("state", flat=True)) == {EventState.POSTED}


def test_a_connection_that_cannot_be_used_fails_its_events_as_configuration(
    configured: dict[str, Any], monkeypatch: Any, tmp_path: Any
) -> None:
    """An entity's connection whose password file cannot be read: its events fail at once as a
    configuration error naming the connection, instead of crashing the worker on every try."""
    from console.sync.models import OdooConnection

    connection_row = OdooConnection.objects.create(
        name="prod", url=configured["sandbox"].url, database="sandbox", login="admin", password_env="PROD_ODOO_KEY"
    )
    LegalEntity.objects.filter(code="US01").update(connection=connection_row)
    monkeypatch.setenv("PROD_ODOO_KEY_FILE", str(tmp_path / "missing"))
    ids = ingest(configured["token"], invoice_event("order-1"), invoice_event("order-2"))

    summary = events_drain()

    assert (summary.claimed, summary.failed) == (2, 2)
    for event in SyncEvent.objects.filter(pk__in=ids):
        assert (event.state, event.reason_code) == (EventState.FAILED, "connection_config")
        assert event.reason_message.startswith(
            "The Odoo connection 'prod' of US01 cannot be used as configured: FileNotFoundError"
        )
        assert ExceptionCase.objects.get(event=event).category == Category.CREDENTIALS
