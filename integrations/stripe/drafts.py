"""Building the canonical drafts, each checked by the ingestion API's own reader, so a draft
the console would refuse is an Unreadable here, naming the Stripe object it came from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from integrations.canonical import MAX_EXTERNAL_REF, PayloadError, parse_document
from integrations.stripe.money import amount_text
from integrations.webhooks import Draft, Unreadable


@dataclass(frozen=True, slots=True)
class Line:
    """A journal line in minor units: positive is a debit, negative a credit."""

    account: str
    description: str
    minor: int
    path: str  # the field its amount comes from, for a refusal to name


def checked(kind: str, key: str, occurred_at: datetime, data: dict[str, Any], source: str) -> Draft:
    if len(key) > MAX_EXTERNAL_REF:
        raise Unreadable(f"{source}: the key {key[:40]!r}... is longer than {MAX_EXTERNAL_REF} characters")
    try:
        parse_document(kind, data)
    except PayloadError as err:
        raise Unreadable(f"{source}: the {kind} it becomes is refused: {err}") from None
    return Draft(kind=kind, external_id=key, occurred_at=occurred_at, data=data)


def journal_entry(
    *,
    key: str,
    occurred_at: datetime,
    currency: str,
    day: date,
    reference: str,
    journal: str,
    lines: list[Line],
    source: str,
) -> Draft:
    moved = [line for line in lines if line.minor]
    # Each amount converts exactly, so lines balanced in minor units stay balanced.
    if sum(line.minor for line in moved):
        raise Unreadable(f"{source}: its amounts do not add up: {', '.join(line.path for line in moved)}")
    data = {
        "currency": currency,
        "date": day.isoformat(),
        "reference": reference,
        "journal": journal,
        "lines": [
            {
                "account_code": line.account,
                "description": line.description,
                "debit" if line.minor > 0 else "credit": amount_text(abs(line.minor), currency, line.path),
            }
            for line in moved
        ],
    }
    return checked("journal_entry", key, occurred_at, data, source)
