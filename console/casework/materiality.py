"""When a decision about money needs a controller: the one rule every case action asks.

Materiality is judged on absolute amounts, never on signed ones: a -500,000.00 bank line
or a credit note of -900,000.00 is as material as the same amount positive. An event's
exposure is the largest absolute amount it would post, its total or any one of its
lines: an invoice of +1,000,000.00 and -999,990.00 nets to 10.00 but posts a million to
revenue.

- Ending a material case without posting it (dismiss, mark as duplicate) and posting a
  suspected duplicate of a material event anyway need a controller.
- An override needs a controller when the event is material before or after it (so a
  100.00 invoice overridden to -9,000,000,000.00 is) and it changes what the ledger
  records: amounts, counterparty (a partner, the link a document takes its partner from
  when it names none, a payment's side of the ledger), currency, direction, accounts and
  taxes (journals and codes), the document a payment settles or a credit note credits, or
  the accounting period (a date moved into another month). Descriptions, references and a
  due date in the same period do not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integrations.canonical import (
    BankStatementLine,
    Document,
    Invoice,
    JournalEntry,
    PayloadError,
    Payment,
    parse_document,
)


def posting_amounts(document: Document) -> list[Decimal]:
    """Every amount the document would post: its total and each line's."""
    if isinstance(document, Invoice):
        return [document.amount, *(line.subtotal for line in document.lines)]
    if isinstance(document, JournalEntry):
        return [document.amount, *(line.debit or line.credit for line in document.lines)]
    return [document.amount]


def exposure(document: Document) -> Decimal:
    """The largest absolute amount the document would post."""
    return max(abs(amount) for amount in posting_amounts(document))


def event_exposure(kind: str, payload: Any, amount: Decimal) -> Decimal:
    """An event's exposure from what it would post now (its payload with any override).
    A stored payload that no longer reads (a stricter reader since) is judged on its amount."""
    try:
        return exposure(parse_document(kind, payload))
    except PayloadError:
        return abs(amount)


def is_material(at_stake: Decimal, threshold: Decimal) -> bool:
    return at_stake > threshold


def _counterparty(document: Document) -> tuple[Any, ...]:
    """Who the document is with. A credit note or payment naming no partner takes the
    partner of the document it is linked to: the link stands for it, so pointing it at
    another document changes the counterparty too. A payment's side of the ledger
    (customer or vendor) is part of it: it picks the receivable or the payable."""
    if isinstance(document, JournalEntry):
        return tuple(line.partner for line in document.lines)
    if isinstance(document, Invoice):
        return (document.partner or ("partner of", document.reversed_external_id),)
    if isinstance(document, Payment):
        linked = ("partner of", document.invoice_source, document.invoice_external_id)
        return (document.partner or linked, document.counterparty)
    return (document.partner,)


def _accounts(document: Document) -> tuple[Any, ...]:
    if isinstance(document, Invoice):
        return (document.journal_key, *((line.account_code, line.tax_code) for line in document.lines))
    if isinstance(document, JournalEntry):
        return (document.journal_key, *(line.account_code for line in document.lines))
    if isinstance(document, Payment):
        return (document.payment_method,)
    return (document.bank_account,)


def _accounting_date(document: Document) -> tuple[int, int]:
    day = document.invoice_date if isinstance(document, Invoice) else document.date
    return (day.year, day.month)


def _settles(document: Document) -> tuple[str, str]:
    if isinstance(document, Payment):
        return (document.invoice_source, document.invoice_external_id)
    if isinstance(document, Invoice):
        return ("", document.reversed_external_id)
    return ("", "")


def _direction(document: Document) -> str:
    if isinstance(document, Invoice | Payment):
        return document.direction
    if isinstance(document, BankStatementLine):
        return "in" if document.amount > 0 else "out"
    return ""


# What the ledger records, by the name a controller reads in the approval request.
LEDGER_FACETS: dict[str, Callable[[Document], Any]] = {
    "amounts": lambda document: tuple(posting_amounts(document)),
    "counterparty": _counterparty,
    "currency": lambda document: document.currency,
    "direction": _direction,
    "accounts and taxes": _accounts,
    "settled document": _settles,
    "accounting period": _accounting_date,
}


def ledger_changes(before: Document, after: Document) -> list[str]:
    """The facets of LEDGER_FACETS the change touches, in that order."""
    return [name for name, facet in LEDGER_FACETS.items() if facet(before) != facet(after)]


@dataclass(frozen=True)
class Judgement:
    """Whether a decision needs a controller, and why, in words for the request."""

    material: bool
    exposure: Decimal
    threshold: Decimal
    changes: tuple[str, ...] = ()

    @property
    def why(self) -> str:
        above = f"{self.exposure} at stake is above the materiality threshold of {self.threshold}"
        return f"changes {', '.join(self.changes)}; {above}" if self.changes else above

    def as_json(self) -> dict[str, Any]:
        return {"exposure": str(self.exposure), "threshold": str(self.threshold), "changes": list(self.changes)}


def judge_ending(*, kind: str, payload: Any, amount: Decimal, threshold: Decimal) -> Judgement:
    """Ending an event without posting it (or posting a suspected duplicate anyway)."""
    at_stake = event_exposure(kind, payload, amount)
    return Judgement(is_material(at_stake, threshold), at_stake, threshold)


def judge_override(*, before: Document | None, after: Document, amount: Decimal, threshold: Decimal) -> Judgement:
    """An override of a document: material when the event is material on either side and
    the override changes what the ledger records. `before` None: what is stored no longer
    reads, so the whole document counts as changed, at its recorded amount."""
    if before is None:
        at_stake = max(abs(amount), exposure(after))
        return Judgement(is_material(at_stake, threshold), at_stake, threshold, ("the whole document",))
    at_stake = max(exposure(before), exposure(after))
    changes = tuple(ledger_changes(before, after))
    return Judgement(bool(changes) and is_material(at_stake, threshold), at_stake, threshold, changes)
