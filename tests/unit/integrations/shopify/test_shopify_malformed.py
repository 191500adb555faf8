"""Bodies the reader refuses, each naming its problem, and topics it does not read."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.shopify.payloads import read
from integrations.webhooks import Unhandled, Unreadable
from tests.unit.integrations.shopify.shopify_bodies import discounted_order, encode, read_checked, refund


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", r"^the body is not JSON: Expecting value"),
        (b"<html>hello</html>", r"^the body is not JSON: Expecting value"),
        (b'{"id": 1,', r"^the body is not JSON"),
        (b"\xff\xfe{}", r"^the body is not UTF-8 text \(byte 0\)$"),
        (b"[1, 2]", r"^order: the body must be a JSON object, not a JSON list$"),
        (b'{"id": 1, "id": 2}', r"the key 'id' appears twice in one object"),
        (b'{"id": NaN}', r"^the body is not JSON: NaN is not a number"),
        (b"[" * 100_000 + b"]" * 100_000, r"^the body is not JSON: it nests too deeply$"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_unreadable(body: bytes, message: str) -> None:
    with pytest.raises(Unreadable, match=message):
        read("orders/paid", body)


def _without(body: dict[str, Any], *path: str | int) -> dict[str, Any]:
    target: Any = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


def _with(body: dict[str, Any], value: Any, *path: str | int) -> dict[str, Any]:
    target: Any = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: _without(b, "id"), r"^order\.id: is missing$"),
        (lambda b: _with(b, True, "id"), r"^order\.id: must be an integer id$"),
        (lambda b: _with(b, 1.5, "id"), r"^order\.id: must be an integer id$"),
        (lambda b: _with(b, "12a", "id"), r"^order\.id: '12a' is not a Shopify id$"),
        (lambda b: _without(b, "currency"), r"^order\.currency: is missing$"),
        (lambda b: _without(b, "line_items"), r"^order\.line_items: is missing$"),
        (lambda b: _with(b, [], "line_items"), r"^order\.line_items: is empty$"),
        (lambda b: _with(b, {"0": {}}, "line_items"), r"^order\.line_items: must be a list$"),
        (lambda b: _with(b, ["x"], "line_items"), r"^order\.line_items\[0\]: must be an object$"),
        (
            lambda b: _with(b, "ten", "line_items", 0, "price_set", "shop_money", "amount"),
            r"^order\.line_items\[0\]\.price_set\.shop_money\.amount: 'ten' is not a decimal number$",
        ),
        (
            lambda b: _with(b, "1,000.00", "line_items", 0, "price_set", "shop_money", "amount"),
            r"^order\.line_items\[0\]\.price_set\.shop_money\.amount: '1,000.00' is not a decimal number$",
        ),
        (
            lambda b: _with(b, "10.005", "line_items", 0, "price_set", "shop_money", "amount"),
            r"price_set\.shop_money\.amount: 10\.005 has more than 2 decimal places",
        ),
        (
            lambda b: _with(b, True, "line_items", 0, "price_set", "shop_money", "amount"),
            r"price_set\.shop_money\.amount: must be a decimal number, not true$",
        ),
        (
            lambda b: _without(b, "line_items", 0, "price_set", "shop_money", "amount"),
            r"^order\.line_items\[0\]\.price_set\.shop_money\.amount: is missing$",
        ),
        (
            lambda b: _with(b, "EUR", "line_items", 0, "price_set", "shop_money", "currency_code"),
            r"^order\.line_items\[0\]\.price_set\.shop_money\.currency_code: 'EUR' is not the shop currency USD$",
        ),
        (
            lambda b: _without(_without(b, "line_items", 0, "price_set"), "line_items", 0, "price"),
            r"^order\.line_items\[0\]\.price: is missing \(and so is price_set\)$",
        ),
        (
            lambda b: _with(b, 1.5, "line_items", 0, "quantity"),
            r"^order\.line_items\[0\]\.quantity: 1\.5 is not a whole number of items$",
        ),
        (
            lambda b: _with(b, "2026-11-20 10:15", "processed_at"),
            r"^order\.processed_at: '2026-11-20 10:15' has no time-zone offset$",
        ),
        (lambda b: _with(b, "yesterday", "processed_at"), r"^order\.processed_at: 'yesterday' is not an ISO 8601"),
        (
            lambda b: _without(b, "line_items", 0, "tax_lines", 0, "rate"),
            r"^order\.line_items\[0\]\.tax_lines\[0\]\.rate: is missing$",
        ),
        (
            lambda b: _with(b, "gift_card", "payment_gateway_names"),
            r"payment_gateway_names: must be a list of strings$",
        ),
        (lambda b: _with(b, "yes", "test"), r"^order\.test: must be true or false$"),
        (
            lambda b: _with(b, {"id": 0}, "customer"),
            r"^order\.customer\.id: 0 is not a Shopify id$",
        ),
    ],
)
def test_an_order_with_a_field_missing_or_malformed_is_unreadable_naming_the_field(change: Any, message: str) -> None:
    with pytest.raises(Unreadable, match=message):
        read("orders/paid", encode(change(discounted_order())))


def test_an_unpaid_order_without_a_financial_status_is_unreadable() -> None:
    with pytest.raises(Unreadable, match=r"^order\.financial_status: is missing$"):
        read("orders/create", encode(_without(discounted_order(), "financial_status")))


def test_a_float_in_the_json_is_read_as_the_decimal_it_was_written_as() -> None:
    # 19.99 as a binary float is 19.989999999999998436805981327779591083526611328125.
    body = encode(discounted_order()).replace(
        b'"price": "89.99", "price_set": {"shop_money": {"amount": "89.99"',
        (b'"price": 89.99, "price_set": {"shop_money": {"amount": 89.99'),
    )
    assert b'"amount": 89.99,' in body
    reading = read_checked("orders/paid", body)
    assert reading.drafts[0].data["lines"][2]["unit_price"] == "89.99"
    assert reading.note == ""


def test_an_amount_too_large_for_the_console_is_unreadable() -> None:
    body = encode(discounted_order()).replace(b'"amount": "89.99"', b'"amount": 1e300', 1)
    with pytest.raises(Unreadable, match=r"price_set\.shop_money\.amount: 1\.000e\+300 is too large for an amount$"):
        read("orders/paid", body)


def test_what_the_canonical_reader_refuses_is_unreadable_naming_the_draft_and_the_field() -> None:
    body = discounted_order()
    body["line_items"][1]["name"] = "x" * 1001
    with pytest.raises(
        Unreadable,
        match=r"^order-5630000000001 \(customer_invoice\): data\.lines\[2\]\.description: is longer than 1000 ",
    ):
        read("orders/paid", encode(body))
    with pytest.raises(
        Unreadable, match=r"^order-5630000000001 \(customer_invoice\): data\.currency: must be an active"
    ):
        read("orders/paid", encode(discounted_order()).replace(b'"USD"', b'"XXX"'))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: _without(b, "order_id"), r"^refund\.order_id: is missing$"),
        (lambda b: _with(b, "x", "transactions"), r"^refund\.transactions: must be a list$"),
        (lambda b: _without(b, "transactions", 0, "gateway"), r"^refund\.transactions\[0\]\.gateway: is missing$"),
        (
            lambda b: _without(b, "refund_line_items", 0, "line_item"),
            r"^refund\.refund_line_items\[0\]\.line_item: is missing$",
        ),
        (
            lambda b: _with(b, "-", "refund_shipping_lines", 0, "subtotal_amount_set", "shop_money", "amount"),
            r"^refund\.refund_shipping_lines\[0\]\.subtotal_amount_set\.shop_money\.amount: '-' is not a decimal",
        ),
        (lambda b: _without(_without(b, "processed_at"), "created_at"), r"^refund\.processed_at: is missing$"),
    ],
)
def test_a_refund_with_a_field_missing_or_malformed_is_unreadable_naming_the_field(change: Any, message: str) -> None:
    with pytest.raises(Unreadable, match=message):
        read("refunds/create", encode(change(refund())))


def test_a_refund_whose_amounts_name_no_currency_is_unreadable() -> None:
    bare = {"id": 1, "order_id": 2, "created_at": "2026-11-27T09:00:00-05:00", "order_adjustments": []}
    with pytest.raises(Unreadable, match=r"^refund: no amount names its currency"):
        read("refunds/create", encode(bare))


def test_an_edited_order_reports_its_invoice_changed_and_drafts_nothing() -> None:
    edit = {"order_edit": {"id": 78912, "order_id": 5630000000001, "line_items": {"additions": [], "removals": []}}}
    reading = read_checked("orders/edited", edit)
    assert reading.drafts == ()
    assert reading.changed == ("order-5630000000001",)
    assert reading.note == "order 5630000000001 was edited after it was placed: its invoice is reported changed"


def test_an_edit_body_that_is_not_an_order_edit_is_unreadable() -> None:
    with pytest.raises(Unreadable, match=r"^body\.order_edit: is missing$"):
        read("orders/edited", encode(discounted_order()))
    with pytest.raises(Unreadable, match=r"^order_edit\.order_id: is missing$"):
        read("orders/edited", encode({"order_edit": {"id": 1}}))


@pytest.mark.parametrize("topic", ["products/create", "orders/fulfilled", "Orders/Create", "orders/create ", ""])
def test_a_topic_the_console_does_not_read_is_unhandled_before_the_body_is_read(topic: str) -> None:
    with pytest.raises(Unhandled, match=r"is not one the console reads \(orders/create, orders/paid"):
        read(topic, b"not even JSON")
