"""An order body (orders/create, orders/paid, orders/updated, orders/cancelled) into a
customer invoice and the payment settling it, once the order is paid.

The drafts depend only on what an order was sold for, never on the topic or on
what happened to it since (refunds, fulfilments), so every topic that brings a paid
order brings the same drafts under the same keys, and the console posts them once:
the lines' `quantity` and the `total_price` are the order's original ones (Shopify
reports later changes in `current_*` fields and as refunds), and `processed_at` is
when the order was placed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from integrations.shopify import fields, lines
from integrations.shopify.documents import invoice_data, payment_data
from integrations.shopify.options import ShopifyOptions
from integrations.shopify.taxes import tax_code
from integrations.webhooks import Draft, Reading, Unreadable

# Money has been taken: the sale is made. Refunds come as refunds/create and credit it.
PAID = frozenset({"paid", "partially_refunded", "refunded"})
# Not (yet) money: an authorization can be voided and a pending payment never come,
# and nothing would reverse an invoice posted for them. Shopify sends orders/paid
# when the money is captured. A partially paid order waits too: its body does not
# say how much was paid, and orders/paid brings the whole payment.
NOT_PAID = {
    "pending": "is pending payment",
    "authorized": "is authorized but its payment is not captured",
    "partially_paid": "is only partially paid",
    "voided": "had its payment authorization voided",
    "expired": "had its payment authorization expire",
}


def invoice_key(order_id: str) -> str:
    return f"order-{order_id}"


def payment_key(order_id: str) -> str:
    return f"order-{order_id}-payment"


def read_order(topic: str, order: Mapping[str, Any], options: ShopifyOptions) -> Reading:
    path = "order"
    order_id = fields.ident(order, "id", path)
    name = _name(order, order_id)
    if fields.flag(order, "test", path) and not options.include_test_orders:
        return Reading(note=f"order {name} is a test order: nothing to post")
    status = fields.text(order, "financial_status", path)
    # The topic itself says the order is paid, whatever state its body caught.
    paid = topic == "orders/paid" or status in PAID
    if not paid:
        if not status:
            raise Unreadable(f"{path}.financial_status: is missing")
        if topic == "orders/cancelled":
            return Reading(note=f"order {name} was cancelled before it was paid: nothing to post")
        state = NOT_PAID.get(status, f"has the financial status {status!r}")
        return Reading(note=f"order {name} {state}: nothing posts until Shopify reports it paid")
    drafts, notes = _paid_order(order, order_id, name, options)
    if topic == "orders/cancelled":
        notes.insert(0, f"order {name} was cancelled after it was paid: its refund (refunds/create) credits it")
    return Reading(drafts=tuple(drafts), note="; ".join(notes))


def _name(order: Mapping[str, Any], order_id: str) -> str:
    name = fields.text(order, "name", "order")
    if name:
        return name
    number = order.get("order_number")
    return f"#{number}" if isinstance(number, int) and not isinstance(number, bool) else order_id


def _paid_order(
    order: Mapping[str, Any], order_id: str, name: str, options: ShopifyOptions
) -> tuple[list[Draft], list[str]]:
    path = "order"
    currency = fields.text(order, "currency", path)
    if not currency:
        raise Unreadable(f"{path}.currency: is missing")
    placed = fields.moment(order, ("processed_at", "created_at"), path)
    partner = partner_of(order, path, options)
    invoice_lines = _item_lines(order, currency, options) + _shipping_lines(order, currency, options)
    data = invoice_data(
        partner=partner, currency=currency, moment=placed, reference=name, lines=invoice_lines, options=options
    )
    drafts = [Draft("customer_invoice", invoice_key(order_id), fields.utc(placed), data)]
    notes = []

    charged = fields.money(order, "total_price", path, currency)
    untaxed = lines.subtotal(invoice_lines)
    tax = fields.money(order, "total_tax", path, currency, required=False)
    # With prices including tax, the lines already hold it.
    expected = untaxed if fields.flag(order, "taxes_included", path) else untaxed + tax
    if expected != charged:
        notes.append(
            f"order {name}: its lines, shipping and tax add up to {expected} {currency} but Shopify's total_price "
            f"is {charged}: the invoice follows the lines, the payment what was charged"
        )

    gateways = _gateways(order, path)
    if charged <= 0:
        notes.append(f"order {name} charged nothing: no payment to post")
    elif len(gateways) == 1:
        payment = payment_data(
            partner=partner,
            currency=currency,
            amount=charged,
            moment=placed,
            direction="inbound",
            method=gateways[0],
            settles=invoice_key(order_id),
            reference=name,
        )
        drafts.append(Draft("payment", payment_key(order_id), fields.utc(placed), payment))
    elif not gateways:
        notes.append(f"order {name} names no payment gateway: no payment is drafted, the invoice stays open")
    else:
        notes.append(
            f"order {name} was paid through several gateways ({', '.join(gateways)}) and its body does not say how "
            "much each took: no payment is drafted, the invoice stays open"
        )
    return drafts, notes


def _gateways(order: Mapping[str, Any], path: str) -> list[str]:
    names = order.get("payment_gateway_names")
    if names is None:
        # Bodies from before payment_gateway_names carry the one `gateway`.
        single = fields.text(order, "gateway", path)
        return [single] if single else []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Unreadable(f"{path}.payment_gateway_names: must be a list of strings")
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _person(obj: Mapping[str, Any] | None, path: str) -> str:
    if not obj:
        return ""
    joined = " ".join(x for x in (fields.text(obj, "first_name", path), fields.text(obj, "last_name", path)) if x)
    return joined or fields.text(obj, "name", path)


def partner_of(order: Mapping[str, Any], path: str, options: ShopifyOptions) -> dict[str, str]:
    """The customer as partner: a Shopify customer by its id (ref `shopify-customer-<id>`,
    the same partner for all their orders); a guest checkout by its email (Odoo's partner
    look-up then meets the same guest again by email); neither: the shared guest partner."""
    email = fields.text(order, "email", path) or fields.text(order, "contact_email", path)
    billing = _person(fields.obj(order, "billing_address", path, required=False), f"{path}.billing_address")
    customer = fields.obj(order, "customer", path, required=False)
    if customer and customer.get("id") is not None:
        where = f"{path}.customer"
        customer_id = fields.ident(customer, "id", where)
        email = fields.text(customer, "email", where) or email
        address = fields.obj(customer, "default_address", where, required=False)
        name = (
            _person(customer, where)
            or _person(address, f"{where}.default_address")
            or billing
            or email
            or f"Shopify customer {customer_id}"
        )
        return _partner(name, email, f"shopify-customer-{customer_id}")
    if email:
        return _partner(billing or email, email, "")
    return _partner(options.guest_partner_name, "", "shopify-guest")


def _partner(name: str, email: str, ref: str) -> dict[str, str]:
    out = {"name": name}
    if email:
        out["email"] = email
    if ref:
        out["ref"] = ref
    return out


def _discount_label(order: Mapping[str, Any], allocation: Mapping[str, Any]) -> str:
    index = allocation.get("discount_application_index")
    applications = fields.items(order, "discount_applications", "order")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(applications):
        return ""
    app = applications[index]
    at = f"order.discount_applications[{index}]"
    return fields.text(app, "code", at) or fields.text(app, "title", at) or fields.text(app, "description", at)


def _discounts(
    order: Mapping[str, Any], owner: Mapping[str, Any], where: str, currency: str
) -> list[tuple[str, Decimal]]:
    """The (label, amount) of each discount allocated to a line item or shipping line."""
    if "discount_allocations" not in owner:
        # Bodies from before discount allocations carry one total per line.
        total = fields.money(owner, "total_discount", where, currency, required=False)
        return [("", total)] if total else []
    found = []
    for index, allocation in enumerate(fields.items(owner, "discount_allocations", where)):
        at = f"{where}.discount_allocations[{index}]"
        amount = fields.money(allocation, "amount", at, currency)
        if amount:
            found.append((_discount_label(order, allocation), amount))
    return found


def _item_lines(order: Mapping[str, Any], currency: str, options: ShopifyOptions) -> list[dict[str, str]]:
    items = fields.items(order, "line_items", "order", required=True)
    if not items:
        raise Unreadable("order.line_items: is empty")
    order_tax = ""
    if any("tax_lines" not in item for item in items):
        # Bodies from before line items carried their tax lines: the order's apply to each.
        order_tax = tax_code(fields.items(order, "tax_lines", "order"), "order.tax_lines", currency)
    out = []
    for index, item in enumerate(items):
        where = f"order.line_items[{index}]"
        count = fields.quantity(item, "quantity", where)
        if count == 0:
            continue
        description = lines.item_description(item, where)
        tax = lines.item_tax(item, where, currency, order_tax=order_tax)
        account = lines.item_account(item, where, options)
        out.append(lines.line(description, count, fields.money(item, "price", where, currency), tax, account))
        for label, amount in _discounts(order, item, where, currency):
            out.append(lines.discount(label, description, amount, tax, account, options))
    return out


def _shipping_lines(order: Mapping[str, Any], currency: str, options: ShopifyOptions) -> list[dict[str, str]]:
    out = []
    account = options.shipping_account_code or options.sales_account_code
    for index, shipping in enumerate(fields.items(order, "shipping_lines", "order")):
        where = f"order.shipping_lines[{index}]"
        # An order edit's removed shipping line stays in the body, marked (API 2024-04).
        if fields.flag(shipping, "is_removed", where):
            continue
        description = lines.shipping_description(shipping, where)
        tax = lines.shipping_tax(shipping, where, currency)
        out.append(lines.line(description, 1, fields.money(shipping, "price", where, currency), tax, account))
        for label, amount in _discounts(order, shipping, where, currency):
            out.append(lines.discount(label, description, amount, tax, account, options))
    return out
