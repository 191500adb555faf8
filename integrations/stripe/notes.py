"""The notes of a Reading that ask the console for a case: a note starting with one of these
prefixes says money moved (or failed to) at Stripe and nothing was drafted for it, so a person
must act. Any other note only says why nothing posts."""

from __future__ import annotations

# A payout did not reach the bank; one already booked as paid must be reversed.
PAYOUT_FAILED = "payout failed: "
# A charge was refunded but the event does not say which refund, nor how much was refunded before.
REFUND_NOT_ITEMISED = "refund not itemised: "

CASE_PREFIXES = (PAYOUT_FAILED, REFUND_NOT_ITEMISED)


def needs_case(note: str) -> bool:
    return note.startswith(CASE_PREFIXES)
