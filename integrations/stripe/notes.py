"""The notes of a Reading that ask the console for a case: a note starting with one of these
prefixes says money moved (or failed to) at Stripe and nothing was drafted for it, so a person
must act. Any other note only says why nothing posts."""

from __future__ import annotations

# A payout did not reach the bank; one already booked as paid must be reversed.
PAYOUT_FAILED = "payout failed: "
# A refund was not posted though money may have moved: the event does not say which refund
# it reports, or the refund failed, was canceled or waits for the customer (a booked one must
# be reversed, a waiting one booked when it succeeds).
REFUND_NOT_POSTED = "refund not posted: "

CASE_PREFIXES = (PAYOUT_FAILED, REFUND_NOT_POSTED)


def needs_case(note: str) -> bool:
    return note.startswith(CASE_PREFIXES)
