"""What a Stripe source tells the reader: which metadata key links a charge to an invoice,
and the codes its drafts carry.

Every code is a source code, not an Odoo record: the console's mappings resolve account
codes to `account.account` and journal keys to `account.journal`, like any source's.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from integrations.canonical import MAX_CODE, MAX_NAME

# Fields that may be empty: an empty key means "payments are unmatched receipts", an empty
# source means "the invoice is an event of the same source".
_OPTIONAL = ("invoice_metadata_key", "invoice_source")


@dataclass(frozen=True, slots=True)
class StripeOptions:
    # The metadata key of the charge (Stripe copies a payment intent's metadata onto its
    # charge) whose value is the external id of the invoice the payment settles.
    invoice_metadata_key: str = ""
    # The source code holding that invoice ("" = this Stripe source).
    invoice_source: str = ""
    # Journal key of inbound and outbound payments: the Odoo journal Stripe money goes through.
    payment_method: str = "stripe"
    # The account holding the Stripe balance: the account the payment journal's payments
    # post to, so that fees, disputes and payouts move the same balance.
    clearing_account: str = "stripe_clearing"
    fee_account: str = "stripe_fees"
    disputes_account: str = "stripe_disputes"
    # Journal key of fee and dispute entries (the canonical default: miscellaneous operations).
    entry_journal: str = "journal_entry"
    # Where a paid payout lands, and the journal of that entry.
    bank_account: str = "bank"
    payout_journal: str = "bank"

    def __post_init__(self) -> None:
        # A wrong option would otherwise surface as an unreadable payload, blaming Stripe.
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, str):
                raise TypeError(f"StripeOptions.{field.name} must be a string")
            limit = MAX_NAME if field.name == "invoice_metadata_key" else MAX_CODE
            if len(value) > limit:
                raise ValueError(f"StripeOptions.{field.name} is longer than {limit} characters")
            if value != value.strip():
                raise ValueError(f"StripeOptions.{field.name} must not start or end with spaces")
            if not value and field.name not in _OPTIONAL:
                raise ValueError(f"StripeOptions.{field.name} is required")
