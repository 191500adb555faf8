"""The open-case tally the triggers keep: after every kind of change it sums to what
counting the cases says, folding keeps the sums, and the list and the dashboard read it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count, Sum
from django.test import Client

from console.casework.models import OPEN_STATES, ExceptionCase, OpenCaseTally
from console.casework.services.actions import case_claim, case_dismiss
from console.casework.services.tallies import open_case_tally_fold
from console.casework.tally_triggers import GROUP
from console.sync.models import Flow
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.factories import invoice_event
from tests.unit.console.casework.conftest import ingest, person, unmapped_invoice

pytestmark = pytest.mark.django_db


def counted() -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    """Open cases per group, counted from the cases themselves."""
    rows = ExceptionCase.objects.filter(state__in=OPEN_STATES).values(*GROUP).annotate(n=Count("id"), m=Sum("amount"))
    return {tuple(row[c] for c in GROUP): (row["n"], Decimal(row["m"]).quantize(Decimal("0.01"))) for row in rows}


def tallied() -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    rows = OpenCaseTally.objects.values(*GROUP).annotate(n=Sum("cases"), m=Sum("amount")).order_by()
    return {
        tuple(row[c] for c in GROUP): (row["n"], Decimal(row["m"]).quantize(Decimal("0.01")))
        for row in rows
        if row["n"] or row["m"]
    }


@pytest.fixture
def cases(configured: dict[str, Any]) -> list[ExceptionCase]:
    ingest(
        configured["token"],
        unmapped_invoice("tally-1", price="10.00"),
        unmapped_invoice("tally-2", price="20.50"),
        unmapped_invoice("tally-3", price="40.25"),
        invoice_event("tally-posts"),
    )
    events_drain()
    return list(ExceptionCase.objects.order_by("pk"))


def test_opening_cases_tallies_them(cases: list[ExceptionCase]) -> None:
    assert len(cases) == 3
    assert tallied() == counted()
    assert sum(n for n, _ in tallied().values()) == 3


def test_every_change_of_what_is_counted_moves_the_tally(cases: list[ExceptionCase]) -> None:
    olivia, actor = person("operator")
    first, second, third = cases
    case_claim(user=olivia, actor=actor, case_id=first.pk)  # open -> in progress
    assert tallied() == counted()
    case_dismiss(user=olivia, actor=actor, case_id=second.pk, reason="a test order")  # closes
    assert tallied() == counted()
    # Whatever SQL changes a case, not only the services: amount, severity, flow, state.
    ExceptionCase.objects.filter(pk=third.pk).update(amount=Decimal("99.99"), severity="critical")
    assert tallied() == counted()
    other_flow = Flow.objects.exclude(pk=third.flow_id).first()
    assert other_flow is not None
    ExceptionCase.objects.filter(pk=third.pk).update(flow=other_flow)
    assert tallied() == counted()
    ExceptionCase.objects.filter(pk=first.pk).update(state="resolved")
    assert tallied() == counted()
    assert sum(n for n, _ in tallied().values()) == 1


def test_a_change_of_nothing_counted_writes_no_row(cases: list[ExceptionCase]) -> None:
    rows = OpenCaseTally.objects.count()
    case = cases[0]
    case.summary = "failed again"
    case.failure_count += 1
    case.save()  # every column written, none of the counted ones changed
    assert OpenCaseTally.objects.count() == rows


def test_folding_keeps_the_sums_in_one_row_per_group(cases: list[ExceptionCase]) -> None:
    olivia, actor = person("operator")
    case_claim(user=olivia, actor=actor, case_id=cases[0].pk)
    case_dismiss(user=olivia, actor=actor, case_id=cases[1].pk, reason="a test order")
    before = tallied()
    assert OpenCaseTally.objects.count() > len(before)
    left = open_case_tally_fold()
    assert tallied() == before == counted()
    assert left == OpenCaseTally.objects.count() == len(before)  # groups that sum to nothing are gone


def test_the_list_counts_open_cases_from_the_tally(cases: list[ExceptionCase]) -> None:
    client = login(Client(), "operator")
    OpenCaseTally.objects.filter(state="open").update(cases=7)  # a tally that says otherwise shows
    assert "21 cases" in client.get("/cases/").content.decode()
    assert "21 cases" in client.get("/cases/?category=missing_mapping&entity=US01").content.decode()
    # A filter the tally cannot answer counts the cases themselves.
    assert "3 cases" in client.get("/cases/?assignee=unassigned").content.decode()
    assert "3 cases" in client.get("/cases/?state=all").content.decode()
    assert "0 cases" in client.get("/cases/?state=resolved").content.decode()


def test_the_dashboard_ages_from_the_tally(cases: list[ExceptionCase]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from console.access.selectors import entity_ids_visible
    from console.casework.dashboard import case_aging

    now = timezone.now()
    ExceptionCase.objects.filter(pk=cases[0].pk).update(opened_at=now - timedelta(days=30))
    ExceptionCase.objects.filter(pk=cases[1].pk).update(opened_at=now - timedelta(days=8))
    olivia, _ = person("operator")
    buckets = {b.value: (b.count, b.money) for b in case_aging(entity_ids_visible(olivia), now)}
    assert buckets["0-1d"] == (1, {"USD": Decimal("40.25")})
    assert buckets["7d+"] == (2, {"USD": Decimal("30.50")})
    assert buckets["1-3d"] == (0, {}) and buckets["3-7d"] == (0, {})
