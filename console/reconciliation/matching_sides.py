"""The two sides of a matching rule as plain values, read the same way by the matcher (services)
and by the pages (selectors): which events a rule judges, their day, money and references, and
how one left event chooses its right event. Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from console.reconciliation.models import DateField, MatchBy, MatchingRule, MatchMethod, ReferenceCompare, Sign
from console.sync.models import EventKind, SyncEvent
from console.sync.selectors.matching import events_to_match

# A reference shorter than this is never looked for inside a text: "po_1" is inside "po_12".
MIN_CONTAINED = 6
# occurred_at and the document's date differ by a few days (a payout is announced before it
# arrives): the database is asked for a little more, and the day decides.
MARGIN = timedelta(days=7)


@dataclass(frozen=True)
class Side:
    event: SyncEvent
    day: date
    amount: Decimal  # absolute: the sign was checked against the rule
    currency: str
    texts: tuple[str, ...]  # left: its reference (one); right: the fields its reference is looked for in

    @property
    def reference(self) -> str:
        return self.texts[0] if self.texts else ""


@dataclass(frozen=True)
class Pair:
    left: Side
    right: Side
    method: MatchMethod


def _day(event: SyncEvent, which: str) -> date | None:
    if which == DateField.OCCURRED:
        return event.occurred_at.astimezone(UTC).date()
    payload = event.payload if isinstance(event.payload, dict) else {}
    names = ("value_date", "date") if which == DateField.VALUE_DATE else ("date", "invoice_date")
    for name in names:
        value = payload.get(name)
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                continue
    return None


def _text(event: SyncEvent, name: str) -> str:
    if name == "external_id":
        return event.external_id
    payload = event.payload if isinstance(event.payload, dict) else {}
    value = payload.get(name)
    return value.strip() if isinstance(value, str) else ""


def judged_since(rule: MatchingRule, today: date) -> date:
    """The first day a rule judges: its own start, and no further back than the lookback."""
    return max(rule.applies_from, today - timedelta(days=settings.MATCHING_LOOKBACK_DAYS))


def _since(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC) - MARGIN


def _wanted(event: SyncEvent, where: dict[str, Any]) -> bool:
    return all(_text(event, name) == value for name, value in where.items())


def left_sides(rule: MatchingRule, today: date) -> list[Side]:
    """The events the rule judges, from judged_since on, oldest first."""
    since = judged_since(rule, today)
    rows = events_to_match(
        entity_id=rule.entity_id,
        source_id=rule.left_source_id,
        kind=rule.left_kind,
        since=_since(since),
        id_prefix=rule.left_id_prefix,
    )
    sides = []
    for event in rows.iterator(chunk_size=2000):
        day = _day(event, rule.left_date)
        if day is None or day < since or not _wanted(event, rule.left_where or {}):
            continue
        sides.append(Side(event, day, abs(event.amount), event.currency, (_text(event, rule.left_reference),)))
    return sides


def _signed(amount: Decimal, sign: str) -> Decimal | None:
    if sign == Sign.CREDIT:
        return amount if amount > 0 else None
    if sign == Sign.DEBIT:
        return -amount if amount < 0 else None
    return abs(amount)


def right_sides(rule: MatchingRule, today: date) -> list[Side]:
    """The events that may match: from the rule's window before its first judged day on."""
    since = judged_since(rule, today) - timedelta(days=rule.days_before)
    rows = events_to_match(
        entity_id=rule.entity_id, source_id=rule.right_source_id, kind=rule.right_kind, since=_since(since)
    )
    fields = tuple(rule.right_reference_fields or ())
    sides = []
    for event in rows.iterator(chunk_size=2000):
        day, amount = _day(event, rule.right_date), _signed(event.amount, rule.right_sign)
        if day is None or day < since or amount is None:
            continue
        sides.append(Side(event, day, amount, event.currency, tuple(t for t in (_text(event, f) for f in fields) if t)))
    return sides


def window(rule: MatchingRule, left: Side) -> tuple[date, date]:
    return left.day - timedelta(days=rule.days_before), left.day + timedelta(days=rule.window_days)


def overdue(rule: MatchingRule, left: Side, today: date) -> bool:
    """Its window has passed: the last day a counterpart could be dated is behind us."""
    return today > window(rule, left)[1]


def _fits(rule: MatchingRule, left: Side, right: Side) -> bool:
    first, last = window(rule, left)
    return (
        right.currency == left.currency
        and abs(right.amount - left.amount) <= rule.tolerance
        and first <= right.day <= last
    )


def _names(rule: MatchingRule, left: Side, right: Side) -> bool:
    reference = left.reference
    if not reference:
        return False
    if rule.reference_compare == ReferenceCompare.EQUALS:
        return reference in right.texts
    if len(reference) < MIN_CONTAINED:
        return False
    folded = reference.casefold()
    return any(folded in text.casefold() for text in right.texts)


def _nearest(left: Side, found: Iterable[Side]) -> Side | None:
    # The closest in date, then the one received first: the same choice on every run.
    return min(found, key=lambda right: (abs((right.day - left.day).days), right.event.pk), default=None)


def pairs_chosen(rule: MatchingRule, lefts: Sequence[Side], rights: Sequence[Side]) -> list[Pair]:
    """Each left event with at most one right event and each right with at most one left: every
    reference match first (so an amount match never takes a line that names another payout), then
    by amount within the window, the oldest left events choosing first."""
    # Bucketed by currency (and amount, when it must be the same): a day of a busy shop is
    # thousands of orders, and each would otherwise look at every charge.
    exact = rule.tolerance == 0
    free: dict[tuple[str, Decimal | None], dict[int, Side]] = {}
    for right in rights:
        free.setdefault((right.currency, right.amount if exact else None), {})[right.event.pk] = right
    chosen: list[Pair] = []
    waiting = list(lefts)
    passes = []
    if rule.match_by != MatchBy.AMOUNT:
        passes.append(MatchMethod.REFERENCE)
    if rule.match_by != MatchBy.REFERENCE:
        passes.append(MatchMethod.AMOUNT)
    for method in passes:
        still: list[Side] = []
        for left in waiting:
            bucket = free.get((left.currency, left.amount if exact else None), {})
            fitting = (r for r in bucket.values() if _fits(rule, left, r))
            if method == MatchMethod.REFERENCE:
                fitting = (r for r in fitting if _names(rule, left, r))
            nearest = _nearest(left, fitting)
            if nearest is None:
                still.append(left)
                continue
            del bucket[nearest.event.pk]
            chosen.append(Pair(left, nearest, method))
        waiting = still
    return chosen


def is_bank(rule: MatchingRule) -> bool:
    return rule.right_kind == EventKind.BANK_STATEMENT_LINE
