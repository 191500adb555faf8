"""Posting into the Odoo sandbox: exactly once, every attempt kept, failures classified."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.mappings.models import MappingKind
from console.mappings.services import mapping_version_add
from console.sync.errors import LeaseLost
from console.sync.models import EventState, LegalEntity, PostingAttempt, PostingOutcome, SyncEvent
from console.sync.services.claims import events_claim
from console.sync.services.drain import events_drain
from integrations.odoo.versions import version_for
from tests.factories import (
    bank_line_event,
    invoice_event,
    journal_entry_event,
    payment_event,
    vendor_bill_event,
    with_data,
)
from tests.odoo_protocol import odoo_protocol
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def ingest(api: APIClient, *events: dict[str, Any]) -> list[int]:
    response = api.post("/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return [r["event_id"] for r in response.json()["results"]]


def odoo_count(sandbox: Any, model: str, domain: list[Any] | None = None) -> int:
    return int(sandbox.control.count(model, domain or []))


def test_invoice_posts_once_with_attempt_and_audit(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    [event_id] = ingest(api, invoice_event("order-1"))
    summary = events_drain()
    assert summary.posted == 1
    event = SyncEvent.objects.get(pk=event_id)
    assert event.state == EventState.POSTED
    assert event.odoo_model == "account.move" and event.odoo_name.startswith("INV/")
    assert event.posted_at is not None and event.mapping_versions
    attempt = PostingAttempt.objects.get(event=event)
    assert attempt.outcome == PostingOutcome.POSTED and attempt.number == 1
    audit = AuditEvent.objects.get(action="event.posted", object_id=str(event_id))
    assert audit.after_data["odoo_name"] == event.odoo_name and audit.actor_label == "system:post_pending"
    assert odoo_count(sandbox, "account.move", [["ref", "=", "shopify/order-1"]]) == 1
    assert odoo_count(sandbox, "ir.model.data", [["module", "=", "__finops__"], ["model", "=", "account.move"]]) == 1


def test_event_found_by_external_id_is_not_created_again(api: APIClient, configured: dict[str, Any]) -> None:
    """A worker died after Odoo posted but before the console recorded it."""
    sandbox = configured["sandbox"]
    [event_id] = ingest(api, invoice_event("order-1"))
    events_drain()
    SyncEvent.objects.filter(pk=event_id).update(state=EventState.QUEUED)  # the lost outcome
    events_drain()
    attempts = list(PostingAttempt.objects.filter(event_id=event_id).order_by("number"))
    assert [a.outcome for a in attempts] == [PostingOutcome.POSTED, PostingOutcome.ALREADY_POSTED]
    assert odoo_count(sandbox, "account.move", [["ref", "=", "shopify/order-1"]]) == 1


def test_timeout_after_odoo_committed_the_create_yields_no_second_record(
    api: APIClient, configured: dict[str, Any], settings: Any
) -> None:
    sandbox = configured["sandbox"]
    ingest(api, invoice_event("order-0"))
    events_drain()  # the partner exists now: the next create is the invoice itself
    settings.ODOO_TIMEOUT_SECONDS = 1.0
    sandbox.control.hang_after_commit(1, 2.5)
    [event_id] = ingest(api, invoice_event("order-1"))
    first = events_drain()
    assert first.retrying == 1
    event = SyncEvent.objects.get(pk=event_id)
    assert event.state == EventState.RETRY_WAIT and event.reason_code == "timeout"
    SyncEvent.objects.filter(pk=event_id).update(next_attempt_at=timezone.now())
    events_drain()
    event.refresh_from_db()
    assert event.state == EventState.POSTED
    assert odoo_count(sandbox, "account.move", [["ref", "=", "shopify/order-1"]]) == 1
    first, second = PostingAttempt.objects.filter(event=event).order_by("number")
    assert first.outcome == PostingOutcome.TRANSIENT_ERROR
    # The draft the lost create left in Odoo was found by its marker and posted, not created again.
    assert second.outcome == PostingOutcome.POSTED
    assert second.message.startswith(f"Found account.move {event.odoo_id} created by an earlier attempt")


def test_missing_tax_mapping_blocks_until_the_mapping_is_added(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    bad = with_data(invoice_event("order-9"))
    bad["data"]["lines"][0]["tax_code"] = "VAT20"
    [event_id] = ingest(api, bad)
    events_drain()
    event = SyncEvent.objects.get(pk=event_id)
    assert event.state == EventState.BLOCKED and event.reason_code == "missing_mapping"
    assert "VAT20" in event.reason_message and "US01" in event.reason_message
    assert PostingAttempt.objects.get(event=event).outcome == PostingOutcome.BLOCKED
    assert odoo_count(sandbox, "account.move") == 0

    sale_tax = sandbox.control.count("account.tax", [["type_tax_use", "=", "sale"]])
    assert sale_tax >= 1
    tax_id = configured_tax_id(sandbox)
    mapping_version_add(
        kind=MappingKind.TAX,
        entity=LegalEntity.objects.get(code="US01"),
        source_value="VAT20",
        odoo_id=tax_id,
        valid_from=timezone.now() - timedelta(days=30),
        actor=Actor.system("test"),
    )
    event.refresh_from_db()
    assert event.state == EventState.QUEUED
    events_drain()
    event.refresh_from_db()
    assert event.state == EventState.POSTED


def configured_tax_id(sandbox: Any) -> int:
    import xmlrpc.client

    common = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    ids = common.execute_kw("sandbox", 2, "admin", "account.tax", "search", [[["type_tax_use", "=", "sale"]]], {})
    return int(ids[0])


def test_payment_waits_for_its_invoice_then_pays_it(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    [payment_id] = ingest(api, payment_event("ch_1", invoice_external_id="order-1"))
    events_drain()
    payment = SyncEvent.objects.get(pk=payment_id)
    assert payment.state == EventState.BLOCKED and payment.reason_code == "invoice_not_received"
    [invoice_id] = ingest(api, invoice_event("order-1"))
    events_drain()
    payment.refresh_from_db()
    invoice = SyncEvent.objects.get(pk=invoice_id)
    assert invoice.state == EventState.POSTED
    assert payment.state == EventState.POSTED and payment.odoo_model == "account.payment"
    assert odoo_count(sandbox, "account.move", [["id", "=", invoice.odoo_id], ["payment_state", "=", "paid"]]) == 1


def test_lock_date_fails_the_event_with_odoo_message(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    sandbox.control.set_lock_date(1, "2026-12-31")
    [event_id] = ingest(api, invoice_event("order-1"))
    events_drain()
    event = SyncEvent.objects.get(pk=event_id)
    assert event.state == EventState.FAILED and event.reason_code == "lock_date"
    attempt = PostingAttempt.objects.get(event=event)
    # Fault 2 over XML-RPC; JSON-2 answers HTTP 422 and has no fault code.
    assert attempt.outcome == PostingOutcome.DATA_ERROR
    assert attempt.fault_code == (2 if odoo_protocol() == "xmlrpc" else None)
    assert AuditEvent.objects.filter(action="event.failed", object_id=str(event_id)).count() == 1


def test_one_rejected_invoice_does_not_sink_its_batch(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    # A mapping to an account Odoo does not have: Odoo refuses that one invoice.
    mapping_version_add(
        kind=MappingKind.ACCOUNT,
        entity=LegalEntity.objects.get(code="US01"),
        source_value="4999",
        odoo_id=999999,
        valid_from=timezone.now() - timedelta(days=30),
        actor=Actor.system("test"),
    )
    events = [invoice_event(f"order-{i}") for i in range(6)]
    events[3]["data"]["lines"][0]["account_code"] = "4999"
    ids = ingest(api, *events)
    events_drain()
    states = dict(SyncEvent.objects.filter(pk__in=ids).values_list("external_id", "state"))
    assert states.pop("order-3") == EventState.FAILED
    assert set(states.values()) == {EventState.POSTED}
    assert odoo_count(sandbox, "account.move", [["state", "=", "posted"]]) == 5
    batches = set(PostingAttempt.objects.filter(event_id__in=ids).values_list("batch_id", flat=True))
    assert len(batches) == 1


def test_outage_schedules_retries_then_gives_up_when_exhausted(
    api: APIClient, configured: dict[str, Any], settings: Any
) -> None:
    sandbox = configured["sandbox"]
    settings.POSTING_MAX_ATTEMPTS = 2
    sandbox.control.outage(60)
    try:
        [event_id] = ingest(api, invoice_event("order-1"))
        events_drain()
        event = SyncEvent.objects.get(pk=event_id)
        assert event.state == EventState.RETRY_WAIT and event.next_attempt_at > timezone.now()
        assert events_drain().claimed == 0  # a backoff is never jumped
        SyncEvent.objects.filter(pk=event_id).update(next_attempt_at=timezone.now())
        events_drain()
        event.refresh_from_db()
        assert event.state == EventState.FAILED and event.reason_code == "retries_exhausted"
    finally:
        sandbox.control.outage_off()
    assert odoo_count(sandbox, "account.move") == 0


def test_refused_login_is_a_configuration_failure(api: APIClient, configured: dict[str, Any], settings: Any) -> None:
    settings.ODOO_PASSWORD = "wrong"
    [event_id] = ingest(api, invoice_event("order-1"))
    events_drain()
    event = SyncEvent.objects.get(pk=event_id)
    assert event.state == EventState.FAILED and event.reason_code == "login_refused"
    assert PostingAttempt.objects.get(event=event).outcome == PostingOutcome.CONFIG_ERROR


def test_every_kind_posts(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    ids = ingest(
        api,
        vendor_bill_event("bill-1"),
        bank_line_event("txn-1"),
        bank_line_event("txn-2", amount="-40.00"),
        journal_entry_event("run-1"),
        payment_event("ch_9"),
    )
    events_drain()
    rows = dict(SyncEvent.objects.filter(pk__in=ids).values_list("external_id", "state"))
    assert set(rows.values()) == {EventState.POSTED}, SyncEvent.objects.values_list("external_id", "reason_message")
    names = dict(SyncEvent.objects.filter(pk__in=ids).values_list("external_id", "odoo_name"))
    assert names["bill-1"].startswith("BILL/")
    assert names["run-1"].startswith("MISC/")
    assert odoo_count(sandbox, "account.bank.statement.line") == 2


def test_a_claim_taken_over_stops_the_first_worker(api: APIClient, configured: dict[str, Any]) -> None:
    ids = ingest(api, invoice_event("order-1"))
    claim = events_claim(event_ids=ids)
    assert claim is not None
    claim.renew()
    SyncEvent.objects.filter(pk__in=ids).update(lease_until=timezone.now() - timedelta(seconds=1))
    second = events_claim(event_ids=ids)
    assert second is not None and second.claim_id != claim.claim_id
    taken = SyncEvent.objects.get(pk=ids[0])
    with pytest.raises(LeaseLost):
        claim.renew()
    # The first worker's renewal moved nothing: the claim and its lease are the second's.
    assert SyncEvent.objects.values_list("claim_id", "lease_until").get(pk=ids[0]) == (
        taken.claim_id,
        taken.lease_until,
    )
    assert taken.claim_id == second.claim_id


def test_a_live_claim_is_not_taken_twice(api: APIClient, configured: dict[str, Any]) -> None:
    ids = ingest(api, invoice_event("order-1"))
    first = events_claim(event_ids=ids)
    assert first is not None
    with tables_unchanged():
        assert events_claim(event_ids=ids) is None
    assert SyncEvent.objects.get(pk=ids[0]).claim_id == first.claim_id


def test_claim_tops_up_to_a_batch_of_the_same_entity_and_kind(
    api: APIClient, configured: dict[str, Any], settings: Any
) -> None:
    ids = ingest(api, *[invoice_event(f"order-{i}") for i in range(5)], bank_line_event("txn-1"))
    claim = events_claim(event_ids=ids[:1], top_up_to=4)
    assert claim is not None
    kinds = set(SyncEvent.objects.filter(pk__in=claim.event_ids).values_list("kind", flat=True))
    assert len(claim.event_ids) == 4 and kinds == {"customer_invoice"}


@pytest.mark.parametrize("edition", ["community", "enterprise"])
def test_bank_line_found_again_after_a_lost_answer_in_both_editions(
    api: APIClient, configured: dict[str, Any], settings: Any, edition: str
) -> None:
    """unique_import_id exists only with the statement import module; the ref marker works in both."""
    sandbox = configured["sandbox"]
    sandbox.control.set_edition(edition)
    settings.ODOO_TIMEOUT_SECONDS = 1.0
    sandbox.control.hang_after_commit(1, 2.5)
    [event_id] = ingest(api, bank_line_event("txn-1"))
    events_drain()
    SyncEvent.objects.filter(pk=event_id).update(next_attempt_at=timezone.now())
    events_drain()
    event = SyncEvent.objects.get(pk=event_id)
    assert event.state == EventState.POSTED and event.odoo_name.startswith("BNK1/")
    assert odoo_count(sandbox, "account.bank.statement.line") == 1
    last = PostingAttempt.objects.filter(event=event).order_by("number").last()
    assert last is not None and last.message.startswith("Found account.bank.statement.line")


def test_a_bank_line_records_its_entry_number_whatever_the_length_of_its_key(
    api: APIClient, configured: dict[str, Any]
) -> None:
    """The entry's display name adds the line's ref (source/external id), which outgrew the
    100 characters of odoo_name on PostgreSQL and made recording the whole batch fail."""
    long_key = "txn-" + "9" * 190
    [event_id] = ingest(api, bank_line_event(long_key))
    events_drain()
    event = SyncEvent.objects.get(pk=event_id)
    assert (event.state, event.odoo_name) == (EventState.POSTED, "BNK1/2026/00001")


def test_a_payment_posts_in_process_and_one_cancelled_in_odoo_later_fails(
    api: APIClient, configured: dict[str, Any], payment_states: Any
) -> None:
    import xmlrpc.client

    sandbox = configured["sandbox"]
    [event_id] = ingest(api, payment_event("ch_1"))
    events_drain()
    event = SyncEvent.objects.get(pk=event_id)
    assert event.state == EventState.POSTED
    # Odoo 17 has no state for it: its payment is posted, on the outstanding account all the same.
    assert PostingAttempt.objects.get(event=event).message == (
        "Odoo holds the payment in process: it sits on the outstanding account until a bank statement line "
        "is matched with it."
        if payment_states.in_process
        else ""
    )
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    with pytest.raises(xmlrpc.client.Fault):  # action_cancel returns None: committed, then the fault
        proxy.execute_kw("sandbox", 2, "admin", "account.payment", "action_cancel", [[event.odoo_id]], {})
    SyncEvent.objects.filter(pk=event_id).update(state=EventState.QUEUED)  # a lost outcome, posted again
    events_drain()
    event.refresh_from_db()
    assert (event.state, event.reason_code) == (EventState.FAILED, "cancelled_in_odoo")
    assert event.reason_message == (
        f"The Odoo account.payment {event.odoo_id} posted for this event was cancelled in Odoo; "
        "it will not be created again."
    )
    assert (
        odoo_count(
            sandbox,
            "account.payment",
            [[version_for(sandbox.database.version.series).payment_memo, "=", "stripe/ch_1"]],
        )
        == 1
    )
