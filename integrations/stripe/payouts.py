"""Payouts: the Stripe balance paid out to the bank.

payout.paid moves the payout from the clearing account to the bank account, dated the
day Stripe expects it in the bank (`arrival_date`). payout.failed drafts nothing: it may
come after payout.paid (the bank sent the money back, and the entry booked must be
reversed) or before it was ever paid (nothing was booked). The reader cannot tell which, so
it reports the payout's key as changed: the console opens a case on the payout's entry if it
posted, saying to reverse it (`changed_note`), and otherwise only flags the delivery (`note`).
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
    amount = money.decimal_amount(payout.integer("amount"), code, payout.where("amount"))
    why = ": ".join(
        part
        for part in (payout.text("failure_code", required=False), payout.text("failure_message", required=False))
        if part
    )
    because = why[:300] or "no reason given"
    destination = payout.expandable_id("destination") or "its destination"
    what = f"{payout_id} of {amount:,} {code} to {destination}"
    return Reading(
        note=f"{PAYOUT_FAILED}{what} ({because}); if it was booked as paid, its entry is reversed from the case "
        "opened on it; if it failed before it was paid, nothing moved in the ledger",
        changed=(payout_id,),
        changed_note=f"payout {what} failed at the bank after it was booked ({because}): reverse the entry, "
        "the bank account back to the Stripe balance.",
    )
