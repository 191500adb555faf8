"""Credit notes through the pipeline into the sandbox: posted once as Odoo refunds, linked to
the invoice they credit when it posted through us, waiting for it as a payment waits for its
invoice, and settled by the refund payment."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from console.audit.actors import Actor
from console.casework.models import ExceptionCase
from console.casework.taxonomy import Category
from console.mappings.models import MappingKind
from console.mappings.selectors import MappingTable, mapping_candidates
from console.mappings.services import mapping_version_add
from console.sync.models import EventState, LegalEntity, SyncEvent
from console.sync.services.demo import MAPPINGS_VALID_FROM
from console.sync.services.drain import events_drain
from console.sync.services.interventions import event_dismiss
from console.sync.services.resolution import Blocked, Invalid, Resolved, event_resolve
from integrations.odoo.client import OdooClient
from tests.factories import credit_note_event, invoice_event, payment_event, vendor_bill_event, with_data
from tests.odoo_protocol import sandbox_credentials

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


def read(sandbox: Any, model: str, record_id: int | None, fields: list[str]) -> dict[str, Any]:
    assert record_id is not None
    client = OdooClient(sandbox_credentials(sandbox.url))
    [row] = client.read(model, [record_id], fields)
    return dict(row)


def move(sandbox: Any, move_id: int | None) -> dict[str, Any]:
    fields = ["move_type", "name", "amount_total", "payment_state", "amount_residual", "reversed_entry_id"]
    return read(sandbox, "account.move", move_id, fields)


def refund_payment(external_id: str, credit_note: str, amount: str = "115.00") -> dict[str, Any]:
    event = payment_event(external_id, credit_note, amount)
    event["data"].update(direction="outbound", invoice_source="shopify")
    return event


def resolved(event_id: int) -> Resolved | Blocked | Invalid:
    """What the poster would make of the event now, without posting it."""
    event = SyncEvent.objects.get(pk=event_id)
    return event_resolve(
        event, MappingTable(mapping_candidates(entity_ids=[event.entity_id], kinds=MappingKind.values))
    )


def posted_invoice_and_blocked_payment(api: APIClient) -> int:
    """order-1 posted, and a card payment of it that cannot post (no journal for cheques): its id."""
    ingest(api, invoice_event("order-1"))
    events_drain()
    unmapped = payment_event("ch_1", "order-1")
    unmapped["data"]["payment_method"] = "cheque"
    [payment_id] = ingest(api, unmapped)
    events_drain()
    payment = SyncEvent.objects.get(pk=payment_id)
    assert payment.state == EventState.BLOCKED, payment.reason_message
    return payment_id


def test_a_credit_note_of_a_posted_invoice_posts_as_a_linked_refund_that_reverses_it(
    api: APIClient, configured: dict[str, Any]
) -> None:
    sandbox = configured["sandbox"]
    [invoice_id] = ingest(api, invoice_event("order-1"))
    events_drain()
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    assert events_drain().posted == 1
    invoice, note = SyncEvent.objects.get(pk=invoice_id), SyncEvent.objects.get(pk=note_id)
    assert note.state == EventState.POSTED and note.odoo_model == "account.move"
    assert note.odoo_name.startswith("RINV/") and note.amount == 100
    refund = move(sandbox, note.odoo_id)
    assert (refund["move_type"], refund["amount_total"], refund["payment_state"]) == ("out_refund", 115.0, "paid")
    assert refund["reversed_entry_id"][0] == invoice.odoo_id
    assert move(sandbox, invoice.odoo_id)["payment_state"] == "reversed"


def test_a_credit_note_before_its_invoice_waits_then_posts_once_after_it(
    api: APIClient, configured: dict[str, Any]
) -> None:
    sandbox = configured["sandbox"]
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    events_drain()
    note = SyncEvent.objects.get(pk=note_id)
    assert (note.state, note.reason_code) == (EventState.BLOCKED, "invoice_not_received")
    assert note.reason_message == "The customer invoice 'order-1' this credit note credits has not been received."
    case = ExceptionCase.objects.get(event=note)
    assert case.category == Category.WAITING_ON_INVOICE
    [invoice_id] = ingest(api, invoice_event("order-1"))
    events_drain()
    note.refresh_from_db()
    case.refresh_from_db()
    assert note.state == EventState.POSTED and not case.is_open
    assert move(sandbox, note.odoo_id)["reversed_entry_id"][0] == SyncEvent.objects.get(pk=invoice_id).odoo_id
    assert sandbox.control.count("account.move", [["move_type", "=", "out_refund"]]) == 1


def test_a_credit_note_of_an_invoice_that_cannot_post_yet_waits_for_it(
    api: APIClient, configured: dict[str, Any]
) -> None:
    invoice = invoice_event("order-1")
    invoice["data"]["lines"][0]["tax_code"] = "VAT20"  # no mapping for it
    [invoice_id] = ingest(api, invoice)
    events_drain()
    assert SyncEvent.objects.get(pk=invoice_id).reason_code == "missing_mapping"
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    events_drain()
    note = SyncEvent.objects.get(pk=note_id)
    assert (note.state, note.reason_code, note.blocked_on) == (
        EventState.BLOCKED,
        "invoice_not_posted",
        f"event:{invoice_id}",
    )


def test_a_vendor_credit_note_reverses_its_bill(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    [bill_id] = ingest(api, vendor_bill_event("bill-1"))
    [note_id] = ingest(api, credit_note_event("memo-1", "bill-1", vendor=True))
    events_drain()
    note, bill = SyncEvent.objects.get(pk=note_id), SyncEvent.objects.get(pk=bill_id)
    assert note.state == EventState.POSTED and note.odoo_name.startswith("RBILL/")
    assert move(sandbox, note.odoo_id)["move_type"] == "in_refund"
    assert move(sandbox, bill.odoo_id)["payment_state"] == "reversed"


def test_a_credit_note_without_an_invoice_posts_unlinked(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    [note_id] = ingest(api, credit_note_event("goodwill-1"))
    events_drain()
    note = SyncEvent.objects.get(pk=note_id)
    assert note.state == EventState.POSTED
    assert move(sandbox, note.odoo_id)["reversed_entry_id"] is False


@pytest.mark.parametrize(
    ("change", "reason", "says"),
    [
        (
            {"partner": {"name": "Northwind Traders", "ref": "CUST-002"}},
            "credited_other_partner",
            "is for 'Blue Harbor Cafe', this credit note for 'Northwind Traders'",
        ),
        ({"currency": "EUR"}, "credited_other_currency", "is in USD, this credit note in EUR"),
    ],
)
def test_a_credit_note_that_does_not_match_its_invoice_fails_without_reaching_odoo(
    api: APIClient, configured: dict[str, Any], change: dict[str, Any], reason: str, says: str
) -> None:
    sandbox = configured["sandbox"]
    client = OdooClient(sandbox_credentials(sandbox.url))
    [euro] = client.search_read("res.currency", [["name", "=", "EUR"]], ["id"])
    mapping_version_add(
        kind=MappingKind.CURRENCY,
        entity=LegalEntity.objects.get(code="US01"),
        source_value="EUR",
        odoo_id=int(euro["id"]),
        valid_from=MAPPINGS_VALID_FROM,
        actor=Actor.system("test"),
    )
    ingest(api, invoice_event("order-1"))
    events_drain()
    [note_id] = ingest(api, with_data(credit_note_event("refund-1", "order-1"), **change))
    events_drain()
    note = SyncEvent.objects.get(pk=note_id)
    assert (note.state, note.reason_code) == (EventState.FAILED, reason)
    assert says in note.reason_message
    assert ExceptionCase.objects.get(event=note).category == Category.INVALID_DOCUMENT
    assert sandbox.control.count("account.move", [["move_type", "=", "out_refund"]]) == 0


def test_a_refund_payment_settles_the_customer_credit_note(
    api: APIClient, configured: dict[str, Any], payment_states: Any
) -> None:
    sandbox = configured["sandbox"]
    ingest(api, invoice_event("order-1"), payment_event("ch_1", "order-1"))
    events_drain()
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    [refund_id] = ingest(api, refund_payment("re_1", "refund-1"))
    events_drain()
    note, refund = SyncEvent.objects.get(pk=note_id), SyncEvent.objects.get(pk=refund_id)
    assert refund.state == EventState.POSTED and refund.odoo_model == "account.payment"
    payment = read(sandbox, "account.payment", refund.odoo_id, ["payment_type", "partner_type", "state"])
    assert (payment["payment_type"], payment["partner_type"], payment["state"]) == (
        "outbound",
        "customer",
        payment_states.settling,
    )
    # The invoice was paid by card: the credit note is what the shop owed and paid back.
    assert move(sandbox, note.odoo_id)["payment_state"] == "paid"


def test_a_refund_payment_before_its_credit_note_waits_then_settles_it(
    api: APIClient, configured: dict[str, Any]
) -> None:
    sandbox = configured["sandbox"]
    [refund_id] = ingest(api, refund_payment("re_1", "refund-1"))
    events_drain()
    refund = SyncEvent.objects.get(pk=refund_id)
    assert (refund.state, refund.reason_code) == (EventState.BLOCKED, "invoice_not_received")
    assert refund.reason_message == (
        "The vendor bill or customer credit note 'refund-1' this payment settles has not been received."
    )
    [note_id] = ingest(api, credit_note_event("refund-1"))
    events_drain()
    refund.refresh_from_db()
    assert refund.state == EventState.POSTED
    assert move(sandbox, SyncEvent.objects.get(pk=note_id).odoo_id)["payment_state"] == "paid"


def test_a_credit_note_of_a_dismissed_invoice_fails_saying_so(api: APIClient, configured: dict[str, Any]) -> None:
    invoice = invoice_event("order-1")
    invoice["data"]["lines"][0]["tax_code"] = "VAT20"
    [invoice_id] = ingest(api, invoice)
    events_drain()
    with transaction.atomic():
        event_dismiss(event=SyncEvent.objects.get(pk=invoice_id), actor=Actor.system("test"), reason="never sold")
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    events_drain()
    note = SyncEvent.objects.get(pk=note_id)
    assert (note.state, note.reason_code) == (EventState.FAILED, "credited_dismissed")
    assert note.reason_message.startswith("The customer invoice 'order-1' this credit note credits was dismissed")


def test_a_credit_note_waits_for_the_payments_of_its_invoice_so_odoo_leaves_them_something_to_pay(
    api: APIClient, configured: dict[str, Any]
) -> None:
    """Odoo matches a credit note with the invoice it reverses as it posts: passed by the credit
    note of the whole amount, the card payment of the invoice would find nothing left to pay."""
    sandbox = configured["sandbox"]
    [invoice_id] = ingest(api, invoice_event("order-1"))
    events_drain()
    [payment_id] = ingest(api, payment_event("ch_1", "order-1"))
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    waiting = resolved(note_id)
    assert isinstance(waiting, Blocked)
    assert (waiting.reason_code, waiting.blocked_on) == ("payment_not_posted", f"event:{payment_id}")
    settling = f"The payment 'ch_1' (event {payment_id}) settling the customer invoice 'order-1'"
    assert waiting.message.startswith(settling)
    [refund_id] = ingest(api, refund_payment("re_1", "refund-1"))
    events_drain()
    events = SyncEvent.objects.filter(pk__in=[invoice_id, payment_id, note_id, refund_id])
    assert {e.pk: e.state for e in events} == dict.fromkeys([invoice_id, payment_id, note_id, refund_id], "posted")
    invoice, note = SyncEvent.objects.get(pk=invoice_id), SyncEvent.objects.get(pk=note_id)
    # The card paid the invoice; the refund paid back the credit note: each settled by its own.
    assert move(sandbox, invoice.odoo_id)["payment_state"] in ("paid", "in_payment")
    assert move(sandbox, note.odoo_id)["payment_state"] in ("paid", "in_payment")


def test_a_refund_sent_before_its_order_posts_after_the_orders_payment(
    api: APIClient, configured: dict[str, Any]
) -> None:
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    events_drain()
    assert SyncEvent.objects.get(pk=note_id).reason_code == "invoice_not_received"
    # The order and its payment arrive together: the credit note, released by the invoice, must
    # not pass the payment.
    [invoice_id, payment_id] = ingest(api, invoice_event("order-1"), payment_event("ch_1", "order-1"))
    events_drain()
    states = dict(SyncEvent.objects.filter(pk__in=[note_id, invoice_id, payment_id]).values_list("pk", "state"))
    assert states == dict.fromkeys([note_id, invoice_id, payment_id], "posted")
    payment, note = SyncEvent.objects.get(pk=payment_id), SyncEvent.objects.get(pk=note_id)
    assert payment.posted_at is not None and note.posted_at is not None and payment.posted_at <= note.posted_at
    assert not ExceptionCase.objects.filter(event_id__in=[note_id, invoice_id, payment_id], state="open").exists()


def test_a_credit_note_waiting_for_a_payment_that_is_dismissed_posts_then(
    api: APIClient, configured: dict[str, Any]
) -> None:
    payment_id = posted_invoice_and_blocked_payment(api)
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    events_drain()
    note = SyncEvent.objects.get(pk=note_id)
    assert (note.state, note.reason_code, note.blocked_on) == (
        EventState.BLOCKED,
        "payment_not_posted",
        f"event:{payment_id}",
    )
    with transaction.atomic():
        event_dismiss(event=SyncEvent.objects.get(pk=payment_id), actor=Actor.system("test"), reason="paid twice")
    events_drain()
    note.refresh_from_db()
    assert note.state == EventState.POSTED


def test_the_sweeper_releases_a_credit_note_left_waiting_for_a_payment_dismissed_meanwhile(
    api: APIClient, configured: dict[str, Any]
) -> None:
    """The race event_dismiss cannot see: a worker decided the credit note waits for the payment
    while the payment was being dismissed, and committed after it."""
    from console.sync.services.sweeper import posting_sweep

    payment_id = posted_invoice_and_blocked_payment(api)
    with transaction.atomic():
        event_dismiss(event=SyncEvent.objects.get(pk=payment_id), actor=Actor.system("test"), reason="paid twice")
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    SyncEvent.objects.filter(pk=note_id).update(
        state=EventState.BLOCKED, reason_code="payment_not_posted", blocked_on=f"event:{payment_id}"
    )
    assert posting_sweep() >= 1
    events_drain()
    assert SyncEvent.objects.get(pk=note_id).state == EventState.POSTED


def test_a_payment_an_override_points_at_the_invoice_is_waited_for_too(
    api: APIClient, configured: dict[str, Any]
) -> None:
    ingest(api, invoice_event("order-1"))
    events_drain()
    [payment_id] = ingest(api, payment_event("ch_1", "order-typo"))
    SyncEvent.objects.filter(pk=payment_id).update(
        state=EventState.BLOCKED, override={"invoice_external_id": "order-1"}
    )
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    waiting = resolved(note_id)
    assert isinstance(waiting, Blocked) and waiting.blocked_on == f"event:{payment_id}"
