"""The case list's pages: near the top read in one statement, deeper by their ids first and
the rows after. Either way every page holds exactly the cases that slicing the ordered list
would give, in the same order."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from console.casework.filters import ORDERINGS, _ordered
from console.casework.models import ExceptionCase
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.unit.console.casework.conftest import ingest, unmapped_invoice

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("shallow_rows", [1000, 0, 3], ids=["one statement", "ids first", "both"])
def test_every_page_in_every_order_is_the_slice_of_the_list(
    configured: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch, shallow_rows: int
) -> None:
    monkeypatch.setattr("console.casework.views.PAGE_SIZE", 3)
    monkeypatch.setattr("console.casework.selectors.SHALLOW_ROWS", shallow_rows)
    ingest(configured["token"], *[unmapped_invoice(f"inv-{n}", f"{100 + n % 3}.00") for n in range(8)])
    events_drain()
    now = timezone.now()
    for n, case in enumerate(ExceptionCase.objects.order_by("pk")):
        # Ties on every sort key, so that the primary key has to settle the order.
        ExceptionCase.objects.filter(pk=case.pk).update(
            sla_due_at=now + timedelta(hours=n % 2),
            opened_at=now - timedelta(hours=n % 4),
            severity=("low", "high", "critical")[n % 3],
        )
    login(client, "operator")
    assert ExceptionCase.objects.count() == 8  # three pages of three, the last one short
    for ordering in ORDERINGS:
        expected = list(_ordered(ExceptionCase.objects.all(), ordering).values_list("pk", flat=True))
        shown: list[int] = []
        for page in (1, 2, 3):
            html = client.get(f"/cases/?ordering={ordering}&page={page}").content.decode()
            shown += [int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', html)]
        assert shown == expected, ordering


def test_a_flow_added_after_the_filter_bar_read_the_flows_is_still_named(configured: dict[str, Any]) -> None:
    from console.access.models import User
    from console.casework.selectors import CasePaginator, RowNames, cases_visible

    ingest(configured["token"], unmapped_invoice("inv-1", "100.00"))
    events_drain()
    cases = cases_visible(User.objects.get(username="olivia")).order_by("pk")
    case = ExceptionCase.objects.select_related("entity", "flow").get()
    page = CasePaginator(cases, 10, RowNames(entities={}, flows={})).page(1)
    assert [(row.entity_code, row.flow_name) for row in page] == [(case.entity.code, case.flow.name)]
