"""Payouts: the Stripe balance paid out to the bank.

payout.paid moves the payout from the clearing account to the bank account, dated the
day Stripe expects it in the bank (`arrival_date`). payout.failed drafts nothing: it may
come after payout.paid (the bank sent the money back), so it asks for a case.
"""

from __future__ import annotations

from integrations.stripe import money
from integrations.stripe.drafts import Line, journal_entry
from integrations.stripe.envelope import Envelope
from integrations.stripe.notes import PAYOUT_FAILED
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Reading, Unreadable


def paid(event: Envelope, options: StripeOptions) -> Reading:
    payout = event.object
    payout.expect("payout")
    payout_id = payout.identifier("id", "po_")
    code = money.currency(payout.get("currency"), payout.where("currency"))
    amount = payout.integer("amount")
    if amount <= 0:
        raise Unreadable(f"{payout.where('amount')}: a paid payout's amount must be positive, not {amount}")
    arrival = payout.moment("arrival_date")
    entry = journal_entry(
        key=payout_id,
        occurred_at=event.created,
        currency=code,
        day=arrival.date(),
        reference=f"Stripe payout {payout_id}",
        journal=options.payout_journal,
        lines=[
            Line(options.bank_account, f"Payout {payout_id}", amount, payout.where("amount")),
            Line(options.clearing_account, "Stripe balance", -amount, payout.where("amount")),
        ],
        source=payout.path,
    )
    return Reading(drafts=(entry,))


def failed(event: Envelope, options: StripeOptions) -> Reading:
    payout = event.object
    payout.expect("payout")
    payout_id = payout.identifier("id", "po_")
    code = money.currency(payout.get("currency"), payout.where("currency"))
    amount = money.amount_text(payout.integer("amount"), code, payout.where("amount"))
    why = ": ".join(
        part
        for part in (payout.text("failure_code", required=False), payout.text("failure_message", required=False))
        if part
    )
    destination = payout.expandable_id("destination") or "its destination"
    return Reading(
        note=f"{PAYOUT_FAILED}{payout_id} of {amount} {code} to {destination} ({why[:300] or 'no reason given'}); "
        "if it was booked as paid, reverse that entry"
    )
