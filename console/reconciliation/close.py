"""The close view's figures for one legal entity and accounting period (a calendar month): what
of the period is not in Odoo yet, held, or was booked by Odoo into a later period. Read-only over
sync's events. Each figure is the count and gross money per currency of the list it opens
(`period_events`), from the same queryset.

An event belongs to the period of its document's own date: an invoice's `invoice_date`, any
other document's `date`, as the override states it when a person changed it, else as received.
A posted event's is the date it was posted with (`source_date`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Abs

from console.reconciliation.selectors.runs import DayStatus, period_days
from console.sync.models import EventState, SyncEvent
from console.sync.models.events import document_date

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
HOLD_PREFIXES = ("hold:", "period:")
HELD = Q(blocked_on__startswith=HOLD_PREFIXES[0]) | Q(blocked_on__startswith=HOLD_PREFIXES[1])
CENT = Decimal("0.01")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        found = PERIOD.match(text or "")
        if not found:
            raise PeriodError(f"period: {text[:20]!r} is not a month written YYYY-MM")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def last_day(self) -> date:
        return self.next.first_day - timedelta(days=1)

    @property
    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


UNPOSTED_BUCKETS: dict[str, tuple[str, Q]] = {
    "waiting": (
        "Not posted yet: queued, posting or waiting to retry",
        Q(state__in=[EventState.QUEUED, EventState.POSTING, EventState.RETRY_WAIT]),
    ),
    "attention": (
        "Not posted: needs attention (a mapping, its invoice, a duplicate question)",
        Q(state=EventState.BLOCKED)
        & ~Q(blocked_on__startswith=HOLD_PREFIXES[0])
        & ~Q(blocked_on__startswith=HOLD_PREFIXES[1]),
    ),
    "held": (
        "Held: by its file's controls or its flow's closed period, until a person releases it",
        Q(state=EventState.BLOCKED)
        & (Q(blocked_on__startswith=HOLD_PREFIXES[0]) | Q(blocked_on__startswith=HOLD_PREFIXES[1])),
    ),
    "failed": ("Failed: refused by Odoo or the console, a case is open", Q(state=EventState.FAILED)),
}
BOOKED_LATER = "booked_later"
BUCKET_LABELS = {
    **{key: label for key, (label, _) in UNPOSTED_BUCKETS.items()},
    BOOKED_LATER: "Posted, but booked by Odoo into a later period (a lock date closed this one)",
}


def period_events(entity_id: int, period: Period, bucket: str) -> QuerySet[SyncEvent]:
    """The events of one figure of the close view, oldest document first."""
    start, end = str(period.first_day), str(period.next.first_day)
    if bucket == BOOKED_LATER:
        return SyncEvent.objects.filter(
            entity_id=entity_id,
            state=EventState.POSTED,
            booked_later=True,
            source_date__gte=period.first_day,
            source_date__lt=period.next.first_day,
        ).order_by("source_date", "id")
    if bucket not in UNPOSTED_BUCKETS:
        raise PeriodError(f"no figure {bucket[:40]!r} in the close view")
    return (
        SyncEvent.objects.filter(entity_id=entity_id)
        .filter(UNPOSTED_BUCKETS[bucket][1])
        .annotate(document_date=document_date())
        .filter(document_date__gte=start, document_date__lt=end)
        .order_by("document_date", "id")
    )


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int
    money: dict[str, Decimal]  # gross: absolute amounts, per currency


def figure_of(entity_id: int, period: Period, bucket: str) -> Figure:
    rows = (
        period_events(entity_id, period, bucket)
        .order_by()
        .values("currency")
        .annotate(n=Count("id"), gross=Sum(Abs("amount")))
        .order_by("currency")
    )
    count, money = 0, {}
    for row in rows:
        count += row["n"]
        # Two places as stored (SQLite's SUM drops the trailing zeros PostgreSQL keeps).
        money[row["currency"]] = Decimal(row["gross"]).quantize(CENT)
    return Figure(bucket, BUCKET_LABELS[bucket], count, money)


def close_figures(entity_id: int, period: Period) -> list[Figure]:
    return [figure_of(entity_id, period, bucket) for bucket in BUCKET_LABELS]


def period_days_ended(user: Any, entity_id: int, period: Period, *, today: date) -> list[DayStatus]:
    """The period's UTC days that have ended, each with its reconciliation runs over every flow
    (a day not run yet is "not_run"): today is not over, so it is not a day to reconcile yet."""
    end = min(period.last_day, today - timedelta(days=1))
    if end < period.first_day:
        return []
    return period_days(user, entity_id=entity_id, start=period.first_day, end=end)
