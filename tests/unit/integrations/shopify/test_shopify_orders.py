"""Order bodies into a customer invoice and its payment: discounts, taxes, partners,
currencies, financial states and topics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from integrations.canonical import MAX_CODE, Invoice, Payment, parse_document
from integrations.shopify.options import ShopifyOptions
from tests.unit.integrations.shopify.shopify_bodies import (
    CUSTOMER,
    allocation,
    bag,
    discounted_order,
    document,
    item,
    order,
    read_checked,
    shipping,
    tax_line,
)


def lines_of(invoice: Invoice) -> list[tuple[str, Decimal, Decimal, str]]:
    return [(line.description, line.quantity, line.unit_price, line.tax_code) for line in invoice.lines]


def test_a_discount_is_its_own_negative_line_and_the_lines_add_up_to_what_shopify_charged() -> None:
    reading = read_checked("orders/paid", discounted_order())

    invoice = document(reading, "customer_invoice")
    assert isinstance(invoice, Invoice)
    assert lines_of(invoice) == [
        ("[BEAN-1] Espresso beans 1kg", 3, Decimal("10.00"), "State Tax 6%"),
        # 5.00 over 3 bags has no exact unit price: the discount keeps its own line.
        ("Discount SAVE5: [BEAN-1] Espresso beans 1kg", 1, Decimal("-5.00"), "State Tax 6%"),
        ("[GR-2] Burr grinder", 1, Decimal("89.99"), "State Tax 6%"),
        ("Shipping: Standard", 1, Decimal("7.50"), "State Tax 6%"),
        ("Discount Shipping 2.50 off: Shipping: Standard", 1, Decimal("-2.50"), "State Tax 6%"),
    ]
    # 30.00 - 5.00 + 89.99 + 7.50 - 2.50 = 119.99, and 119.99 + total_tax 7.20 = total_price 127.19.
    assert invoice.amount == Decimal("119.99")
    assert invoice.amount + Decimal("7.20") == Decimal("127.19")
    payment = document(reading, "payment")
    assert isinstance(payment, Payment)
    assert payment.amount == Decimal("127.19") and payment.payment_method == "shopify_payments"
    assert reading.note == ""


def test_keys_dates_and_reference_come_from_the_order_not_from_the_delivery() -> None:
    reading = read_checked("orders/paid", discounted_order(processed_at="2026-11-30T21:30:00-05:00"))
    invoice, payment = reading.drafts
    assert invoice.external_id == "order-5630000000001"
    assert payment.external_id == "order-5630000000001-payment"
    assert payment.data["invoice_external_id"] == "order-5630000000001"
    # Stored in UTC; the invoice is dated on the shop's own calendar day.
    assert invoice.occurred_at == payment.occurred_at == datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
    assert invoice.data["invoice_date"] == payment.data["date"] == "2026-11-30"
    assert invoice.data["reference"] == payment.data["reference"] == "#1042"


def test_created_at_dates_an_order_without_processed_at() -> None:
    reading = read_checked("orders/paid", discounted_order(processed_at=None))
    assert reading.drafts[0].occurred_at == datetime(2026, 11, 20, 15, 14, 58, tzinfo=UTC)


def test_every_topic_that_brings_the_paid_order_brings_the_same_drafts() -> None:
    created = read_checked("orders/create", discounted_order())
    paid = read_checked("orders/paid", discounted_order(financial_status="paid"))
    # Later: fulfilled, part refunded, its current_* totals lower; the sale is the same.
    later = discounted_order(
        financial_status="partially_refunded",
        fulfillment_status="fulfilled",
        updated_at="2026-11-27T09:00:05-05:00",
        current_total_price="113.06",
        current_total_price_set=bag("113.06"),
    )
    updated = read_checked("orders/updated", later)
    refunded = read_checked("orders/updated", discounted_order(financial_status="refunded"))
    assert created.drafts == paid.drafts == updated.drafts == refunded.drafts
    assert len(created.drafts) == 2


def test_an_orders_paid_delivery_is_paid_whatever_state_its_body_caught() -> None:
    reading = read_checked("orders/paid", discounted_order(financial_status="pending"))
    assert [d.kind for d in reading.drafts] == ["customer_invoice", "payment"]


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("pending", "is pending payment"),
        ("authorized", "is authorized but its payment is not captured"),
        ("partially_paid", "is only partially paid"),
        ("voided", "had its payment authorization voided"),
        ("expired", "had its payment authorization expire"),
        ("unpaid", "has the financial status 'unpaid'"),
    ],
)
def test_an_order_not_yet_paid_posts_nothing_and_says_why(status: str, says: str) -> None:
    for topic in ("orders/create", "orders/updated"):
        reading = read_checked(topic, discounted_order(financial_status=status))
        assert reading.drafts == ()
        assert reading.note == f"order #1042 {says}: nothing posts until Shopify reports it paid"


def test_an_order_cancelled_after_it_was_paid_still_has_its_sale_for_its_refund_to_credit() -> None:
    reading = read_checked("orders/cancelled", discounted_order(financial_status="refunded", cancel_reason="customer"))
    assert reading.drafts == read_checked("orders/paid", discounted_order()).drafts
    assert reading.note == "order #1042 was cancelled after it was paid: its refund (refunds/create) credits it"


def test_an_orders_updated_delivery_reports_no_change_by_itself() -> None:
    # Shopify sends orders/updated for every change, fulfilment included; a changed sale
    # shows as drafts of different content under the same keys.
    assert read_checked("orders/updated", discounted_order()).changed == ()
    assert read_checked("orders/updated", discounted_order(financial_status="pending")).changed == ()


def test_prices_including_tax_are_the_unit_prices_and_the_lines_add_up_to_the_total() -> None:
    # A UK shop: 2 x 12.00 with 20% VAT inside (4.00), shipping 3.60 with 0.60 inside.
    body = order(
        currency="GBP",
        taxes_included=True,
        line_items=[item(21, "Tea tin", 2, "12.00", currency="GBP", taxes=[tax_line("GB VAT", 0.2, "4.00", "GBP")])],
        shipping_lines=[shipping("Royal Mail", "3.60", currency="GBP", taxes=[tax_line("GB VAT", 0.2, "0.60", "GBP")])],
        total_price="27.60",
        total_tax="4.60",
    )
    invoice = document(read_checked("orders/paid", body), "customer_invoice")
    assert isinstance(invoice, Invoice)
    assert invoice.currency == "GBP"
    assert lines_of(invoice) == [
        ("Tea tin", 2, Decimal("12.00"), "GB VAT 20%"),
        ("Shipping: Royal Mail", 1, Decimal("3.60"), "GB VAT 20%"),
    ]
    assert invoice.amount == Decimal("27.60")  # the tax is inside: lines = total_price


def test_a_line_taxed_twice_carries_both_taxes_in_one_code_whatever_their_order() -> None:
    state, county = tax_line("State Tax", 0.06, "6.00"), tax_line("County Tax", 0.01, "1.00")
    codes = set()
    for taxes in ([state, county], [county, state]):
        body = order(line_items=[item(31, "Kettle", 1, "100.00", taxes=taxes)], total_price="107.00", total_tax="7.00")
        reading = read_checked("orders/paid", body)
        invoice = document(reading, "customer_invoice")
        assert isinstance(invoice, Invoice)
        codes.add(invoice.lines[0].tax_code)
        assert reading.note == ""
    assert codes == {"County Tax 1% + State Tax 6%"}


def test_a_tax_code_too_long_for_a_code_keeps_its_start_and_a_digest_of_the_whole() -> None:
    def code_of(*titles: str) -> str:
        taxes = [tax_line(title, 0.0125, "1.25") for title in titles]
        body = order(line_items=[item(32, "Lamp", 1, "100.00", taxes=taxes)], total_price="102.50", total_tax="2.50")
        invoice = document(read_checked("orders/paid", body), "customer_invoice")
        assert isinstance(invoice, Invoice)
        return invoice.lines[0].tax_code

    long_one = code_of("Jefferson County Transit District Tax", "Louisville Metro Occupational Tax")
    other = code_of("Jefferson County Transit District Tax", "Louisville Metro Occupational Levy")
    assert len(long_one) == MAX_CODE and long_one.startswith("Jefferson County Transit District Tax 1.25% + ")
    assert long_one != other
    assert long_one == code_of("Louisville Metro Occupational Tax", "Jefferson County Transit District Tax")


def test_no_tax_code_where_shopify_charged_no_tax() -> None:
    zero = tax_line("GB VAT", 0.2, "0.00")
    body = order(
        line_items=[
            item(41, "Gift wrap", 1, "3.00", taxes=[zero]),  # listed at 0.00: exempt
            item(42, "Book", 1, "9.00", taxes=[tax_line("State Tax", 0.06, "0.54")], taxable=False),
            item(43, "Pen", 1, "2.00", taxes=[tax_line("VAT 20%", 0.2, "0.40")]),  # the title says the rate
        ],
        total_price="14.40",
        total_tax="0.40",
    )
    invoice = document(read_checked("orders/paid", body), "customer_invoice")
    assert isinstance(invoice, Invoice)
    assert [line.tax_code for line in invoice.lines] == ["", "", "VAT 20%"]


def test_a_zero_decimal_shop_currency_reads_whole_yen_exactly() -> None:
    # Prices include 8% and 10% consumption tax; one price arrives as a JSON integer.
    body = order(
        currency="JPY",
        taxes_included=True,
        line_items=[
            item(
                51, "Matcha 100g", 2, "1500", currency="JPY", taxes=[tax_line("JP Consumption Tax", 0.08, "222", "JPY")]
            )
        ],
        shipping_lines=[
            shipping("Yamato", "500", currency="JPY", taxes=[tax_line("JP Consumption Tax", 0.1, "45", "JPY")])
        ],
        total_price="3500",
        total_tax="267",
    )
    body["shipping_lines"][0]["price_set"]["shop_money"]["amount"] = 500
    reading = read_checked("orders/paid", body)
    invoice, payment = (document(reading, "customer_invoice"), document(reading, "payment"))
    assert isinstance(invoice, Invoice) and isinstance(payment, Payment)
    assert invoice.currency == payment.currency == "JPY"
    assert lines_of(invoice) == [
        ("Matcha 100g", 2, Decimal("1500"), "JP Consumption Tax 8%"),
        ("Shipping: Yamato", 1, Decimal("500"), "JP Consumption Tax 10%"),
    ]
    assert invoice.amount == payment.amount == Decimal("3500")  # 2 x 1500 + 500, tax inside
    assert all(line.unit_price == line.unit_price.to_integral_value() for line in invoice.lines)
    assert reading.note == ""


def test_the_customer_is_the_partner_by_shopify_id() -> None:
    invoice, payment = read_checked("orders/paid", discounted_order()).drafts
    partner = {"name": "Ana Diaz", "email": "ana.diaz@example.com", "ref": "shopify-customer-115310627314723954"}
    assert invoice.data["partner"] == payment.data["partner"] == partner


def test_a_customer_without_a_name_is_named_from_what_the_order_has() -> None:
    nameless = {"id": CUSTOMER["id"], "email": "ana.diaz@example.com", "default_address": {"name": "A. Diaz"}}
    reading = read_checked("orders/paid", discounted_order(customer=nameless))
    assert reading.drafts[0].data["partner"]["name"] == "A. Diaz"
    bare = {"id": CUSTOMER["id"]}  # names and email withheld (protected customer data)
    reading = read_checked("orders/paid", discounted_order(customer=bare, email=None, billing_address=None))
    assert reading.drafts[0].data["partner"] == {
        "name": "Shopify customer 115310627314723954",
        "ref": "shopify-customer-115310627314723954",
    }


def test_a_guest_checkout_is_a_partner_by_email_and_a_walk_in_the_shared_guest() -> None:
    reading = read_checked("orders/paid", discounted_order(customer=None))
    assert reading.drafts[0].data["partner"] == {"name": "Ana Diaz", "email": "ana.diaz@example.com"}
    walk_in = discounted_order(customer={}, email=None, contact_email=None, billing_address=None)
    assert read_checked("orders/paid", walk_in).drafts[0].data["partner"] == {
        "name": "Shopify guest",
        "ref": "shopify-guest",
    }
    named = read_checked("orders/paid", walk_in, ShopifyOptions(guest_partner_name="Counter sales"))
    assert named.drafts[0].data["partner"]["name"] == "Counter sales"


def test_an_order_paid_through_several_gateways_has_its_invoice_and_no_guessed_payment() -> None:
    reading = read_checked("orders/paid", discounted_order(payment_gateway_names=["gift_card", "shopify_payments"]))
    assert [d.kind for d in reading.drafts] == ["customer_invoice"]
    assert reading.note == (
        "order #1042 was paid through several gateways (gift_card, shopify_payments) and its body does not say how "
        "much each took: no payment is drafted, the invoice stays open"
    )


def test_an_order_without_a_gateway_or_charging_nothing_has_no_payment() -> None:
    none = read_checked("orders/paid", discounted_order(payment_gateway_names=[]))
    assert [d.kind for d in none.drafts] == ["customer_invoice"]
    assert none.note == "order #1042 names no payment gateway: no payment is drafted, the invoice stays open"
    free = order(
        line_items=[item(61, "Sample", 1, "4.00", discounts=[allocation(0, "4.00")])],
        discount_applications=[{"type": "manual", "title": "Free sample"}],
        total_price="0.00",
        total_tax="0.00",
    )
    reading = read_checked("orders/paid", free)
    assert [d.kind for d in reading.drafts] == ["customer_invoice"]
    assert reading.note == "order #1042 charged nothing: no payment to post"


def test_the_legacy_gateway_field_names_the_payment_method() -> None:
    body = discounted_order(gateway="paypal")
    del body["payment_gateway_names"]
    assert read_checked("orders/paid", body).drafts[1].data["payment_method"] == "paypal"


def test_a_test_order_posts_nothing_unless_the_source_takes_test_orders() -> None:
    reading = read_checked("orders/paid", discounted_order(test=True))
    assert reading.drafts == () and reading.note == "order #1042 is a test order: nothing to post"
    taken = read_checked("orders/paid", discounted_order(test=True), ShopifyOptions(include_test_orders=True))
    assert len(taken.drafts) == 2


def test_options_name_the_journal_and_the_accounts_of_each_kind_of_line() -> None:
    body = discounted_order()
    body["line_items"].append(item(13, "Gift card 25", 1, "25.00", gift_card=True, taxable=False))
    body["total_price"], body["total_price_set"] = "152.19", bag("152.19")
    options = ShopifyOptions(
        sales_journal="SHOP",
        sales_account_code="4000",
        gift_card_account_code="2450",
        shipping_account_code="4100",
        discount_account_code="4900",
    )
    invoice = read_checked("orders/paid", body, options).drafts[0]
    assert invoice.data["journal"] == "SHOP"
    assert [(line["description"][:18], line.get("account_code")) for line in invoice.data["lines"]] == [
        ("[BEAN-1] Espresso ", "4000"),
        ("Discount SAVE5: [B", "4900"),
        ("[GR-2] Burr grinde", "4000"),
        ("Gift card 25", "2450"),
        ("Shipping: Standard", "4100"),
        ("Discount Shipping ", "4900"),
    ]


def test_without_a_discount_account_a_discount_books_to_its_lines_account() -> None:
    options = ShopifyOptions(sales_account_code="4000", shipping_account_code="4100")
    lines = read_checked("orders/paid", discounted_order(), options).drafts[0].data["lines"]
    assert [line["account_code"] for line in lines] == ["4000", "4000", "4000", "4100", "4100"]
    defaults = read_checked("orders/paid", discounted_order()).drafts[0].data
    assert "journal" not in defaults and all("account_code" not in line for line in defaults["lines"])


def test_a_removed_shipping_line_and_a_removed_item_are_not_invoiced() -> None:
    body = discounted_order()
    body["shipping_lines"].append(shipping("Express", "15.00", is_removed=True))
    body["line_items"].append(item(14, "Cancelled mug", 0, "8.00"))
    reading = read_checked("orders/paid", body)
    descriptions = [line["description"] for line in reading.drafts[0].data["lines"]]
    assert "Shipping: Express" not in descriptions and "Cancelled mug" not in descriptions
    assert reading.note == ""


def test_a_line_discount_before_discount_allocations_is_read_from_total_discount() -> None:
    legacy = {"id": 71, "title": "Scarf", "quantity": 2, "price": "20.00", "total_discount": "4.00", "tax_lines": []}
    body = order(line_items=[legacy], total_price="36.00", total_tax="0.00")
    invoice = document(read_checked("orders/paid", body), "customer_invoice")
    assert isinstance(invoice, Invoice)
    assert lines_of(invoice) == [("Scarf", 2, Decimal("20.00"), ""), ("Discount: Scarf", 1, Decimal("-4.00"), "")]


def test_totals_that_disagree_with_the_lines_are_noted_and_the_payment_is_what_was_charged() -> None:
    # Duties, which the reader does not invoice, are in Shopify's total.
    body = discounted_order()
    body["total_price"], body["total_price_set"] = "139.19", bag("139.19")
    reading = read_checked("orders/paid", body)
    assert reading.note == (
        "order #1042: its lines, shipping and tax add up to 127.19 USD but Shopify's total_price is 139.19: "
        "the invoice follows the lines, the payment what was charged"
    )
    assert reading.drafts[1].data["amount"] == "139.19"


def test_the_invoice_and_payment_read_back_as_the_documents_they_describe() -> None:
    reading = read_checked("orders/paid", discounted_order())
    invoice = parse_document("customer_invoice", reading.drafts[0].data)
    payment = parse_document("payment", reading.drafts[1].data)
    assert isinstance(invoice, Invoice) and isinstance(payment, Payment)
    assert (invoice.invoice_date, invoice.journal_key, invoice.due_date) == (
        date(2026, 11, 20),
        "customer_invoice",
        None,
    )
    assert (payment.direction, payment.invoice_source, payment.partner) == ("inbound", "", invoice.partner)
