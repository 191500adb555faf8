"""The connector posting credit notes into the sandbox: out_refund and in_refund, once,
linked to the invoice they credit."""

from __future__ import annotations

from typing import Any

from integrations.canonical import Invoice, parse_document
from integrations.odoo.poster import OdooPoster
from integrations.odoo.requests import PostingRequest, Targets
from tests.factories import credit_note_event
from tests.unit.integrations.odoo.test_poster_payments import client_for


def credit_note_request(
    odoo: Any, external_id: str = "refund-1", *, vendor: bool = False, reversed_move_id: int | None = None
) -> PostingRequest:
    event = credit_note_event(external_id, vendor=vendor)
    document = parse_document(event["kind"], event["data"])
    assert isinstance(document, Invoice)
    use = "purchase" if vendor else "sale"
    code = "PURCH15" if vendor else "SALES15"
    account = "6000" if vendor else "4000"
    return PostingRequest(
        key=external_id,
        source=event["source"],
        kind=event["kind"],
        external_id=external_id,
        document=document,
        targets=Targets(
            company_id=1,
            journal_id=odoo.journal("BILL" if vendor else "INV"),
            currency_id=1,
            tax_ids={code: odoo.tax(use)},
            account_ids={account: odoo.account("600000" if vendor else "400000")},
            reversed_move_id=reversed_move_id,
        ),
    )


def read_move(odoo: Any, move_id: int) -> dict[str, Any]:
    fields = ["move_type", "name", "state", "ref", "amount_total", "amount_total_signed", "reversed_entry_id"]
    return odoo.read1("account.move", move_id, fields)


def test_a_customer_credit_note_posts_as_an_out_refund_once(odoo: Any) -> None:
    request = credit_note_request(odoo)
    [result] = OdooPoster(client_for(odoo)).post([request])
    assert result.ok, result.error
    assert result.odoo_id is not None
    assert (result.odoo_model, result.odoo_name, result.odoo_state) == ("account.move", "RINV/2026/00001", "posted")
    assert read_move(odoo, result.odoo_id) == {
        "id": result.odoo_id,
        "move_type": "out_refund",
        "name": "RINV/2026/00001",
        "state": "posted",
        "ref": "shopify/refund-1",
        "amount_total": 115.0,
        "amount_total_signed": -115.0,
        "reversed_entry_id": False,
    }
    [again] = OdooPoster(client_for(odoo)).post([request])
    assert again.ok and again.already_existed and again.odoo_id == result.odoo_id
    assert odoo.call("account.move", "search_count", [("ref", "=", request.marker)]) == 1


def test_a_vendor_credit_note_posts_as_an_in_refund_in_the_bills_journal(odoo: Any) -> None:
    [result] = OdooPoster(client_for(odoo)).post([credit_note_request(odoo, "vcn-1", vendor=True)])
    assert result.ok, result.error
    assert result.odoo_id is not None
    row = read_move(odoo, result.odoo_id)
    assert (row["move_type"], row["name"], row["amount_total"], row["amount_total_signed"]) == (
        "in_refund",
        "RBILL/2026/11/0001",  # dated 2026-11-22, after the sandbox's today: a bill books on its own date
        143.75,
        143.75,
    )


def test_a_credit_note_naming_its_invoice_is_linked_and_settles_it(odoo: Any) -> None:
    invoice = odoo.posted_invoice("out_invoice", 100.0)
    [result] = OdooPoster(client_for(odoo)).post([credit_note_request(odoo, reversed_move_id=invoice)])
    assert result.ok, result.error
    assert result.odoo_id is not None
    assert read_move(odoo, result.odoo_id)["reversed_entry_id"] == [invoice, "INV/2026/00001"]
    assert odoo.read1("account.move", invoice, ["payment_state", "amount_residual"]) == {
        "id": invoice,
        "payment_state": "reversed",
        "amount_residual": 0.0,
    }


def test_a_credit_note_whose_create_committed_unrecorded_is_found_by_its_marker_and_posted(odoo: Any) -> None:
    request = credit_note_request(odoo)
    # A lost answer left the draft in Odoo, no external id recorded; a draft invoice with the
    # same marker (a negative invoice turned into this credit note) must not be taken for it.
    lines = [(0, 0, {"name": "x", "quantity": 1, "price_unit": -100.0})]
    partner = odoo.partner("Blue Harbor Cafe")
    invoice_draft = odoo.call(
        "account.move",
        "create",
        {"move_type": "out_invoice", "partner_id": partner, "ref": request.marker, "invoice_line_ids": lines},
    )
    refund_draft = odoo.call(
        "account.move",
        "create",
        {"move_type": "out_refund", "partner_id": partner, "ref": request.marker, "invoice_line_ids": lines},
    )
    [result] = OdooPoster(client_for(odoo)).post([request])
    assert result.ok, result.error
    assert (result.odoo_id, result.found_earlier) == (refund_draft, True)
    assert odoo.read1("account.move", refund_draft, ["state", "amount_total"]) == {
        "id": refund_draft,
        "state": "posted",
        "amount_total": 115.0,  # rewritten with the request's lines before it posted
    }
    assert odoo.read1("account.move", invoice_draft, ["state"])["state"] == "draft"
    assert odoo.call("account.move", "search_count", [("move_type", "=", "out_refund")]) == 1
