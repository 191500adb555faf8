"""The business dashboard's case figures: open cases by age as counts and money,
and daily trends of posted events and opened cases, within the given entities
(the caller passes access.selectors.entity_ids_visible of the user)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, Count, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from console.casework.filters import AGES
from console.casework.models import OPEN_STATES, ExceptionCase
from console.sync.models import EventState, SyncEvent


@dataclass
class AgeBucket:
    value: str
    label: str
    count: int = 0
    money: dict[str, Decimal] = field(default_factory=dict)


def case_aging(entity_ids: list[int], now: datetime | None = None) -> list[AgeBucket]:
    """Open cases in the list's age buckets (0-1 d, 1-3 d, 3-7 d, > 7 d): one grouped query."""
    now = now or timezone.now()
    buckets = {value: AgeBucket(value, label) for value, (label, _, _) in AGES.items()}
    whens = [
        When(opened_at__gt=now - young_limit, then=Value(value))
        for value, (_, _, young_limit) in AGES.items()
        if young_limit is not None
    ]
    oldest = next(value for value, (_, _, limit) in AGES.items() if limit is None)
    rows = (
        ExceptionCase.objects.filter(state__in=OPEN_STATES, entity_id__in=entity_ids)
        .annotate(bucket=Case(*whens, default=Value(oldest), output_field=CharField()))
        .values("bucket", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        bucket = buckets[row["bucket"]]
        bucket.count += row["n"]
        bucket.money[row["currency"]] = Decimal(row["total"]).quantize(Decimal("0.01"))
    return list(buckets.values())


@dataclass(frozen=True)
class TrendDay:
    day: date
    posted: int
    opened: int


@dataclass(frozen=True)
class Trend:
    days: list[TrendDay]
    peak: int

    def bars(self, height: int = 40) -> list[dict[str, Any]]:
        """Bar heights for a server-drawn SVG: posted above the line, opened cases below."""
        scale = height / self.peak if self.peak else 0
        return [
            {
                "x": index * 6,
                "day": day.day,
                "posted": day.posted,
                "opened": day.opened,
                "posted_h": round(day.posted * scale, 1),
                "opened_h": round(day.opened * scale, 1),
                "posted_y": round(height - day.posted * scale, 1),
            }
            for index, day in enumerate(self.days)
        ]


def daily_trend(entity_ids: list[int], days: int, now: datetime | None = None) -> Trend:
    """Posted events and opened cases per UTC day over the last `days` days (today included)."""
    now = now or timezone.now()
    first = (now - timedelta(days=days - 1)).date()
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    posted = dict(
        SyncEvent.objects.filter(entity_id__in=entity_ids, state=EventState.POSTED, posted_at__gte=since)
        .annotate(day=TruncDate("posted_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    opened = dict(
        ExceptionCase.objects.filter(entity_id__in=entity_ids, opened_at__gte=since)
        .annotate(day=TruncDate("opened_at"))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    series = [
        TrendDay(day, posted.get(day, 0), opened.get(day, 0))
        for day in (first + timedelta(days=i) for i in range(days))
    ]
    return Trend(series, max([max(d.posted, d.opened) for d in series] + [0]))
