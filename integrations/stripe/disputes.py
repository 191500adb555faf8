"""Disputes: the journal entries of the money a dispute takes from the Stripe balance and
gives back.

Opening a dispute moves nothing by itself: Stripe withdraws the disputed amount and its
dispute fee with charge.dispute.funds_withdrawn (an inquiry never does), and gives them back,
fee included where Stripe refunds it, with charge.dispute.funds_reinstated. Each movement is
read from the dispute's balance transaction for it: a withdrawal has a negative amount, a
reinstatement a positive one.
"""

from __future__ import annotations

from typing import Literal

from integrations.stripe import money
from integrations.stripe.balance import balance_transaction, fee_lines
from integrations.stripe.drafts import Line, journal_entry
from integrations.stripe.envelope import Envelope
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Reading, Unreadable

DISPUTE_PREFIXES = ("dp_", "du_")  # du_: disputes of older accounts


def opened(event: Envelope, options: StripeOptions) -> Reading:
    """charge.dispute.created: a note; the money moves with funds_withdrawn."""
    dispute = event.object
    dispute.expect("dispute")
    dispute_id = dispute.identifier("id", DISPUTE_PREFIXES)
    code = money.currency(dispute.get("currency"), dispute.where("currency"))
    amount = money.amount_text(dispute.integer("amount"), code, dispute.where("amount"))
    reason = dispute.text("reason", required=False)[:40] or "no reason given"
    return Reading(
        note=f"dispute {dispute_id} opened on {dispute.expandable_id('charge')} for {amount} {code} ({reason}): "
        "no money moves until charge.dispute.funds_withdrawn"
    )


def _movement(event: Envelope, options: StripeOptions, movement: Literal["withdrawn", "reinstated"]) -> Reading:
    dispute = event.object
    dispute.expect("dispute")
    dispute_id = dispute.identifier("id", DISPUTE_PREFIXES)
    charge_id = dispute.expandable_id("charge")
    sign = -1 if movement == "withdrawn" else 1
    listed = dispute.nodes("balance_transactions") if dispute.get("balance_transactions") is not None else []
    txns = [txn for txn in map(balance_transaction, listed) if txn.amount * sign > 0]
    if len(txns) > 1:
        raise Unreadable(f"{dispute.where('balance_transactions')}: {len(txns)} transactions {movement} its funds")
    description = f"Dispute {dispute_id} {movement}"
    if txns:
        txn = txns[0]
        code, moment, source = txn.currency, txn.created, txn.node.path
        lines = [
            Line(options.disputes_account, description, -txn.amount, txn.node.where("amount")),
            *fee_lines(txn, options.fee_account),
            Line(options.clearing_account, "Stripe balance", txn.net, txn.node.where("net")),
        ]
    else:
        # No balance transaction for it in the event: the disputed amount, no fee known.
        code = money.currency(dispute.get("currency"), dispute.where("currency"))
        moment, source, amount = event.created, dispute.path, dispute.integer("amount")
        lines = [
            Line(options.disputes_account, description, -sign * amount, dispute.where("amount")),
            Line(options.clearing_account, "Stripe balance", sign * amount, dispute.where("amount")),
        ]
    return Reading(
        drafts=(
            journal_entry(
                key=f"{dispute_id}-{movement}",
                occurred_at=moment,
                currency=code,
                day=moment.date(),
                reference=f"Stripe dispute {dispute_id} on {charge_id}: funds {movement}",
                journal=options.entry_journal,
                lines=lines,
                source=source,
            ),
        )
    )


def withdrawn(event: Envelope, options: StripeOptions) -> Reading:
    """charge.dispute.funds_withdrawn: debit disputes (and the dispute fee), credit the Stripe balance."""
    return _movement(event, options, "withdrawn")


def reinstated(event: Envelope, options: StripeOptions) -> Reading:
    """charge.dispute.funds_reinstated: the reverse."""
    return _movement(event, options, "reinstated")
