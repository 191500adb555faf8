"""Canonical invoice lines from Shopify line items, shipping lines and discounts:
what an order's invoice and a refund's credit note share.

A canonical line has no discount field, so a discount is its own negative line
(quantity 1, the discounted amount), carrying the tax code of the line it
discounts: Odoo then taxes the discounted price, as Shopify did, and the lines add
up to exactly what Shopify charged for them, whatever the quantities.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from integrations.shopify import fields
from integrations.shopify.options import ShopifyOptions
from integrations.shopify.taxes import tax_code
from integrations.webhooks import Unreadable


def line(description: str, quantity: int, unit_price: Decimal, tax: str, account: str) -> dict[str, str]:
    out = {"description": description, "quantity": str(quantity), "unit_price": fields.amount_text(unit_price)}
    if tax:
        out["tax_code"] = tax
    if account:
        out["account_code"] = account
    return out


def subtotal(lines: list[dict[str, str]]) -> Decimal:
    """What the lines add up to (quantities are whole and prices in cents: exact)."""
    return sum((Decimal(x["quantity"]) * Decimal(x["unit_price"]) for x in lines), Decimal("0.00"))


def item_description(item: Mapping[str, Any], path: str) -> str:
    name = fields.text(item, "name", path) or fields.text(item, "title", path)
    if not name:
        raise Unreadable(f"{path}.title: is missing")
    sku = fields.text(item, "sku", path)
    return f"[{sku}] {name}" if sku else name


def item_account(item: Mapping[str, Any], path: str, options: ShopifyOptions) -> str:
    if fields.flag(item, "gift_card", path):
        return options.gift_card_account_code or options.sales_account_code
    return options.sales_account_code


def item_tax(item: Mapping[str, Any], path: str, currency: str, *, order_tax: str = "") -> str:
    """The tax code of a line item. `order_tax` is the code of the order's own tax lines,
    for bodies from before line items carried theirs (no `tax_lines` on the item)."""
    # `taxable` false means no tax whatever tax lines say (Shopify lists them at 0.00).
    if item.get("taxable") is False:
        return ""
    if "tax_lines" not in item:
        return order_tax
    return tax_code(fields.items(item, "tax_lines", path), f"{path}.tax_lines", currency)


def shipping_tax(shipping: Mapping[str, Any], path: str, currency: str) -> str:
    return tax_code(fields.items(shipping, "tax_lines", path), f"{path}.tax_lines", currency)


def shipping_description(shipping: Mapping[str, Any], path: str) -> str:
    title = fields.text(shipping, "title", path) or fields.text(shipping, "code", path)
    return f"Shipping: {title}" if title else "Shipping"


def discount(label: str, of: str, amount: Decimal, tax: str, account: str, options: ShopifyOptions) -> dict[str, str]:
    named = f"Discount {label}" if label else "Discount"
    return line(f"{named}: {of}", 1, -amount, tax, options.discount_account_code or account)
