"""The business dashboard's case figures: open cases by age as counts and money,
and daily trends of posted events and opened cases, within the given entities
(the caller passes access.selectors.entity_ids_visible of the user)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from console.casework.filters import AGES
from console.casework.models import OPEN_STATES, DayTally, ExceptionCase, OpenCaseTally
from console.sync.models import EventState, SyncEvent
from integrations.canonical import CENT


@dataclass
class AgeBucket:
    value: str
    label: str
    count: int = 0
    money: dict[str, Decimal] = field(default_factory=dict)


def case_aging(entity_ids: list[int], now: datetime | None = None) -> list[AgeBucket]:
    """Open cases in the list's age buckets (0-1 d, 1-3 d, 3-7 d, > 7 d) as counts and money
    per currency, with the filter's own bounds (filters.AGES). The cases of the last week are
    counted; the oldest bucket is all open cases (OpenCaseTally) less those. One statement,
    so one snapshot: a case that opens or closes meanwhile is in both halves or in neither."""
    now = now or timezone.now()
    buckets = {value: AgeBucket(value, label) for value, (label, _, _) in AGES.items()}
    if not entity_ids:
        return list(buckets.values())
    *recent_bounds, (_, week, _) = AGES.values()
    figures: dict[str, Any] = {}
    for n, (_, youngest, oldest) in enumerate(recent_bounds):
        within = Q(opened_at__gt=now - oldest) if oldest is not None else Q()
        if youngest:
            within &= Q(opened_at__lte=now - youngest)
        figures[f"n{n}"] = Count("id", filter=within)
        figures[f"m{n}"] = Sum("exposure", filter=within)  # gross, as the tally counts
    recent = (
        ExceptionCase.objects.filter(state__in=OPEN_STATES, entity_id__in=entity_ids, opened_at__gt=now - week)
        .values("currency")
        .annotate(**figures)
        .order_by()
    )
    tallied = (
        OpenCaseTally.objects.filter(entity_id__in=entity_ids)
        .values("currency")
        .annotate(n=Sum("cases"), m=Sum("amount"))
        .order_by()
    )
    recent_sql, recent_params = recent.query.sql_with_params()
    tallied_sql, tallied_params = tallied.query.sql_with_params()
    columns = ", ".join(figures)
    zeros = ", ".join("0" for _ in range(len(figures) - 2))
    sql = (
        f"SELECT 0, currency, {columns} FROM ({recent_sql}) recent "
        f"UNION ALL SELECT 1, currency, n, m, {zeros} FROM ({tallied_sql}) tallied"
    )
    # Per currency: all open cases (the tally's row) less each of the last week's (the recent row).
    older: dict[str, tuple[int, Decimal]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, (*recent_params, *tallied_params))
        for part, currency, *numbers in cursor.fetchall():
            count, money = older.get(currency, (0, Decimal(0)))
            if part == 1:
                older[currency] = (count + int(numbers[0] or 0), money + _money(numbers[1]))
                continue
            for bucket, n, m in zip(buckets.values(), numbers[::2], numbers[1::2], strict=False):
                if n:
                    bucket.count += n
                    bucket.money[currency] = _money(m)
                count, money = count - int(n or 0), money - _money(m)
            older[currency] = (count, money)
    oldest_bucket = buckets[list(AGES)[-1]]
    for currency, (count, money) in older.items():
        if count:
            oldest_bucket.count += count
            oldest_bucket.money[currency] = money.quantize(CENT)
    return list(buckets.values())


def _money(value: Any) -> Decimal:
    # PostgreSQL sums numeric to Decimal; SQLite sums to a float or an int.
    return Decimal(0) if value is None else Decimal(str(value)).quantize(CENT)


@dataclass(frozen=True)
class TrendDay:
    day: date
    posted: int
    opened: int


@dataclass(frozen=True)
class Trend:
    days: list[TrendDay]
    peak: int

    def last(self, days: int) -> Trend:
        """The same trend over its last `days` days (a week out of a month: one count for both)."""
        kept = self.days[-days:]
        return Trend(kept, max([max(d.posted, d.opened) for d in kept] + [0]))


# A day is over for the tallies an hour after midnight UTC: a posting or a case opened
# just before midnight is committed seconds later, never an hour.
SETTLING = timedelta(hours=1)


def _per_day(rows: QuerySet[Any], field: str) -> dict[tuple[date, int], int]:
    return {
        (day, entity_id): n
        for day, entity_id, n in rows.annotate(day=TruncDate(field, tzinfo=UTC))
        .values("day", "entity_id")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("day", "entity_id", "n")
    }


def _counted(entity_ids: list[int], since: datetime, until: datetime | None = None) -> dict[tuple[date, int], TrendDay]:
    """Posted events and opened cases per (UTC day, entity) between the two times, counted now."""
    events = SyncEvent.objects.filter(entity_id__in=entity_ids, state=EventState.POSTED, posted_at__gte=since)
    cases = ExceptionCase.objects.filter(entity_id__in=entity_ids, opened_at__gte=since)
    if until is not None:
        events, cases = events.filter(posted_at__lt=until), cases.filter(opened_at__lt=until)
    posted, opened = _per_day(events, "posted_at"), _per_day(cases, "opened_at")
    return {key: TrendDay(key[0], posted.get(key, 0), opened.get(key, 0)) for key in posted.keys() | opened.keys()}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _tallied(entity_ids: list[int], first: date, until: date) -> dict[tuple[date, int], TrendDay]:
    """The closed days from `first` to before `until` per entity, from DayTally; the days not
    tallied yet are counted once and stored (zeros too, so that they are not counted again)."""
    if first >= until or not entity_ids:
        return {}
    found = {
        (t.day, t.entity_id): TrendDay(t.day, t.posted, t.opened)
        for t in DayTally.objects.filter(entity_id__in=entity_ids, day__gte=first, day__lt=until)
    }
    days = [first + timedelta(days=i) for i in range((until - first).days)]
    missing = [(day, entity_id) for day in days for entity_id in entity_ids if (day, entity_id) not in found]
    if missing:
        low, high = min(day for day, _ in missing), max(day for day, _ in missing)
        counted = _counted(sorted({e for _, e in missing}), _midnight(low), _midnight(high + timedelta(days=1)))
        new = [counted.get((day, entity_id), TrendDay(day, 0, 0)) for day, entity_id in missing]
        DayTally.objects.bulk_create(
            [
                DayTally(entity_id=entity_id, day=day, posted=tally.posted, opened=tally.opened)
                for (day, entity_id), tally in zip(missing, new, strict=True)
            ],
            ignore_conflicts=True,  # another request tallied the same day: the same numbers
        )
        found.update(zip(missing, new, strict=True))
    return found


def daily_trend(entity_ids: list[int], days: int, now: datetime | None = None) -> Trend:
    """Posted events and opened cases per UTC day over the last `days` days (today included):
    the days that are over from their tallies, the others counted."""
    now = now or timezone.now()
    first = (now - timedelta(days=days - 1)).astimezone(UTC).date()
    closed = min((timezone.now() - SETTLING).astimezone(UTC).date(), now.astimezone(UTC).date() + timedelta(days=1))
    per_entity = _tallied(entity_ids, first, closed)
    if entity_ids:
        per_entity.update(_counted(entity_ids, _midnight(max(first, closed))))
    posted: dict[date, int] = {}
    opened: dict[date, int] = {}
    for (day, _), tally in per_entity.items():
        posted[day] = posted.get(day, 0) + tally.posted
        opened[day] = opened.get(day, 0) + tally.opened
    series = [
        TrendDay(day, posted.get(day, 0), opened.get(day, 0))
        for day in (first + timedelta(days=i) for i in range(days))
    ]
    return Trend(series, max([max(d.posted, d.opened) for d in series] + [0]))
