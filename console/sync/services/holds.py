"""Holding documents whose period Odoo has closed, for flows whose finance chose to.

Odoo would not refuse them: it books them on the first open date after the lock date.
A flow set to hold (Flow.closed_period) asks Odoo for its company's lock dates before
posting; a document dated on or before one that applies to it waits as a case instead.
Retrying it from the case releases it: it then posts into the next open period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.sync.models import ClosedPeriod, SyncEvent
from console.sync.periods import document_date
from console.sync.services.resolution import Blocked, Resolved
from integrations.canonical import BankStatementLine, Invoice, Payment
from integrations.odoo.client import OdooClient
from integrations.odoo.errors import OdooError, internal_error
from integrations.odoo.locks import journal_types, lock_dates_read
from integrations.odoo.requests import PostingRequest

HELD = "closed_period_held"


def period_block_key(event_id: int) -> str:
    return f"period:{event_id}"


def hold_released(event: SyncEvent) -> bool:
    """A held event queued again by a person (retry or resubmit from its case) is released:
    nothing else moves an event blocked on its own period key."""
    return event.period_hold_released or event.reason_code == HELD


@dataclass
class HoldCheck:
    to_post: list[tuple[SyncEvent, Resolved]] = field(default_factory=list)
    held: list[tuple[SyncEvent, Blocked]] = field(default_factory=list)
    # Odoo could not tell its lock dates: these get that error as their outcome.
    unchecked: list[tuple[SyncEvent, Resolved, OdooError]] = field(default_factory=list)


def _journal_type(request: PostingRequest, types: dict[int, str]) -> str:
    doc = request.document
    if isinstance(doc, Invoice):
        return "sale" if doc.direction == "customer" else "purchase"
    if isinstance(doc, Payment | BankStatementLine):
        return "bank"
    return types.get(request.targets.journal_id, "general")


def _has_tax(request: PostingRequest) -> bool:
    doc = request.document
    return isinstance(doc, Invoice) and any(line.tax_code for line in doc.lines)


def closed_periods_check(client: OdooClient, company_id: int, resolved: list[tuple[SyncEvent, Resolved]]) -> HoldCheck:
    check = HoldCheck()
    wanting = []
    for event, res in resolved:
        if event.flow.closed_period == ClosedPeriod.HOLD and not hold_released(event):
            wanting.append((event, res))
        else:
            check.to_post.append((event, res))
    if not wanting:
        return check
    try:
        locks = lock_dates_read(client, company_id)
        entries = sorted({res.request.targets.journal_id for _, res in wanting if res.request.kind == "journal_entry"})
        types = journal_types(client, entries) if locks.any_journal_specific else {}
    except OdooError as err:
        check.unchecked = [(event, res, err) for event, res in wanting]
        return check
    for event, res in wanting:
        try:
            day = document_date(res.request.document)
            lock = locks.closing(day, journal_type=_journal_type(res.request, types), has_tax=_has_tax(res.request))
        except Exception as exc:  # noqa: BLE001 - one document our code cannot judge fails alone
            check.unchecked.append((event, res, internal_error("preparing", exc)))
            continue
        if lock is None:
            check.to_post.append((event, res))
            continue
        message = (
            f"Odoo's {lock.label} ({lock.day:%Y-%m-%d}) closes this document's date ({day:%Y-%m-%d}): "
            f"the flow {event.flow.name!r} holds such documents. Posted now, Odoo would book it on the "
            f"first open date after {lock.day:%Y-%m-%d}."
        )
        check.held.append((event, Blocked(HELD, message, period_block_key(event.pk))))
    return check
