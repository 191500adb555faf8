"""Charges: the inbound payment a captured charge becomes, the fee entry of its balance
transaction when the event carries it expanded, and the outbound payments of its refunds.

A payment is keyed on the charge id whichever event brings it (charge.succeeded,
charge.captured, payment_intent.succeeded embedding the charge) and is built from the
charge's fields alone, its `occurred_at` and date from the charge's `created`: the same
charge gives the same draft byte for byte, which the console records once. A refund is
keyed on its id and dated by its own `created`, so the later charge.refunded events that
list it again give it unchanged.
"""

from __future__ import annotations

from typing import Any

from integrations.canonical import MAX_NAME
from integrations.stripe import money
from integrations.stripe.balance import balance_transaction, fee_lines
from integrations.stripe.drafts import Line, checked, journal_entry
from integrations.stripe.envelope import Envelope
from integrations.stripe.fields import Node
from integrations.stripe.notes import REFUND_NOT_POSTED
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Draft, Reading, Unreadable

CHARGE_PREFIXES = ("ch_", "py_")  # py_: charges of some bank-debit payment methods
REFUND_PREFIXES = ("re_", "pyr_")
# The partner of a charge that names no payer at all: one catch-all customer, not one per charge.
ANONYMOUS = "Stripe customer"
# Refunds in these states moved no money, or not yet: a person books or reverses them.
UNMOVED_REFUNDS = ("failed", "canceled", "requires_action")


def partner(charge: Node) -> dict[str, str]:
    """Who paid: the billing details' name and email, the customer id as the partner's ref
    (so every charge of one Stripe customer finds the same Odoo partner)."""
    billing = charge.optional_node("billing_details")
    name = billing.text("name", required=False).strip() if billing else ""
    email = (billing.text("email", required=False) if billing else "") or charge.text("receipt_email", required=False)
    customer = charge.expandable_id("customer")
    found = {"name": (name or email or customer or ANONYMOUS)[:MAX_NAME]}
    if email:
        found["email"] = email
    if customer:
        found["ref"] = customer
    return found


def _invoice_link(charge: Node, options: StripeOptions) -> dict[str, str]:
    if not options.invoice_metadata_key:
        return {}
    metadata = charge.optional_node("metadata")
    value: Any = metadata.get(options.invoice_metadata_key) if metadata else None
    if value is None or (isinstance(value, str) and not value.strip()):
        return {}
    if not isinstance(value, str):
        raise Unreadable(f"{charge.where('metadata')}.{options.invoice_metadata_key}: must be a string")
    link = {"invoice_external_id": value}
    if options.invoice_source:
        link["invoice_source"] = options.invoice_source
    return link


def _fee(charge: Node, charge_id: str, options: StripeOptions) -> Draft | None:
    expanded = charge.expandable("balance_transaction")
    if not isinstance(expanded, Node):
        # An id only (as webhooks always send it): the fee is not in the event.
        return None
    txn = balance_transaction(expanded)
    source = expanded.expandable_id("source")
    if source and source != charge_id:
        raise Unreadable(f"{expanded.where('source')}: {source!r} is not the charge {charge_id}")
    if txn.fee == 0:
        return None
    return journal_entry(
        key=f"{txn.id}-fee",
        occurred_at=txn.created,
        currency=txn.currency,
        day=txn.created.date(),
        reference=f"Stripe fees of {charge_id} ({txn.id})",
        journal=options.entry_journal,
        lines=[
            *fee_lines(txn, options.fee_account),
            Line(options.clearing_account, "Stripe balance", -txn.fee, expanded.where("fee")),
        ],
        source=expanded.path,
    )


def payment(charge: Node, options: StripeOptions) -> Reading:
    """The payment (and fee entry) of a charge, or a note when no money has moved yet."""
    charge.expect("charge")
    charge_id = charge.identifier("id", CHARGE_PREFIXES)
    status = charge.text("status")
    if status != "succeeded":
        return Reading(note=f"charge {charge_id} is {status[:40]}: nothing was paid")
    if not charge.flag("captured"):
        return Reading(
            note=f"charge {charge_id} is authorised, not captured: it becomes a payment when it is (charge.captured)"
        )
    code = money.currency(charge.get("currency"), charge.where("currency"))
    created = charge.moment("created")
    # amount_captured is less than amount after a partial capture; a captured charge
    # rendered before the field existed carries 0 (dj-stripe's 2019 charge does).
    paid, where = charge.integer("amount"), charge.where("amount")
    if charge.get("amount_captured") is not None and charge.integer("amount_captured") > 0:
        paid, where = charge.integer("amount_captured"), charge.where("amount_captured")
    data = {
        "partner": partner(charge),
        "currency": code,
        "amount": money.amount_text(paid, code, where),
        "date": created.date().isoformat(),
        "direction": "inbound",
        "payment_method": options.payment_method,
        "reference": f"Stripe charge {charge_id}",
        **_invoice_link(charge, options),
    }
    drafts = [checked("payment", charge_id, created, data, charge.path)]
    fee = _fee(charge, charge_id, options)
    if fee is not None:
        drafts.append(fee)
    return Reading(drafts=tuple(drafts))


def charge_payment(event: Envelope, options: StripeOptions) -> Reading:
    """charge.succeeded, charge.captured."""
    return payment(event.object, options)


def intent_payment(event: Envelope, options: StripeOptions) -> Reading:
    """payment_intent.succeeded: the payment of the charge it embeds (`latest_charge`
    expanded, or `charges.data` in API versions before 2022-11-15)."""
    intent = event.object
    intent.expect("payment_intent")
    intent_id = intent.identifier("id", "pi_")
    latest = intent.expandable("latest_charge")
    if isinstance(latest, Node):
        return payment(latest, options)
    if intent.get("charges") is not None:
        listed = intent.node("charges").nodes("data")
        chosen = [c for c in listed if c.get("id") == latest] if latest else listed[:1]
        if chosen:
            return payment(chosen[0], options)
    if latest:
        return Reading(
            note=f"payment intent {intent_id} succeeded: its charge {latest} becomes a payment "
            "from charge.succeeded (this event carries only the charge's id)"
        )
    raise Unreadable(f"{intent.where('latest_charge')}: the succeeded payment intent {intent_id} names no charge")


def _refund(refund: Node, charge: Node, charge_id: str, options: StripeOptions) -> Draft | None:
    refund.expect("refund")
    refund_id = refund.identifier("id", REFUND_PREFIXES)
    refunded = refund.expandable_id("charge")
    if refunded and refunded != charge_id:
        raise Unreadable(f"{refund.where('charge')}: {refunded!r} is not the charge {charge_id}")
    if refund.text("status", required=False) in UNMOVED_REFUNDS:
        return None
    code = money.currency(refund.get("currency"), refund.where("currency"))
    created = refund.moment("created")
    data = {
        "partner": partner(charge),
        "currency": code,
        "amount": money.amount_text(refund.integer("amount"), code, refund.where("amount")),
        "date": created.date().isoformat(),
        "direction": "outbound",
        "payment_method": options.payment_method,
        "reference": f"Stripe refund {refund_id} of {charge_id}",
    }
    return checked("payment", refund_id, created, data, refund.path)


def _unlisted_refund(event: Envelope, charge: Node, charge_id: str, options: StripeOptions) -> Reading:
    """A charge.refunded without its refunds (API versions from 2022-11-15 leave them out):
    the refund is what `amount_refunded` grew by, when the event says what it was before."""
    total = charge.integer("amount_refunded")
    code = money.currency(charge.get("currency"), charge.where("currency"))
    before = None
    if event.previous is not None and event.previous.get("amount_refunded") is not None:
        before = event.previous.integer("amount_refunded")
    if before is None or not 0 <= before < total:
        shown = money.amount_text(total, code, charge.where("amount_refunded"))
        return Reading(
            note=f"{REFUND_NOT_POSTED}charge {charge_id} has {shown} {code} refunded in all, but the event "
            "lists no refunds and does not say how much was refunded before it: book the refund from Stripe"
        )
    where = charge.where("amount_refunded")
    data = {
        "partner": partner(charge),
        "currency": code,
        "amount": money.amount_text(total - before, code, where),
        "date": event.created.date().isoformat(),
        "direction": "outbound",
        "payment_method": options.payment_method,
        "reference": f"Stripe refund of {charge_id} (refunded in all: {money.amount_text(total, code, where)} {code})",
    }
    # The running total names the refund: it grows with each one, and a retried event repeats it.
    key = f"{charge_id}-refunded-{total}"
    return Reading(drafts=(checked("payment", key, event.created, data, charge.path),))


def refunds(event: Envelope, options: StripeOptions) -> Reading:
    """charge.refunded: an outbound payment per refund the charge lists."""
    charge = event.object
    charge.expect("charge")
    charge_id = charge.identifier("id", CHARGE_PREFIXES)
    listed = charge.get("refunds")
    items = charge.node("refunds").nodes("data") if isinstance(listed, dict) and listed.get("data") else []
    if not items:
        return _unlisted_refund(event, charge, charge_id, options)
    drafts, unmoved = [], []
    for item in items:
        draft = _refund(item, charge, charge_id, options)
        if draft is None:
            unmoved.append(f"{item.get('id')} ({item.get('status')})")
        else:
            drafts.append(draft)
    notes = []
    if unmoved:  # first: the console reads a case from the start of the note
        notes.append(
            f"{REFUND_NOT_POSTED}{', '.join(unmoved)} of {charge_id}: "
            "book it when it succeeds, reverse it if it was booked"
        )
    if charge.node("refunds").get("has_more") is True:
        notes.append(f"charge {charge_id} has more refunds than the event lists; earlier events listed them")
    return Reading(drafts=tuple(drafts), note="; ".join(notes))
