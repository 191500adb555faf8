"""A refunds/create body into a customer credit note for what the refund returns
(lines, shipping, order adjustments) and an outbound payment per gateway for the
money it sent back.

A credit note's lines are positive, as an invoice's: the kind carries the sign. A
refunded line is credited as the invoice charged it (quantity x the line item's
price, with the tax code of its tax lines), less a discount line for the part of it
the customer never paid (`subtotal_set` is what the refund returns for the line).

Order adjustments: Shopify's refund = its lines and shipping minus its adjustments,
so an adjustment of -5.00 credits 5.00 (a shipping refund before API 2024-10, or
money refunded beyond the lines) and one of +10.00 credits 10.00 less (lines
refunded for less than they cost). An adjustment's tax (`tax_amount_set`) names no
tax, so it is credited with the adjustment on one line without a tax code.

A refund body names no customer: its credit note and payments carry a partner
named after the order (`Customer of Shopify order <id>`), to be taken from the
invoice they credit, `order-<id>` (see README "Shopify: what each topic becomes").
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from integrations.shopify import fields, lines
from integrations.shopify.documents import invoice_data, payment_data
from integrations.shopify.options import ShopifyOptions
from integrations.shopify.orders import invoice_key
from integrations.webhooks import Draft, Reading, Unreadable

# Where a refund's shop currency shows, newest API versions first.
_MONEY_BAGS = (
    ("refund_line_items", "subtotal"),
    ("refund_line_items", "total_tax"),
    ("refund_shipping_lines", "subtotal_amount"),
    ("order_adjustments", "amount"),
)


def credit_note_key(refund_id: str) -> str:
    return f"refund-{refund_id}"


def refund_payment_key(refund_id: str, gateway: str) -> str:
    return f"refund-{refund_id}-payment-{gateway}"


def read_refund(refund: Mapping[str, Any], options: ShopifyOptions) -> Reading:
    path = "refund"
    refund_id = fields.ident(refund, "id", path)
    order_id = fields.ident(refund, "order_id", path)
    transactions = fields.items(refund, "transactions", path)
    tests = [fields.flag(t, "test", f"{path}.transactions[{i}]") for i, t in enumerate(transactions)]
    if any(tests) and not options.include_test_orders:
        return Reading(note=f"refund {refund_id} of order {order_id} is a test refund: nothing to post")
    moment = fields.moment(refund, ("processed_at", "created_at"), path)
    currency = _currency(refund, transactions)
    partner = {"name": f"Customer of Shopify order {order_id}"}
    reference = f"Shopify refund {refund_id} of order {order_id}"

    credit_lines = _item_lines(refund, currency, options) + _shipping_lines(refund, currency, options)
    credit_lines += _adjustment_lines(refund, currency, options)
    credited = lines.subtotal(credit_lines)
    drafts = []
    notes = []
    if credit_lines and credited != 0:
        data = invoice_data(
            partner=partner, currency=currency, moment=moment, reference=reference, lines=credit_lines, options=options
        )
        data["reversed_external_id"] = invoice_key(order_id)
        drafts.append(Draft("customer_credit_note", credit_note_key(refund_id), fields.utc(moment), data))

    refunded, elsewhere = _refunded(transactions, currency)
    settles = credit_note_key(refund_id) if drafts else ""
    for gateway, amount in refunded.items():
        payment = payment_data(
            partner=partner,
            currency=currency,
            amount=amount,
            moment=moment,
            direction="outbound",
            method=gateway,
            settles=settles,
            reference=reference,
        )
        drafts.append(Draft("payment", refund_payment_key(refund_id, gateway), fields.utc(moment), payment))
    if elsewhere:
        notes.append(
            f"refund {refund_id}: {len(elsewhere)} refund transaction(s) in {', '.join(sorted(set(elsewhere)))}, the "
            f"order's presentment currency, say nothing of what they returned in the shop currency {currency}: no "
            "payment is drafted for them"
        )
    elif drafts and drafts[0].kind == "customer_credit_note":
        returned = sum(refunded.values(), Decimal("0.00"))
        with_tax = credited + _listed_tax(refund, currency)
        if returned not in (credited, with_tax):
            shown = f"{credited} {currency}" + (f" ({with_tax} with their tax)" if with_tax != credited else "")
            notes.append(f"refund {refund_id}: its lines add up to {shown} but its transactions returned {returned}")
    if not drafts:
        notes.append(f"refund {refund_id} of order {order_id} returns no money and credits nothing: nothing to post")
    return Reading(drafts=tuple(drafts), note="; ".join(notes))


def _currency(refund: Mapping[str, Any], transactions: list[Mapping[str, Any]]) -> str:
    found = fields.shop_currency_of(refund, "total_duties")
    for key, amount in _MONEY_BAGS:
        for item in fields.items(refund, key, "refund"):
            found = found or fields.shop_currency_of(item, amount)
    if found:
        return found
    # Bodies from before multi-currency carry amounts in the shop's currency only, and
    # a transaction says which.
    for index, transaction in enumerate(transactions):
        code = fields.text(transaction, "currency", f"refund.transactions[{index}]")
        if code:
            return code
    raise Unreadable("refund: no amount names its currency (no *_set money bag, no transaction currency)")


def _item_lines(refund: Mapping[str, Any], currency: str, options: ShopifyOptions) -> list[dict[str, str]]:
    out = []
    for index, refunded in enumerate(fields.items(refund, "refund_line_items", "refund")):
        where = f"refund.refund_line_items[{index}]"
        count = fields.quantity(refunded, "quantity", where)
        item = fields.obj(refunded, "line_item", where)
        assert item is not None
        at = f"{where}.line_item"
        price = fields.money(item, "price", at, currency)
        gross = count * price
        if "subtotal_set" in refunded or "subtotal" in refunded:
            returned = fields.money(refunded, "subtotal", where, currency)
        elif _was_discounted(item, at, currency):
            raise Unreadable(
                f"{where}.subtotal_set: is missing, and the line was discounted: what the refund returns for it is "
                "not in the body"
            )
        else:
            returned = gross
        if count == 0 or returned == 0:
            continue
        description = lines.item_description(item, at)
        tax = lines.item_tax(item, at, currency)
        account = lines.item_account(item, at, options)
        out.append(lines.line(description, count, price, tax, account))
        if returned != gross:
            out.append(lines.discount("", description, gross - returned, tax, account, options))
    return out


def _was_discounted(item: Mapping[str, Any], at: str, currency: str) -> bool:
    for index, allocation in enumerate(fields.items(item, "discount_allocations", at)):
        if fields.money(allocation, "amount", f"{at}.discount_allocations[{index}]", currency):
            return True
    return fields.money(item, "total_discount", at, currency, required=False) != 0


def _shipping_lines(refund: Mapping[str, Any], currency: str, options: ShopifyOptions) -> list[dict[str, str]]:
    out = []
    account = options.shipping_account_code or options.sales_account_code
    for index, refunded in enumerate(fields.items(refund, "refund_shipping_lines", "refund")):
        where = f"refund.refund_shipping_lines[{index}]"
        amount = fields.money(refunded, "subtotal_amount", where, currency)
        if amount == 0:
            continue
        shipping = fields.obj(refunded, "shipping_line", where, required=False) or {}
        at = f"{where}.shipping_line"
        description = lines.shipping_description(shipping, at)
        out.append(lines.line(description, 1, amount, lines.shipping_tax(shipping, at, currency), account))
    return out


def _adjustment_lines(refund: Mapping[str, Any], currency: str, options: ShopifyOptions) -> list[dict[str, str]]:
    out = []
    shipping_account = options.shipping_account_code or options.sales_account_code
    # Before API 2024-10, refunded shipping was an adjustment of kind shipping_refund;
    # some versions send both it and refund_shipping_lines for the same money.
    shipping_as_lines = bool(fields.items(refund, "refund_shipping_lines", "refund"))
    shipping = Decimal("0.00")
    for index, adjustment in enumerate(fields.items(refund, "order_adjustments", "refund")):
        where = f"refund.order_adjustments[{index}]"
        amount = fields.money(adjustment, "amount", where, currency)
        credit = -(amount + fields.money(adjustment, "tax_amount", where, currency, required=False))
        if fields.text(adjustment, "kind", where) == "shipping_refund":
            if not shipping_as_lines:
                shipping += credit
            continue
        if credit:
            reason = fields.text(adjustment, "reason", where)
            described = f"Refund adjustment: {reason}" if reason else "Refund adjustment"
            account = options.refund_adjustment_account_code or options.sales_account_code
            out.append(lines.line(described, 1, credit, "", account))
    if shipping:
        out.append(lines.line("Shipping refund", 1, shipping, "", shipping_account))
    return out


def _refunded(transactions: list[Mapping[str, Any]], currency: str) -> tuple[dict[str, Decimal], list[str]]:
    """The money each gateway sent back (successful refund transactions, in the shop
    currency), and the currencies of those in another one."""
    by_gateway: dict[str, Decimal] = {}
    elsewhere = []
    for index, transaction in enumerate(transactions):
        where = f"refund.transactions[{index}]"
        kind, status = fields.text(transaction, "kind", where), fields.text(transaction, "status", where)
        if kind != "refund" or status != "success":
            continue
        gateway = fields.text(transaction, "gateway", where)
        if not gateway:
            raise Unreadable(f"{where}.gateway: is missing")
        code = fields.text(transaction, "currency", where)
        if code and code != currency and "amount_set" not in transaction:
            elsewhere.append(code)
            continue
        amount = fields.money(transaction, "amount", where, currency)
        if amount:
            by_gateway[gateway] = by_gateway.get(gateway, Decimal("0.00")) + amount
    return {g: a for g, a in by_gateway.items() if a > 0}, elsewhere


def _listed_tax(refund: Mapping[str, Any], currency: str) -> Decimal:
    """The tax Shopify lists on the refund's lines and shipping (it is on top of them when
    the shop's prices exclude tax)."""
    total = Decimal("0.00")
    for key, tax in (("refund_line_items", "total_tax"), ("refund_shipping_lines", "tax_amount")):
        for index, refunded in enumerate(fields.items(refund, key, "refund")):
            total += fields.money(refunded, tax, f"refund.{key}[{index}]", currency, required=False)
    return total
