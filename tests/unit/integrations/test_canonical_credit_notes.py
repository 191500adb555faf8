"""Credit notes are read by the invoice reader: the same fields and rules, positive lines,
plus the external id of the invoice or bill they credit; the kind makes them refunds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.canonical import (
    CREDIT_NOTE_KINDS,
    KINDS,
    MAX_EXTERNAL_REF,
    MOVE_TYPES,
    Invoice,
    PayloadError,
    parse_document,
)
from tests.factories import credit_note_event, invoice_event, vendor_bill_event, with_data


def test_a_customer_credit_note_is_an_out_refund_naming_the_invoice_it_credits() -> None:
    doc = parse_document("customer_credit_note", credit_note_event("r-1", "order-1")["data"])
    assert isinstance(doc, Invoice)
    assert (doc.direction, doc.refund, doc.move_type, doc.kind) == (
        "customer",
        True,
        "out_refund",
        "customer_credit_note",
    )
    assert doc.reversed_external_id == "order-1"
    assert doc.amount == Decimal("100.00")  # positive, as Odoo's out_refund lines are
    assert doc.journal_key == "customer_invoice"  # Odoo books refunds in the invoices' journal


def test_a_vendor_credit_note_is_an_in_refund_in_the_bills_journal() -> None:
    doc = parse_document("vendor_credit_note", credit_note_event("vr-1", "bill-1", vendor=True)["data"])
    assert isinstance(doc, Invoice)
    assert (doc.direction, doc.move_type, doc.kind, doc.journal_key) == (
        "vendor",
        "in_refund",
        "vendor_credit_note",
        "vendor_bill",
    )
    assert doc.amount == Decimal("125.00")


def test_a_credit_note_may_name_no_invoice() -> None:
    doc = parse_document("customer_credit_note", credit_note_event("r-1")["data"])
    assert isinstance(doc, Invoice)
    assert doc.reversed_external_id == ""


def test_invoices_and_bills_stay_what_they_were() -> None:
    invoice = parse_document("customer_invoice", invoice_event()["data"])
    bill = parse_document("vendor_bill", vendor_bill_event("b-1")["data"])
    assert isinstance(invoice, Invoice) and isinstance(bill, Invoice)
    assert (invoice.refund, invoice.move_type, invoice.kind) == (False, "out_invoice", "customer_invoice")
    assert (bill.refund, bill.move_type, bill.kind) == (False, "in_invoice", "vendor_bill")


def test_an_invoice_cannot_name_an_invoice_it_reverses() -> None:
    data = with_data(invoice_event(), reversed_external_id="order-0")["data"]
    with pytest.raises(PayloadError) as raised:
        parse_document("customer_invoice", data)
    assert raised.value.path == "data.reversed_external_id"
    assert "is not a field here" in raised.value.message


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("x" * (MAX_EXTERNAL_REF + 1), f"is longer than {MAX_EXTERNAL_REF} characters"),
        (42, "must be a string"),
        ("order\x00-1", "contains a NUL character"),
    ],
)
def test_a_bad_reversed_external_id_is_refused_by_name(value: object, problem: str) -> None:
    data = with_data(credit_note_event("r-1"), reversed_external_id=value)["data"]
    with pytest.raises(PayloadError) as raised:
        parse_document("customer_credit_note", data)
    assert (raised.value.path, raised.value.message) == ("data.reversed_external_id", problem)


def test_a_credit_note_follows_the_invoice_rules_for_its_lines() -> None:
    data = with_data(credit_note_event("r-1"), lines=[{"description": "x", "quantity": "-1", "unit_price": "5"}])
    with pytest.raises(PayloadError) as raised:
        parse_document("vendor_credit_note", data["data"])
    assert raised.value.path == "data.lines[0].quantity"


@pytest.mark.parametrize(
    ("kind", "event"),
    [
        ("customer_invoice", invoice_event()),
        ("vendor_bill", vendor_bill_event("b-1")),
        ("customer_credit_note", credit_note_event("r-1")),
        ("vendor_credit_note", credit_note_event("r-1", vendor=True)),
    ],
)
def test_each_invoice_like_kind_reads_as_the_move_type_it_is_listed_with(kind: str, event: dict[str, object]) -> None:
    assert set(MOVE_TYPES) == {"customer_invoice", "vendor_bill", *CREDIT_NOTE_KINDS} and set(MOVE_TYPES) <= set(KINDS)
    doc = parse_document(kind, event["data"])
    assert isinstance(doc, Invoice)
    assert (doc.move_type, doc.kind) == (MOVE_TYPES[kind], kind)
