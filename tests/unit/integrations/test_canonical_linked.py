"""Documents linked to another: a credit note naming the invoice it credits and a payment
naming the document it settles may leave their partner out (it is the linked document's,
put in by the console before posting); anything else still needs one. And the side of the
ledger a payment is with, whatever the direction of its money."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from integrations.canonical import Invoice, PayloadError, Payment, default_counterparty, parse_document
from tests.factories import credit_note_event, invoice_event, payment_event, vendor_bill_event


def data_without_partner(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(event["data"])
    del data["partner"]
    data.update(changes)
    return data


def refusal(kind: str, data: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(PayloadError) as raised:
        parse_document(kind, data)
    return raised.value.path, raised.value.message


@pytest.mark.parametrize("partner", ["left out", None])
@pytest.mark.parametrize("vendor", [False, True])
def test_a_credit_note_naming_its_invoice_may_leave_its_partner_out(partner: Any, vendor: bool) -> None:
    data = data_without_partner(credit_note_event("r-1", "order-1", vendor=vendor))
    if partner is None:
        data["partner"] = None
    doc = parse_document("vendor_credit_note" if vendor else "customer_credit_note", data)
    assert isinstance(doc, Invoice)
    assert (doc.partner, doc.reversed_external_id) == (None, "order-1")


def test_a_credit_note_naming_no_invoice_needs_its_partner() -> None:
    for data in (data_without_partner(credit_note_event("r-1")), {**credit_note_event("r-1")["data"], "partner": None}):
        assert refusal("customer_credit_note", data) == (
            "data.partner",
            "is required unless reversed_external_id names the invoice it credits, whose partner it takes",
        )
    assert refusal("customer_credit_note", data_without_partner(credit_note_event("r-1"), reversed_external_id="")) == (
        "data.partner",
        "is required unless reversed_external_id names the invoice it credits, whose partner it takes",
    )


@pytest.mark.parametrize(
    ("kind", "event"), [("customer_invoice", invoice_event()), ("vendor_bill", vendor_bill_event("b"))]
)
def test_an_invoice_or_bill_always_needs_its_partner(kind: str, event: dict[str, Any]) -> None:
    assert refusal(kind, data_without_partner(event)) == ("data.partner", "is required")


def test_a_partner_given_is_read_as_before_linked_or_not() -> None:
    doc = parse_document("customer_credit_note", credit_note_event("r-1", "order-1")["data"])
    assert isinstance(doc, Invoice) and doc.partner is not None
    assert (doc.partner.name, doc.partner.ref) == ("Blue Harbor Cafe", "CUST-001")
    bad = {**credit_note_event("r-1", "order-1")["data"], "partner": {"email": "x@example.com"}}
    assert refusal("customer_credit_note", bad) == ("data.partner.name", "is required")


def test_a_payment_naming_what_it_settles_may_leave_its_partner_out() -> None:
    doc = parse_document("payment", data_without_partner(payment_event("ch_1", "order-1")))
    assert isinstance(doc, Payment)
    assert (doc.partner, doc.invoice_external_id) == (None, "order-1")


def test_a_payment_settling_nothing_needs_its_partner() -> None:
    assert refusal("payment", data_without_partner(payment_event("ch_1"))) == (
        "data.partner",
        "is required unless invoice_external_id names the document it settles, whose partner it takes",
    )


@pytest.mark.parametrize(
    ("direction", "side"),
    [("inbound", "customer"), ("outbound", "vendor")],
)
def test_a_payment_settling_nothing_and_saying_nothing_is_with_the_side_its_money_suggests(
    direction: str, side: str
) -> None:
    doc = parse_document("payment", {**payment_event("p-1")["data"], "direction": direction})
    assert isinstance(doc, Payment)
    assert doc.counterparty == side == default_counterparty(direction)


def test_a_payment_settling_a_document_and_saying_nothing_takes_the_documents_side_later() -> None:
    doc = parse_document("payment", {**payment_event("p-1", "refund-1")["data"], "direction": "outbound"})
    assert isinstance(doc, Payment)
    assert doc.counterparty is None  # the console reads it from the document it settles


def test_an_outbound_payment_to_a_customer_is_a_refund_not_a_vendor_payment() -> None:
    data = {**payment_event("re_1")["data"], "direction": "outbound", "counterparty": "customer"}
    doc = parse_document("payment", data)
    assert isinstance(doc, Payment)
    assert (doc.direction, doc.counterparty) == ("outbound", "customer")


@pytest.mark.parametrize("value", ["supplier", "", "Customer", 1, None])
def test_a_counterparty_is_customer_or_vendor(value: Any) -> None:
    data = {**payment_event("p-1")["data"], "counterparty": value}
    if value is None:  # null: not said
        doc = parse_document("payment", data)
        assert isinstance(doc, Payment) and doc.counterparty == "customer"
        return
    assert refusal("payment", data) == ("data.counterparty", "must be customer or vendor")
