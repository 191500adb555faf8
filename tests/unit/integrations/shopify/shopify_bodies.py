"""Shopify webhook bodies for the reader's tests: the real REST fixtures in
../shared/vectors/shopify (unwrapped: a webhook body is the bare object), and
bodies of the shape Shopify's current webhooks send (money bags, discount
allocations, per-line tax lines), with amounts chosen so their arithmetic can be
checked by hand in each test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from integrations.canonical import Invoice, Payment, parse_document
from integrations.shopify.options import ShopifyOptions
from integrations.shopify.payloads import read
from integrations.webhooks import Reading

# tests/unit/integrations/shopify/ -> the repository; ../shared sits beside it (CI and worktrees alike).
VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors" / "shopify"


def vector(name: str, wrapper: str) -> dict[str, Any]:
    """A fixture as a webhook body: the object inside its REST wrapper key."""
    wrapped = json.loads((VECTORS / name).read_text())
    body = wrapped[wrapper]
    return body[0] if isinstance(body, list) else body


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def read_checked(topic: str, body: dict[str, Any] | bytes, options: ShopifyOptions | None = None) -> Reading:
    """The reading, with every draft read back by the canonical reader the API uses."""
    raw = body if isinstance(body, bytes) else encode(body)
    reading = read(topic, raw) if options is None else read(topic, raw, options=options)
    for draft in reading.drafts:
        assert draft.occurred_at.utcoffset() is not None and draft.occurred_at.utcoffset().total_seconds() == 0
        parse_document(draft.kind, draft.data)
    return reading


def document(reading: Reading, kind: str, index: int = 0) -> Invoice | Payment:
    """The canonical document of the index-th draft of `kind`."""
    drafts = [d for d in reading.drafts if d.kind == kind]
    doc = parse_document(kind, drafts[index].data)
    assert isinstance(doc, Invoice | Payment)
    return doc


def bag(amount: str, currency: str = "USD", presentment: tuple[str, str] | None = None) -> dict[str, Any]:
    shown_amount, shown_currency = presentment or (amount, currency)
    return {
        "shop_money": {"amount": amount, "currency_code": currency},
        "presentment_money": {"amount": shown_amount, "currency_code": shown_currency},
    }


def tax_line(title: str, rate: float, amount: str, currency: str = "USD") -> dict[str, Any]:
    return {"title": title, "rate": rate, "price": amount, "price_set": bag(amount, currency)}


def allocation(index: int, amount: str, currency: str = "USD") -> dict[str, Any]:
    return {"amount": amount, "amount_set": bag(amount, currency), "discount_application_index": index}


def item(
    item_id: int,
    name: str,
    quantity: int,
    price: str,
    *,
    sku: str = "",
    taxes: list[dict[str, Any]] | None = None,
    discounts: list[dict[str, Any]] | None = None,
    currency: str = "USD",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": item_id,
        "title": name,
        "name": name,
        "sku": sku or None,
        "quantity": quantity,
        "current_quantity": quantity,
        "price": price,
        "price_set": bag(price, currency),
        "taxable": True,
        "gift_card": False,
        "tax_lines": taxes or [],
        "discount_allocations": discounts or [],
        **extra,
    }


def shipping(
    title: str,
    price: str,
    *,
    taxes: list[dict[str, Any]] | None = None,
    discounts: list[dict[str, Any]] | None = None,
    currency: str = "USD",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": 271878346596884015,
        "title": title,
        "code": title,
        "price": price,
        "price_set": bag(price, currency),
        "tax_lines": taxes or [],
        "discount_allocations": discounts or [],
        **extra,
    }


CUSTOMER = {"id": 115310627314723954, "email": "ana.diaz@example.com", "first_name": "Ana", "last_name": "Diaz"}


def order(
    *,
    line_items: list[dict[str, Any]],
    total_price: str,
    total_tax: str,
    shipping_lines: list[dict[str, Any]] | None = None,
    currency: str = "USD",
    **extra: Any,
) -> dict[str, Any]:
    """An order body as orders/create sends it; `extra` replaces any field."""
    body: dict[str, Any] = {
        "id": 5630000000001,
        "name": "#1042",
        "order_number": 1042,
        "email": "ana.diaz@example.com",
        "created_at": "2026-11-20T10:14:58-05:00",
        "processed_at": "2026-11-20T10:15:00-05:00",
        "updated_at": "2026-11-20T10:15:02-05:00",
        "currency": currency,
        "presentment_currency": currency,
        "financial_status": "paid",
        "fulfillment_status": None,
        "test": False,
        "taxes_included": False,
        "payment_gateway_names": ["shopify_payments"],
        "total_price": total_price,
        "total_price_set": bag(total_price, currency),
        "current_total_price": total_price,
        "current_total_price_set": bag(total_price, currency),
        "total_tax": total_tax,
        "total_tax_set": bag(total_tax, currency),
        "discount_applications": [],
        "line_items": line_items,
        "shipping_lines": shipping_lines or [],
        "billing_address": {"first_name": "Ana", "last_name": "Diaz", "name": "Ana Diaz"},
        "customer": dict(CUSTOMER),
    }
    body.update(extra)
    return body


def discounted_order(**extra: Any) -> dict[str, Any]:
    """Three bags of beans with a 5.00 code discount (not divisible by 3), a grinder, and
    shipping with a 2.50 shipping discount, all at State Tax 6% on top of the prices:

    beans 3 x 10.00 = 30.00 - 5.00 = 25.00, tax 1.50
    grinder 1 x 89.99 = 89.99,               tax 5.40 (5.3994)
    shipping 7.50 - 2.50 = 5.00,             tax 0.30
    untaxed 119.99 + tax 7.20 = total_price 127.19
    """
    return order(
        line_items=[
            item(
                11,
                "Espresso beans 1kg",
                3,
                "10.00",
                sku="BEAN-1",
                taxes=[tax_line("State Tax", 0.06, "1.50")],
                discounts=[allocation(0, "5.00")],
            ),
            item(12, "Burr grinder", 1, "89.99", sku="GR-2", taxes=[tax_line("State Tax", 0.06, "5.40")]),
        ],
        shipping_lines=[
            shipping("Standard", "7.50", taxes=[tax_line("State Tax", 0.06, "0.30")], discounts=[allocation(1, "2.50")])
        ],
        discount_applications=[
            {"type": "discount_code", "code": "SAVE5", "value": "5.0", "value_type": "fixed_amount"},
            {"type": "automatic", "title": "Shipping 2.50 off", "value": "2.5", "value_type": "fixed_amount"},
        ],
        total_price="127.19",
        total_tax="7.20",
        **extra,
    )


def refund(**extra: Any) -> dict[str, Any]:
    """A refund of one bag of beans and the shipping of `discounted_order`, as
    refunds/create sends it from API 2024-10 (refund_shipping_lines), with the legacy
    shipping_refund adjustment some versions still add for the same money:

    beans 1 x 10.00 less its share of the discount 1.67 = subtotal 8.33, tax 0.50
    shipping 5.00, tax 0.30
    refunded 8.33 + 0.50 + 5.00 + 0.30 = 14.13
    """
    body: dict[str, Any] = {
        "id": 929361490,
        "order_id": 5630000000001,
        "created_at": "2026-11-27T09:00:00-05:00",
        "processed_at": "2026-11-27T09:00:02-05:00",
        "note": "one bag arrived torn",
        "total_duties_set": bag("0.00"),
        "refund_line_items": [
            {
                "id": 1058498400,
                "line_item_id": 11,
                "quantity": 1,
                "restock_type": "return",
                "subtotal": 8.33,
                "subtotal_set": bag("8.33"),
                "total_tax": 0.5,
                "total_tax_set": bag("0.50"),
                "line_item": discounted_order()["line_items"][0],
            }
        ],
        "refund_shipping_lines": [
            {
                "id": 623176900,
                "shipping_line_id": 271878346596884015,
                "subtotal_amount_set": bag("5.00"),
                "tax_amount_set": bag("0.30"),
                "shipping_line": discounted_order()["shipping_lines"][0],
            }
        ],
        "order_adjustments": [
            {
                "id": 1030976900,
                "kind": "shipping_refund",
                "reason": "Shipping refund",
                "amount": "-5.00",
                "amount_set": bag("-5.00"),
                "tax_amount": "-0.30",
                "tax_amount_set": bag("-0.30"),
            }
        ],
        "transactions": [transaction(1068278600, "14.13")],
    }
    body.update(extra)
    return body


def transaction(
    transaction_id: int,
    amount: str,
    *,
    gateway: str = "shopify_payments",
    kind: str = "refund",
    status: str = "success",
    currency: str = "USD",
) -> dict[str, Any]:
    return {
        "id": transaction_id,
        "order_id": 5630000000001,
        "kind": kind,
        "gateway": gateway,
        "status": status,
        "amount": amount,
        "currency": currency,
        "test": False,
        "created_at": "2026-11-27T09:00:00-05:00",
    }
