"""refunds/create bodies into a customer credit note and the outbound payments of the
money returned."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from integrations.canonical import Invoice, Payment, parse_document
from integrations.shopify.options import ShopifyOptions
from integrations.webhooks import Unreadable
from tests.unit.integrations.shopify.shopify_bodies import (
    bag,
    discounted_order,
    document,
    item,
    read_checked,
    refund,
    transaction,
)


def credit_lines(reading: Any) -> list[tuple[str, Decimal, Decimal, str]]:
    credit = document(reading, "customer_credit_note")
    assert isinstance(credit, Invoice)
    return [(line.description, line.quantity, line.unit_price, line.tax_code) for line in credit.lines]


def test_a_refund_credits_its_line_less_its_discount_share_and_its_shipping_once() -> None:
    reading = read_checked("refunds/create", refund())

    credit = document(reading, "customer_credit_note")
    assert isinstance(credit, Invoice)
    assert credit.refund and credit.reversed_external_id == "order-5630000000001"
    assert credit_lines(reading) == [
        ("[BEAN-1] Espresso beans 1kg", 1, Decimal("10.00"), "State Tax 6%"),
        # subtotal_set 8.33: the bag's share of the 5.00 code discount was never paid.
        ("Discount: [BEAN-1] Espresso beans 1kg", 1, Decimal("-1.67"), "State Tax 6%"),
        # refund_shipping_lines; the shipping_refund adjustment for the same 5.00 is not counted again.
        ("Shipping: Standard", 1, Decimal("5.00"), "State Tax 6%"),
    ]
    # 8.33 + 5.00 = 13.33, with their listed tax 0.50 + 0.30: 14.13, the money returned.
    assert credit.amount == Decimal("13.33")
    payment = document(reading, "payment")
    assert isinstance(payment, Payment)
    assert (payment.direction, payment.amount, payment.payment_method) == (
        "outbound",
        Decimal("14.13"),
        "shopify_payments",
    )
    assert payment.invoice_external_id == "refund-929361490"
    assert reading.note == ""


def test_a_refund_is_keyed_by_its_id_and_dated_when_it_was_processed() -> None:
    reading = read_checked("refunds/create", refund())
    credit, payment = reading.drafts
    assert credit.external_id == "refund-929361490"
    assert payment.external_id == "refund-929361490-payment-shopify_payments"
    assert credit.occurred_at == payment.occurred_at == datetime(2026, 11, 27, 14, 0, 2, tzinfo=UTC)
    assert credit.data["invoice_date"] == payment.data["date"] == "2026-11-27"
    assert credit.data["reference"] == "Shopify refund 929361490 of order 5630000000001"


def test_the_credit_note_reverses_the_invoice_its_order_became() -> None:
    invoice = read_checked("orders/paid", discounted_order()).drafts[0]
    credit = read_checked("refunds/create", refund()).drafts[0]
    assert credit.data["reversed_external_id"] == invoice.external_id
    # Credited as invoiced: same description, unit price and tax code.
    assert credit.data["lines"][0] == invoice.data["lines"][0] | {"quantity": "1"}


def test_a_refund_body_names_no_customer_so_its_partner_names_the_order() -> None:
    credit, payment = read_checked("refunds/create", refund()).drafts
    assert credit.data["partner"] == payment.data["partner"] == {"name": "Customer of Shopify order 5630000000001"}


def test_shipping_refunded_as_adjustments_before_2024_10_is_credited_as_their_net() -> None:
    # A refund as API versions before 2024-10 send it: no refund_shipping_lines, and a
    # shipping refund recorded, reversed and recorded again (-3.95 + 3.95 - 3.95).
    scarf = item(81, "Scarf", 1, "22.00", discounts=[{"amount": "5.50", "discount_application_index": 0}])
    scarf["taxable"] = False
    body = refund(
        refund_line_items=[
            {"id": 1, "quantity": 1, "subtotal": 16.5, "subtotal_set": bag("16.50"), "line_item": scarf}
        ],
        order_adjustments=[
            {"kind": "shipping_refund", "amount": "-3.95", "amount_set": bag("-3.95"), "tax_amount": "0.00"},
            {"kind": "shipping_refund", "amount": "3.95", "amount_set": bag("3.95"), "tax_amount": "0.00"},
            {"kind": "shipping_refund", "amount": "-3.95", "amount_set": bag("-3.95"), "tax_amount": "0.00"},
        ],
        transactions=[transaction(2, "20.45")],
    )
    del body["refund_shipping_lines"]
    reading = read_checked("refunds/create", body)
    assert credit_lines(reading) == [
        ("Scarf", 1, Decimal("22.00"), ""),
        ("Discount: Scarf", 1, Decimal("-5.50"), ""),
        ("Shipping refund", 1, Decimal("3.95"), ""),
    ]
    assert reading.drafts[1].data["amount"] == "20.45"  # 16.50 + 3.95
    assert reading.note == ""


def test_refunding_less_than_the_lines_credits_less_by_the_discrepancy() -> None:
    # 8.33 + 0.50 + 5.00 + 0.30 = 14.13 calculated; 4.13 refunded, Shopify keeps +10.00.
    body = refund(transactions=[transaction(3, "4.13")])
    body["order_adjustments"].append(
        {"kind": "refund_discrepancy", "reason": "Restocking fee", "amount": "10.00", "amount_set": bag("10.00")}
    )
    reading = read_checked("refunds/create", body)
    assert credit_lines(reading)[-1] == ("Refund adjustment: Restocking fee", 1, Decimal("-10.00"), "")
    credit = document(reading, "customer_credit_note")
    assert credit.amount == Decimal("3.33")  # 13.33 - 10.00, and 3.33 + 0.80 of tax = 4.13 refunded
    assert reading.note == ""


def test_money_refunded_beyond_any_line_is_credited_on_its_own_line() -> None:
    # A goodwill refund (API 2024-10: an adjustment without a kind), its tax credited with it.
    body = refund(
        refund_line_items=[],
        refund_shipping_lines=[],
        order_adjustments=[
            {"reason": "customer", "amount_set": bag("-18.87"), "tax_amount_set": bag("-1.13"), "amount": "-18.87"}
        ],
        transactions=[transaction(4, "20.00")],
    )
    reading = read_checked("refunds/create", body, ShopifyOptions(refund_adjustment_account_code="4950"))
    assert reading.drafts[0].data["lines"] == [
        {"description": "Refund adjustment: customer", "quantity": "1", "unit_price": "20.00", "account_code": "4950"}
    ]
    assert reading.drafts[1].data["amount"] == "20.00"


def test_each_gateway_refunds_its_own_payment_and_failed_transactions_return_nothing() -> None:
    body = refund(
        transactions=[
            transaction(5, "10.00", gateway="gift_card"),
            transaction(6, "4.13"),
            transaction(7, "4.13", status="failure"),
            transaction(8, "14.13", kind="suggested_refund", status=""),
            transaction(9, "14.13", status="pending"),
        ]
    )
    reading = read_checked("refunds/create", body)
    payments = {d.external_id: d.data["amount"] for d in reading.drafts if d.kind == "payment"}
    assert payments == {
        "refund-929361490-payment-gift_card": "10.00",
        "refund-929361490-payment-shopify_payments": "4.13",
    }
    assert reading.note == ""


def test_a_refund_in_the_presentment_currency_credits_the_lines_and_drafts_no_payment_it_cannot_value() -> None:
    body = refund(transactions=[transaction(10, "13.05", currency="EUR")])
    reading = read_checked("refunds/create", body)
    assert [d.kind for d in reading.drafts] == ["customer_credit_note"]
    assert reading.note == (
        "refund 929361490: 1 refund transaction(s) in EUR, the order's presentment currency, say nothing of what they "
        "returned in the shop currency USD: no payment is drafted for them"
    )


def test_a_refund_returning_no_money_and_crediting_nothing_posts_nothing() -> None:
    restock_only = {"id": 11, "quantity": 1, "subtotal_set": bag("0.00"), "line_item": item(82, "Mug", 1, "8.00")}
    body = refund(refund_line_items=[restock_only], refund_shipping_lines=[], order_adjustments=[], transactions=[])
    reading = read_checked("refunds/create", body)
    assert reading.drafts == ()
    assert (
        reading.note == "refund 929361490 of order 5630000000001 returns no money and credits nothing: nothing to post"
    )


def test_money_returned_without_lines_is_a_payment_settling_nothing() -> None:
    body = refund(refund_line_items=[], refund_shipping_lines=[], order_adjustments=[])
    reading = read_checked("refunds/create", body)
    (payment,) = reading.drafts
    assert payment.kind == "payment" and "invoice_external_id" not in payment.data


def test_a_discounted_line_without_its_refunded_subtotal_is_unreadable() -> None:
    line = refund()["refund_line_items"][0]
    del line["subtotal"], line["subtotal_set"]
    with pytest.raises(Unreadable, match=r"^refund\.refund_line_items\[0\]\.subtotal_set: is missing, and the line"):
        read_checked("refunds/create", refund(refund_line_items=[line]))


def test_a_test_refund_posts_nothing_unless_the_source_takes_test_orders() -> None:
    test_payment = transaction(12, "14.13") | {"test": True}
    reading = read_checked("refunds/create", refund(transactions=[test_payment]))
    assert reading.drafts == ()
    assert reading.note == "refund 929361490 of order 5630000000001 is a test refund: nothing to post"
    taken = read_checked(
        "refunds/create", refund(transactions=[test_payment]), ShopifyOptions(include_test_orders=True)
    )
    assert len(taken.drafts) == 2


def test_the_credit_note_carries_the_sales_journal_and_accounts() -> None:
    options = ShopifyOptions(sales_journal="SHOP", sales_account_code="4000", shipping_account_code="4100")
    credit = read_checked("refunds/create", refund(), options).drafts[0]
    assert credit.data["journal"] == "SHOP"
    assert [line["account_code"] for line in credit.data["lines"]] == ["4000", "4000", "4100"]


def test_the_credit_note_reads_back_as_a_refund_of_its_invoice() -> None:
    credit = read_checked("refunds/create", refund()).drafts[0]
    doc = parse_document("customer_credit_note", credit.data)
    assert isinstance(doc, Invoice)
    assert (doc.kind, doc.move_type, doc.journal_key) == ("customer_credit_note", "out_refund", "customer_invoice")
