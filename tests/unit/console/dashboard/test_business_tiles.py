"""The dashboard's case tiles and trends: counts and money by age, daily trends, every number a link."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from console.access.selectors import entity_ids_visible
from console.casework.dashboard import case_aging, daily_trend
from console.casework.models import ExceptionCase
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.factories import invoice_event
from tests.unit.console.casework.conftest import ingest, person, unmapped_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def aged_cases(configured: dict[str, Any]) -> list[ExceptionCase]:
    ingest(
        configured["token"],
        unmapped_invoice("age-0", price="10.00"),
        unmapped_invoice("age-2", price="20.00"),
        unmapped_invoice("age-5", price="40.00"),
        unmapped_invoice("age-9", price="80.00"),
        invoice_event("posts-fine"),
    )
    events_drain()
    cases = list(ExceptionCase.objects.order_by("pk"))
    now = timezone.now()
    for case, days in zip(cases, (0, 2, 5, 9), strict=True):
        ExceptionCase.objects.filter(pk=case.pk).update(opened_at=now - timedelta(days=days, hours=1))
    return cases


def test_open_cases_by_age_as_counts_and_money(aged_cases: list[ExceptionCase]) -> None:
    olivia, _ = person("operator")
    buckets = {
        b.value: (b.count, {k: str(v) for k, v in b.money.items()}) for b in case_aging(entity_ids_visible(olivia))
    }
    assert buckets == {
        "0-1d": (1, {"USD": "10.00"}),
        "1-3d": (1, {"USD": "20.00"}),
        "3-7d": (1, {"USD": "40.00"}),
        "7d+": (1, {"USD": "80.00"}),
    }


def test_daily_trends_cover_every_day(aged_cases: list[ExceptionCase]) -> None:
    olivia, _ = person("operator")
    week = daily_trend(entity_ids_visible(olivia), 7)
    assert len(week.days) == 7 and week.days[-1].day == timezone.now().date()
    assert week.days[-1].posted == 1  # the invoice that posted today
    assert sum(d.opened for d in daily_trend(entity_ids_visible(olivia), 30).days) == 4


def test_every_number_links_to_the_list_behind_it(aged_cases: list[ExceptionCase]) -> None:
    page = login(Client(), "operator").get("/").content.decode()
    for bucket in ("0-1d", "1-3d", "3-7d", "7d%2B"):  # "+" encoded: unencoded it reads as a space
        assert f'href="/cases/?age={bucket}"' in page
    assert 'href="/events/list/?flow=' in page and "<svg" in page and "cases opened" in page


def test_dashboard_query_count_does_not_grow_with_cases(configured: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    ingest(configured["token"], *[unmapped_invoice(f"many-{i}") for i in range(20)])
    events_drain()
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few) <= 20, [q["sql"][:120] for q in many.captured_queries]


def test_money_at_stake_is_gross_so_credit_notes_never_cancel_invoices(configured: dict[str, Any]) -> None:
    ingest(
        configured["token"],
        unmapped_invoice("gross-invoice", price="25000.00"),
        unmapped_invoice("gross-credit", price="-25000.00"),
    )
    events_drain()
    old = timezone.now() - timedelta(days=9)
    ExceptionCase.objects.filter(event__external_id="gross-credit").update(opened_at=old)
    olivia, _ = person("operator")
    buckets = {b.value: (b.count, b.money) for b in case_aging(entity_ids_visible(olivia))}
    # The young case is counted live, the old one through the tally: both gross.
    assert buckets["0-1d"] == (1, {"USD": Decimal("25000.00")})
    assert buckets["7d+"] == (1, {"USD": Decimal("25000.00")})
    page = login(Client(), "operator").get("/").content.decode()
    # Never netted: no minus amount, and no 0.00 USD on its own (25000.00 or 50000.00 is gross).
    assert "-25000.00" not in page and not re.search(r"(?<![\d,])0\.00 USD", page)
