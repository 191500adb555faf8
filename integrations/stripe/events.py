"""A verified Stripe webhook body into canonical event drafts (integrations/webhooks.py).

The README's "Stripe: what each event becomes" says what each handled event type posts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from integrations.stripe import charges, disputes, payouts
from integrations.stripe.envelope import Envelope, read_envelope
from integrations.stripe.options import StripeOptions
from integrations.webhooks import Reading, Unhandled

Handler = Callable[[Envelope, StripeOptions], Reading]

HANDLERS: dict[str, Handler] = {
    "charge.succeeded": charges.charge_payment,
    # A charge captured after it was authorised: charge.succeeded came with captured false.
    "charge.captured": charges.charge_payment,
    "payment_intent.succeeded": charges.intent_payment,
    "charge.refunded": charges.refunds,
    "charge.dispute.created": disputes.opened,
    "charge.dispute.funds_withdrawn": disputes.withdrawn,
    "charge.dispute.funds_reinstated": disputes.reinstated,
    "payout.paid": payouts.paid,
    "payout.failed": payouts.failed,
}


def read(body: bytes, *, options: StripeOptions = StripeOptions()) -> Reading:  # noqa: B008 (frozen, so shared safely)
    """What a verified Stripe event says: Unreadable names what is wrong with the body,
    Unhandled an event type that is not turned into events."""
    event = read_envelope(body)
    handler = HANDLERS.get(event.type)
    if handler is None:
        raise Unhandled(f"Stripe event type {event.type[:80]!r} is not turned into events")
    return dataclasses.replace(handler(event, options), provider_event_id=event.id)
