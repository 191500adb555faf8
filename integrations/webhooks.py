"""What a provider package (integrations/shopify, integrations/stripe) gives the console
for one webhook delivery whose signature it has verified.

A provider package reads the raw body into canonical event drafts: the same
`kind`, `external_id`, `occurred_at` and `data` the ingestion API takes, so the
console records them through its one ingestion service and its strict reader
(`canonical.parse_document`) refuses the same things whichever way they came.

`external_id` is the business key (an order, refund, charge or payout id), never
the delivery's id: the same order reaching us through two topics or two
subscriptions yields the same drafts with the same keys, and posts once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Draft:
    """One canonical event, not yet recorded."""

    kind: str
    external_id: str
    occurred_at: datetime  # aware, UTC
    data: dict[str, Any]  # canonical `data`: amounts and quantities as decimal strings


@dataclass(frozen=True, slots=True)
class Reading:
    """What one delivery's body says.

    `drafts` may be empty with a `note` saying why nothing posts (an order cancelled
    before it was paid). `changed` names the business keys (external ids) of events the
    delivery reports as changed at the source (an order edited, a payout the bank sent
    back): the console opens a case for each one that has already posted rather than
    posting it again. `changed_note`, when the reader knows better than "it changed", is
    what that case says: what happened to the posted document and what to do about it
    ("payout po_1 of 12,480.10 USD failed at the bank after it was booked: reverse the
    entry"); the console adds where it posted."""

    provider_event_id: str = ""  # from the body (Stripe's `event.id`); Shopify's is a header
    drafts: tuple[Draft, ...] = ()
    note: str = ""
    changed: tuple[str, ...] = field(default_factory=tuple)
    changed_note: str = ""


class Unreadable(ValueError):
    """A verified body we cannot read: not JSON, or a field we need missing or malformed.
    The message names the problem; the provider must not retry it (answered 200)."""


class Unhandled(ValueError):
    """A verified delivery of a topic or event type we do not turn into events."""
