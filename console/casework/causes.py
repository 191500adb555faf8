"""A case's cause: what the one fix behind it would change, so forty cases of one missing
mapping are one problem to fix, not forty to work.

The fingerprint is the entity, the category and the thing the fix changes (the unmapped code and
its kind, the partner, the locked month, Odoo's rule in its own words with the numbers taken
out). Categories that are a question about one document (a suspected duplicate, an unmatched
receipt) are a cause of their own per event: they are never answered for a group at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from console.casework.taxonomy import Category
from console.sync.models import EventKind, SyncEvent
from console.sync.overrides import payload_apply

MAX_KEY = 300
MAX_LABEL = 300

# Answered one document at a time: grouping them would invite one decision for all.
PER_EVENT = frozenset(
    {
        Category.CONFLICTING_DUPLICATE,
        Category.SUSPECTED_DUPLICATE,
        Category.UNMATCHED_RECEIPT,
        Category.CHANGED_AT_SOURCE,
        Category.UNUSUAL_TOTAL,
    }
)
# Causes whose fix is made outside the case (a mapping, a contact, a lock date, access rights,
# Odoo back up, the console's code): once it is made, retrying every case of the cause posts them.
RETRYABLE = frozenset(
    {
        Category.MISSING_MAPPING,
        Category.PARTNER,
        Category.CLOSED_PERIOD,
        Category.CLOSED_PERIOD_HELD,
        Category.INVALID_TAX,
        Category.ODOO_VALIDATION,
        Category.CREDENTIALS,
        Category.RETRIES_EXHAUSTED,
        Category.INTERNAL_ERROR,
    }
)
# A document a source may send again under a new key (the order resent, the bill corrected):
# its business key is its partner, its own reference and its date. The date is in it because a
# customer's purchase-order number, often the reference, may head several invoices of a partial
# delivery on different days. Payments are left out: part payments of one invoice share a reference.
BUSINESS_KEY_KINDS = frozenset(
    {EventKind.CUSTOMER_INVOICE, EventKind.VENDOR_BILL, EventKind.CUSTOMER_CREDIT_NOTE, EventKind.VENDOR_CREDIT_NOTE}
)

_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Cause:
    key: str
    label: str


@dataclass(frozen=True)
class Facts:
    """What of an event the fingerprint reads (plain values: the migration that fingerprints the
    cases already open builds them from its historical models)."""

    event_id: int
    entity_id: int
    entity_code: str
    kind: str
    external_id: str
    blocked_on: str
    occurred_at: Any
    payload: Any

    @classmethod
    def of(cls, event: SyncEvent) -> Facts:
        return cls(
            event.pk,
            event.entity_id,
            event.entity.code,
            event.kind,
            event.external_id,
            event.blocked_on,
            event.occurred_at,
            payload_apply(event.payload, event.override or {}),
        )


def _rule(message: str) -> str:
    """Odoo's message with the numbers taken out: one rule refusing many documents reads the same."""
    text = _SPACES.sub(" ", _NUMBERS.sub("#", message)).strip()
    return text[:160].strip() or "no message"


def _partner(payload: Any) -> str:
    partner = payload.get("partner") if isinstance(payload, dict) else None
    if not isinstance(partner, dict):
        return ""
    for field in ("ref", "vat", "email", "name"):
        value = partner.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _document_month(event: Facts) -> str:
    """The month of the document's own date (what the lock date judges), else of when it occurred."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    for field in ("invoice_date", "date"):
        value = payload.get(field)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value[:7]
    return f"{event.occurred_at:%Y-%m}"


def _document_day(event: Facts) -> str:
    payload = event.payload if isinstance(event.payload, dict) else {}
    value = payload.get("date")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    return f"{event.occurred_at:%Y-%m-%d}"


def _cut(text: str, limit: int) -> str:
    # Never ending in a space: a key comes back through a URL filter, which trims its value.
    return text.strip() if len(text) <= limit else text[: limit - 1].strip() + "…"


def cause_of(category: Category, reason_code: str, message: str, event: Facts) -> Cause:
    entity = event.entity_code
    if category in PER_EVENT:
        return Cause(f"{category}:event:{event.event_id}", _cut(f"{category.label}: {event.external_id}", MAX_LABEL))
    key, label = _what(category, reason_code, message, event, entity)
    return Cause(_cut(f"{category}:{entity}:{key}", MAX_KEY), _cut(label, MAX_LABEL))


def _what(category: Category, reason_code: str, message: str, event: Facts, entity: str) -> tuple[str, str]:
    blocked = event.blocked_on.split(":", 3)
    if category is Category.MISSING_MAPPING and blocked[0] == "mapping" and len(blocked) == 4:
        kind, value = blocked[1], blocked[3]
        return f"{kind}:{value}", f"{kind} code {value} has no mapping in {entity}"
    if category is Category.PARTNER:
        who = _partner(event.payload) or "?"
        return f"{reason_code}:{who}", f"partner {who} is unknown or ambiguous in Odoo for {entity}"
    if category in (Category.CLOSED_PERIOD, Category.CLOSED_PERIOD_HELD):
        month = _document_month(event)
        return month, f"{month} is locked in Odoo for {entity}"
    if category is Category.CREDENTIALS:
        return reason_code, f"Odoo refuses the console's login or rights for {entity} ({reason_code})"
    if category is Category.RETRIES_EXHAUSTED:
        return "unreachable", f"Odoo of {entity} could not be reached"
    if category is Category.WAITING_ON_INVOICE and event.blocked_on:
        return event.blocked_on, f"waiting for one document to post in {entity} ({event.blocked_on})"
    if category in (Category.NOT_IN_BANK, Category.NOT_COVERED):
        # One missing statement or one day's missing charges leave several events unmatched:
        # the fix (the file, the redelivery) is per day of the documents.
        day = _document_day(event)
        what = "not seen in the bank" if category is Category.NOT_IN_BANK else "not covered by the other source"
        return f"{event.kind}:{day}", f"{event.kind.replace('_', ' ')}s of {day} {what} in {entity}"
    if category is Category.HELD_BY_CONTROLS and event.blocked_on:
        return event.blocked_on, f"a file of {entity} held by its controls ({event.blocked_on})"
    rule = _rule(message)
    return f"{reason_code}:{rule}", f"{category.label} in {entity}: {rule}"


def difference_cause(category: Category, entity_code: str, scope: str, scope_label: str) -> Cause:
    """A reconciliation difference's cause: its category in one entity and one scope (a flow, or
    the source whose marker an unknown Odoo record carries). Its fix is made in Odoo or at the
    source, then the days re-run: the cause is what a person fixes once for all its days."""
    labels = {
        Category.NOT_IN_ODOO: f"{scope_label}: received but not in Odoo for {entity_code}",
        Category.UNKNOWN_IN_ODOO: f"records in Odoo of {entity_code} with {scope_label}'s marker no event explains",
        Category.AMOUNT_DIFFERS: f"{scope_label}: amounts edited in Odoo after posting in {entity_code}",
        Category.CANCELLED_IN_ODOO: f"{scope_label}: records cancelled in Odoo after posting in {entity_code}",
        Category.SOURCE_TOTAL: f"{scope_label}: the source's totals disagree with what {entity_code} received",
    }
    label = labels.get(category, f"{category.label} in {entity_code}: {scope_label}")
    return Cause(_cut(f"{category}:{entity_code}:{scope}", MAX_KEY), _cut(label, MAX_LABEL))


def business_key(event: Facts) -> str:
    """Entity, kind, partner, reference and date of a document a source may resend under a new
    key; empty when the event has none (no reference, or a kind that is not a document)."""
    if event.kind not in BUSINESS_KEY_KINDS:
        return ""
    payload = event.payload
    reference = payload.get("reference") if isinstance(payload, dict) else None
    if not isinstance(reference, str) or not reference.strip():
        return ""
    day = payload.get("invoice_date") or payload.get("date") or ""
    return _cut(f"{event.entity_id}:{event.kind}:{_partner(payload)}:{day}:{reference.strip()}", MAX_KEY)
