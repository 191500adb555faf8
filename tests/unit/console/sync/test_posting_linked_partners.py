"""Documents that take their partner from the one they are linked to (a credit note from the
invoice it credits, a payment from what it settles), and payments saying which side of the
ledger they are with: through the pipeline into the sandbox."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from console.audit.actors import Actor
from console.mappings.models import MappingKind
from console.mappings.services import mapping_version_add
from console.sync.models import BusinessProcess, EventState, Flow, FlowMode, LegalEntity, SourceSystem, SyncEvent
from console.sync.services.demo import MAPPINGS_VALID_FROM
from console.sync.services.drain import events_drain
from console.sync.services.interventions import event_resubmit
from integrations.odoo.client import OdooClient
from integrations.shopify.payloads import read as read_shopify
from tests.factories import credit_note_event, invoice_event, payment_event, vendor_bill_event
from tests.odoo_protocol import sandbox_credentials
from tests.unit.integrations.shopify.shopify_bodies import discounted_order
from tests.unit.integrations.shopify.shopify_bodies import refund as shopify_refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def odoo(configured: dict[str, Any]) -> OdooClient:
    return OdooClient(sandbox_credentials(configured["sandbox"].url))


def ingest(api: APIClient, *events: dict[str, Any]) -> list[int]:
    response = api.post("/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return [r["event_id"] for r in response.json()["results"]]


def refused(api: APIClient, event: dict[str, Any]) -> str:
    response = api.post("/api/v1/events/", data=json.dumps(event), content_type="application/json")
    assert response.status_code == 400, response.content
    return str(response.json()["error"]["message"])


def without_partner(event: dict[str, Any]) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    del changed["data"]["partner"]
    return changed


def refund_payment(external_id: str, credit_note: str, **data: str) -> dict[str, Any]:
    """Money paid back for a Shopify credit note, as the Shopify reader drafts it: no partner."""
    event = without_partner(payment_event(external_id, credit_note))
    event["data"].update(direction="outbound", **data)
    return event


def record(odoo: OdooClient, model: str, record_id: int | None, fields: list[str]) -> dict[str, Any]:
    assert record_id is not None
    [row] = odoo.read(model, [record_id], fields)
    return dict(row)


def posted(event_id: int) -> SyncEvent:
    event = SyncEvent.objects.get(pk=event_id)
    assert event.state == EventState.POSTED, (event.reason_code, event.reason_message)
    return event


def add_flow(source: str, kind: str) -> None:
    """A flow the demo does not have, for a source sending a kind it does not send there."""
    Flow.objects.create(
        source=SourceSystem.objects.get(code=source),
        event_kind=kind,
        name=f"{source} {kind}",
        business_process=BusinessProcess.ORDER_TO_CASH,
        mode=FlowMode.REAL_TIME,
        freshness_slo_seconds=300,
    )


def partner_of(odoo: OdooClient, model: str, record_id: int | None) -> tuple[int, str]:
    partner = record(odoo, model, record_id, ["partner_id"])["partner_id"]
    return int(partner[0]), str(partner[1])


def test_a_credit_note_without_partner_posts_against_the_partner_of_the_invoice_it_credits(
    api: APIClient, odoo: OdooClient
) -> None:
    [invoice_id] = ingest(api, invoice_event("order-1"))
    [note_id] = ingest(api, without_partner(credit_note_event("refund-1", "order-1")))
    events_drain()
    invoice, note = posted(invoice_id), posted(note_id)
    assert partner_of(odoo, "account.move", note.odoo_id) == partner_of(odoo, "account.move", invoice.odoo_id)
    assert partner_of(odoo, "account.move", note.odoo_id)[1] == "Blue Harbor Cafe"
    # One partner in Odoo, no stand-in beside it.
    assert len(odoo.search_read("res.partner", [["ref", "=", "CUST-001"]], ["id"])) == 1
    assert odoo.search_read("res.partner", [["name", "ilike", "Customer of"]], ["id"]) == []
    assert record(odoo, "account.move", invoice.odoo_id, ["payment_state"])["payment_state"] == "reversed"


def test_a_credit_note_takes_the_partner_its_invoice_posts_with_after_an_override(
    api: APIClient, odoo: OdooClient
) -> None:
    unmapped = invoice_event("order-1")
    unmapped["data"]["lines"][0]["tax_code"] = "VAT20"
    [invoice_id] = ingest(api, unmapped)
    [note_id] = ingest(api, without_partner(credit_note_event("refund-1", "order-1")))
    events_drain()
    assert SyncEvent.objects.get(pk=note_id).reason_code == "invoice_not_posted"
    changes = {"lines.0.tax_code": "SALES15", "partner.name": "Blue Harbor Roasters", "partner.ref": "CUST-009"}
    with transaction.atomic():
        event_resubmit(
            event=SyncEvent.objects.get(pk=invoice_id), changes=changes, actor=Actor.system("test"), reason="renamed"
        )
    events_drain()
    invoice, note = posted(invoice_id), posted(note_id)
    assert partner_of(odoo, "account.move", note.odoo_id) == partner_of(odoo, "account.move", invoice.odoo_id)
    assert partner_of(odoo, "account.move", note.odoo_id)[1] == "Blue Harbor Roasters"


def test_a_refund_without_partner_settling_a_credit_note_without_partner_pays_the_invoices_partner(
    api: APIClient, odoo: OdooClient, payment_states: Any
) -> None:
    [invoice_id, _] = ingest(api, invoice_event("order-1"), payment_event("ch_1", "order-1"))
    [note_id] = ingest(api, without_partner(credit_note_event("refund-1", "order-1")))
    [refund_id] = ingest(api, refund_payment("re_1", "refund-1", invoice_source="shopify"))
    events_drain()
    invoice, note, refund = posted(invoice_id), posted(note_id), posted(refund_id)
    customer = partner_of(odoo, "account.move", invoice.odoo_id)
    assert partner_of(odoo, "account.payment", refund.odoo_id) == customer
    payment = record(odoo, "account.payment", refund.odoo_id, ["payment_type", "partner_type", "state"])
    assert (payment["payment_type"], payment["partner_type"], payment["state"]) == (
        "outbound",
        "customer",
        payment_states.settling,
    )
    assert record(odoo, "account.move", note.odoo_id, ["payment_state"])["payment_state"] == "paid"


def test_a_refund_waiting_for_its_credit_note_then_takes_the_partner_through_it(
    api: APIClient, odoo: OdooClient
) -> None:
    [invoice_id, _] = ingest(api, invoice_event("order-1"), payment_event("ch_1", "order-1"))
    events_drain()
    [refund_id] = ingest(api, refund_payment("re_1", "refund-1", invoice_source="shopify"))
    events_drain()
    assert SyncEvent.objects.get(pk=refund_id).reason_code == "invoice_not_received"
    ingest(api, without_partner(credit_note_event("refund-1", "order-1")))
    events_drain()
    invoice, refund = posted(invoice_id), posted(refund_id)
    assert partner_of(odoo, "account.payment", refund.odoo_id) == partner_of(odoo, "account.move", invoice.odoo_id)


def test_a_credit_note_naming_another_partner_than_its_invoice_still_fails(api: APIClient) -> None:
    ingest(api, invoice_event("order-1"))
    other = credit_note_event("refund-1", "order-1")
    other["data"]["partner"] = {"name": "Northwind Traders", "ref": "CUST-002"}
    [note_id] = ingest(api, other)
    events_drain()
    note = SyncEvent.objects.get(pk=note_id)
    assert (note.state, note.reason_code) == (EventState.FAILED, "credited_other_partner")


def test_a_credit_note_naming_its_invoices_partner_posts_as_before(api: APIClient, odoo: OdooClient) -> None:
    [invoice_id] = ingest(api, invoice_event("order-1"))
    [note_id] = ingest(api, credit_note_event("refund-1", "order-1"))
    events_drain()
    note, invoice = posted(note_id), posted(invoice_id)
    assert partner_of(odoo, "account.move", note.odoo_id) == partner_of(odoo, "account.move", invoice.odoo_id)


def test_without_the_document_it_is_linked_to_a_partner_is_required_at_ingestion(api: APIClient) -> None:
    assert refused(api, without_partner(credit_note_event("goodwill-1"))) == (
        "data.partner: is required unless reversed_external_id names the invoice it credits, whose partner it takes"
    )
    assert refused(api, without_partner(payment_event("ch_1"))) == (
        "data.partner: is required unless invoice_external_id names the document it settles, whose partner it takes"
    )
    assert refused(api, without_partner(invoice_event("order-1"))) == "data.partner: is required"


def test_an_unmatched_refund_to_a_customer_posts_against_the_receivable(
    api: APIClient, odoo: OdooClient, payment_states: Any
) -> None:
    refund = payment_event("re_9")
    refund["data"].update(direction="outbound", counterparty="customer")
    [refund_id] = ingest(api, refund)
    events_drain()
    payment = record(
        odoo,
        "account.payment",
        posted(refund_id).odoo_id,
        ["payment_type", "partner_type", "state", "destination_account_id", "outstanding_account_id", "move_id"],
    )
    assert (payment["payment_type"], payment["partner_type"], payment["state"]) == (
        "outbound",
        "customer",
        payment_states.on_its_own,
    )
    assert payment["destination_account_id"][1].startswith("121000")  # Account Receivable
    assert payment["outstanding_account_id"][1].startswith("101404")  # Outstanding Payments
    lines = odoo.search_read("account.move.line", [["move_id", "=", payment["move_id"][0]]], ["account_id", "balance"])
    assert sorted((line["account_id"][1].split()[0], line["balance"]) for line in lines) == [
        ("101404", -115.0),
        ("121000", 115.0),
    ]


def test_an_outbound_payment_saying_nothing_is_a_vendor_payment(api: APIClient, odoo: OdooClient) -> None:
    paid_out = payment_event("wire-1")
    paid_out["data"]["direction"] = "outbound"
    [payment_id] = ingest(api, paid_out)
    events_drain()
    payment = record(odoo, "account.payment", posted(payment_id).odoo_id, ["partner_type", "destination_account_id"])
    assert payment["partner_type"] == "supplier" and payment["destination_account_id"][1].startswith("211000")


def test_a_payment_saying_vendor_does_not_settle_a_customer_credit_note(api: APIClient) -> None:
    ingest(api, invoice_event("order-1"), credit_note_event("refund-1", "order-1"))
    [refund_id] = ingest(api, refund_payment("re_1", "refund-1", invoice_source="shopify", counterparty="vendor"))
    events_drain()
    refund = SyncEvent.objects.get(pk=refund_id)
    assert (refund.state, refund.reason_code) == (EventState.FAILED, "settles_other_side")
    assert "names a customer credit note" in refund.reason_message
    assert "this payment's counterparty is a vendor" in refund.reason_message


def test_a_payment_saying_its_side_settles_the_document_of_that_side_when_a_key_names_two(
    api: APIClient, odoo: OdooClient
) -> None:
    # One source sending a vendor bill and a customer credit note under one key: an outbound
    # payment may settle either.
    add_flow("coupa", "customer_credit_note")
    note = credit_note_event("doc-7", source="coupa")
    [bill_id, note_id] = ingest(api, vendor_bill_event("doc-7"), note)
    events_drain()
    posted(bill_id), posted(note_id)
    [ambiguous_id] = ingest(api, refund_payment("re_1", "doc-7", invoice_source="coupa"))
    [sided_id] = ingest(api, refund_payment("re_2", "doc-7", invoice_source="coupa", counterparty="customer"))
    events_drain()
    ambiguous = SyncEvent.objects.get(pk=ambiguous_id)
    assert (ambiguous.state, ambiguous.reason_code) == (EventState.FAILED, "ambiguous_invoice")
    assert ambiguous.reason_message.endswith("(its counterparty, customer or vendor, would say).")
    refund = posted(sided_id)
    assert partner_of(odoo, "account.payment", refund.odoo_id)[1] == "Blue Harbor Cafe"
    credited = SyncEvent.objects.get(pk=note_id).odoo_id
    assert record(odoo, "account.move", credited, ["payment_state"])["payment_state"] == "paid"
    assert record(odoo, "account.move", posted(bill_id).odoo_id, ["payment_state"])["payment_state"] == "not_paid"


def test_a_shopify_refund_posts_against_the_orders_customer_and_pays_them_back(
    api: APIClient, odoo: OdooClient
) -> None:
    # The Shopify reader's drafts of a paid order and its refund, ingested as the console
    # records them: the refund body names no customer, its credit note and payment take the
    # order's, and nothing fails for a partner of its own.
    add_flow("shopify", "payment")
    entity = LegalEntity.objects.get(code="US01")
    company = [["company_id", "=", entity.odoo_company_id]]
    [sale_tax] = odoo.search_read(
        "account.tax", [["type_tax_use", "=", "sale"], *company], ["country_id", "tax_group_id"]
    )
    state_tax = odoo.create(
        "account.tax",
        {
            "name": "State Tax 6%",
            "amount": 6.0,
            "amount_type": "percent",
            "type_tax_use": "sale",
            "country_id": sale_tax["country_id"][0],
            "tax_group_id": sale_tax["tax_group_id"][0],
        },
    )
    [bank] = odoo.search_read("account.journal", [["code", "=", "BNK1"], *company], ["id"])
    for kind, value, odoo_id in (
        (MappingKind.TAX, "State Tax 6%", state_tax),
        (MappingKind.JOURNAL, "shopify_payments", int(bank["id"])),
    ):
        mapping_version_add(
            kind=kind,
            entity=entity,
            source_value=value,
            odoo_id=odoo_id,
            valid_from=MAPPINGS_VALID_FROM,
            actor=Actor.system("test"),
        )

    def events(topic: str, body: dict[str, Any]) -> list[dict[str, Any]]:
        drafts = read_shopify(topic, json.dumps(body).encode()).drafts
        return [
            {
                "source": "shopify",
                "external_id": d.external_id,
                "kind": d.kind,
                "entity": "US01",
                "occurred_at": d.occurred_at.isoformat(),
                "data": d.data,
            }
            for d in drafts
        ]

    [invoice_id, paid_id] = ingest(api, *events("orders/paid", discounted_order()))
    events_drain()
    [note_id, refund_id] = ingest(api, *events("refunds/create", shopify_refund()))
    events_drain()
    invoice, note, refund = posted(invoice_id), posted(note_id), posted(refund_id)
    customer = partner_of(odoo, "account.move", invoice.odoo_id)
    assert customer[1] == "Ana Diaz"
    assert partner_of(odoo, "account.move", note.odoo_id) == customer
    assert partner_of(odoo, "account.payment", refund.odoo_id) == customer
    assert record(odoo, "account.move", note.odoo_id, ["reversed_entry_id"])["reversed_entry_id"][0] == invoice.odoo_id
    payment = record(odoo, "account.payment", refund.odoo_id, ["payment_type", "partner_type", "amount", "state"])
    assert (payment["payment_type"], payment["partner_type"], payment["amount"]) == ("outbound", "customer", 14.13)
    # Credited 13.33 + 0.80 of tax, refunded 14.13: the credit note is paid back in full.
    assert record(odoo, "account.move", note.odoo_id, ["payment_state"])["payment_state"] == "paid"
    assert posted(paid_id).odoo_model == "account.payment"


def test_a_credit_note_whose_invoice_no_longer_reads_fails_asking_for_a_partner_of_its_own(api: APIClient) -> None:
    [invoice_id] = ingest(api, invoice_event("order-1"))
    events_drain()
    posted(invoice_id)
    # As a stricter reader since would find it: the stored invoice no longer reads.
    stored = SyncEvent.objects.get(pk=invoice_id).payload
    SyncEvent.objects.filter(pk=invoice_id).update(payload={**stored, "currency": "XXX"})
    [note_id] = ingest(api, without_partner(credit_note_event("refund-1", "order-1")))
    events_drain()
    note = SyncEvent.objects.get(pk=note_id)
    assert (note.state, note.reason_code) == (EventState.FAILED, "linked_partner_unknown")
    assert note.reason_message.startswith(
        "The customer invoice 'order-1' this credit note takes its partner from no longer reads (data.currency:"
    )
    assert note.reason_message.endswith("give this credit note its own partner and resubmit.")
