"""Shopify's own REST fixtures (../shared/vectors/shopify, SOURCE.txt) read as webhook bodies.

They are test fixtures of Shopify's Python library, and not all of their totals
agree with their lines (order.json's three line items of 199.00 add up to 597.00,
its total_line_items_price says 398.00): the reader drafts what the lines say, the
payment what Shopify says was charged, and its note names the difference.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from integrations.canonical import Invoice, Payment, parse_document
from integrations.webhooks import Unreadable
from tests.unit.integrations.shopify.shopify_bodies import VECTORS, encode, read_checked, vector

PARTNER = {"name": "Bob Norman", "email": "bob.norman@hostmail.com", "ref": "shopify-customer-207119551"}


def test_the_vectors_are_where_the_tests_look() -> None:
    assert (VECTORS / "SOURCE.txt").is_file()


def test_the_2014_order_once_paid_is_an_invoice_of_its_three_lines_and_a_payment_of_its_total() -> None:
    reading = read_checked("orders/paid", vector("order.json", "order"))

    invoice, payment = reading.drafts
    assert (invoice.kind, invoice.external_id) == ("customer_invoice", "order-450789469")
    assert (payment.kind, payment.external_id) == ("payment", "order-450789469-payment")
    # created_at 2008-01-10T11:00:00-05:00 (the fixture has no processed_at).
    assert invoice.occurred_at == payment.occurred_at == datetime(2008, 1, 10, 16, 0, tzinfo=UTC)
    doc = parse_document("customer_invoice", invoice.data)
    assert isinstance(doc, Invoice)
    assert doc.partner.name == PARTNER["name"] and invoice.data["partner"] == PARTNER
    assert (doc.currency, doc.invoice_date, doc.reference) == ("USD", date(2008, 1, 10), "#1001")
    assert [(line.description, line.quantity, line.unit_price, line.tax_code) for line in doc.lines] == [
        ("[IPOD2008GREEN] IPod Nano - 8gb - green", 1, Decimal("199.00"), "State Tax 6%"),
        ("[IPOD2008RED] IPod Nano - 8gb - red", 1, Decimal("199.00"), "State Tax 6%"),
        ("[IPOD2008BLACK] IPod Nano - 8gb - black", 1, Decimal("199.00"), "State Tax 6%"),
        ("Shipping: Free Shipping", 1, Decimal("0.00"), ""),
    ]
    assert doc.amount == Decimal("597.00")  # 3 x 199.00 + 0.00
    paid = parse_document("payment", payment.data)
    assert isinstance(paid, Payment)
    assert (paid.direction, paid.amount, paid.payment_method) == ("inbound", Decimal("409.94"), "authorize_net")
    assert (paid.invoice_external_id, paid.date, paid.partner) == ("order-450789469", date(2008, 1, 10), doc.partner)
    # 597.00 + total_tax 11.94 = 608.94, not the fixture's total_price 409.94.
    assert reading.note == (
        "order #1001: its lines, shipping and tax add up to 608.94 USD but Shopify's total_price is 409.94: "
        "the invoice follows the lines, the payment what was charged"
    )
    assert reading.changed == ()


def test_the_2014_order_as_created_is_only_authorized_and_posts_nothing() -> None:
    for topic in ("orders/create", "orders/updated"):
        reading = read_checked(topic, vector("order.json", "order"))
        assert reading.drafts == ()
        assert (
            reading.note
            == "order #1001 is authorized but its payment is not captured: nothing posts until Shopify reports it paid"
        )
        assert reading.changed == ()


def test_the_2014_order_cancelled_before_it_was_paid_posts_nothing_and_says_so() -> None:
    reading = read_checked("orders/cancelled", vector("order.json", "order"))
    assert reading.drafts == ()
    assert reading.note == "order #1001 was cancelled before it was paid: nothing to post"


def test_the_2021_order_list_fixture_has_no_line_items_and_is_unreadable_as_a_webhook_body() -> None:
    body = vector("orders.json", "orders")
    assert body["financial_status"] == "partially_refunded" and "line_items" not in body
    with pytest.raises(Unreadable, match=r"^order\.line_items: is missing$"):
        read_checked("orders/updated", body)


def test_the_2021_order_list_fixture_reads_its_money_bags_once_it_has_lines() -> None:
    # Its totals with the line items of order.json: 597.00 of lines, total_tax_set 11.94,
    # total_price_set 598.94 (its 10.00 of total_discounts is allocated to no line).
    body = vector("orders.json", "orders") | {"line_items": vector("order.json", "order")["line_items"]}
    reading = read_checked("orders/updated", body)
    invoice, payment = reading.drafts
    assert invoice.data["invoice_date"] == "2008-01-10"  # processed_at
    assert payment.data["amount"] == "598.94" and payment.data["payment_method"] == "bogus"
    assert "add up to 608.94 USD but Shopify's total_price is 598.94" in reading.note


def test_the_2016_refund_is_a_credit_note_of_its_two_lines_and_an_outbound_payment_of_its_transaction() -> None:
    reading = read_checked("refunds/create", vector("refund.json", "refund"))

    credit, payment = reading.drafts
    assert (credit.kind, credit.external_id) == ("customer_credit_note", "refund-509562969")
    assert credit.data["reversed_external_id"] == "order-450789469"
    assert credit.occurred_at == datetime(2016, 6, 20, 17, 35, 6, tzinfo=UTC)  # created_at -04:00
    doc = parse_document("customer_credit_note", credit.data)
    assert isinstance(doc, Invoice)
    assert doc.refund and doc.reversed_external_id == "order-450789469"
    assert [(line.description, line.quantity, line.unit_price, line.tax_code) for line in doc.lines] == [
        ("[IPOD2008BLACK] IPod Nano - 8gb - black", 1, Decimal("199.00"), "State Tax 6%"),
        ("[IPOD2008GREEN] IPod Nano - 8gb - green", 1, Decimal("199.00"), "State Tax 6%"),
    ]
    assert doc.amount == Decimal("398.00")
    assert (payment.kind, payment.external_id) == ("payment", "refund-509562969-payment-bogus")
    paid = parse_document("payment", payment.data)
    assert isinstance(paid, Payment)
    assert (paid.direction, paid.amount, paid.payment_method) == ("outbound", Decimal("209.00"), "bogus")
    assert paid.invoice_external_id == "refund-509562969"
    # The fixture refunds 209.00 for two lines of 199.00 and lists no order adjustment.
    assert reading.note == "refund 509562969: its lines add up to 398.00 USD but its transactions returned 209.00"


def test_the_refund_calculation_fixture_is_not_a_refund_and_is_unreadable() -> None:
    # A calculate answer (suggested transactions): no refund id, as no refund was made.
    with pytest.raises(Unreadable, match=r"^refund\.id: is missing$"):
        read_checked("refunds/create", encode(vector("refund_calculate.json", "refund")))
