"""The trends' closed days come from DayTally: counted once, the same numbers as counting
every time, while today (and a day that ended less than an hour ago) is always counted live."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from console.access.selectors import entity_ids_visible
from console.casework.dashboard import SETTLING, daily_trend
from console.casework.models import DayTally, ExceptionCase
from console.sync.models import EventState, SyncEvent
from console.sync.services.drain import events_drain
from tests.factories import invoice_event
from tests.unit.console.casework.conftest import ingest, person, unmapped_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(configured: dict[str, Any]) -> list[int]:
    """Posted events and opened cases spread over the last ten days."""
    ingest(
        configured["token"],
        *[invoice_event(f"posted-{n}") for n in range(6)],
        *[unmapped_invoice(f"blocked-{n}") for n in range(4)],
    )
    events_drain()
    now = timezone.now()
    posted = list(SyncEvent.objects.filter(state=EventState.POSTED).order_by("pk"))
    for event, days in zip(posted, (0, 1, 2, 2, 5, 9), strict=True):
        SyncEvent.objects.filter(pk=event.pk).update(posted_at=now - timedelta(days=days))
    for case, days in zip(ExceptionCase.objects.order_by("pk"), (0, 3, 3, 8), strict=True):
        ExceptionCase.objects.filter(pk=case.pk).update(opened_at=now - timedelta(days=days))
    olivia, _ = person("operator")
    return entity_ids_visible(olivia)


def _series(trend: Any) -> list[tuple[Any, int, int]]:
    return [(d.day, d.posted, d.opened) for d in trend.days]


def test_closed_days_are_tallied_once_with_the_numbers_counted_live(history: list[int]) -> None:
    first = daily_trend(history, 10)
    assert sum(d.posted for d in first.days) == 6 and sum(d.opened for d in first.days) == 4
    closed = (timezone.now() - SETTLING).date()
    tallied = set(DayTally.objects.values_list("day", flat=True))
    assert tallied == {d.day for d in first.days if d.day < closed}  # zeros too, today never
    with CaptureQueriesContext(connection) as again:
        second = daily_trend(history, 10)
    assert _series(second) == _series(first)
    assert len(again) == 3  # the tallies, then today's posted events and opened cases
    DayTally.objects.all().delete()
    assert _series(daily_trend(history, 10)) == _series(first)


def test_today_stays_live(history: list[int], configured: dict[str, Any]) -> None:
    before = daily_trend(history, 7)
    ingest(configured["token"], invoice_event("posted-later"))
    events_drain()
    after = daily_trend(history, 7)
    assert after.days[-1].posted == before.days[-1].posted + 1
    assert _series(after)[:-1] == _series(before)[:-1]


def test_a_week_is_the_end_of_the_month(history: list[int]) -> None:
    month = daily_trend(history, 30)
    assert _series(month.last(7)) == _series(daily_trend(history, 7))
    assert month.last(7).peak == max(max(d.posted, d.opened) for d in month.days[-7:])
