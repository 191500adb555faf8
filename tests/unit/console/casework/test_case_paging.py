"""The case list's pages pick their ids first and read the rows after: every page holds
exactly the cases that slicing the ordered list would give, in the same order."""

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


def test_every_page_in_every_order_is_the_slice_of_the_list(
    configured: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("console.casework.views.PAGE_SIZE", 3)
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
    for ordering in ORDERINGS:
        expected = list(_ordered(ExceptionCase.objects.all(), ordering).values_list("pk", flat=True))
        shown: list[int] = []
        for page in (1, 2, 3):
            html = client.get(f"/cases/?ordering={ordering}&page={page}").content.decode()
            shown += [int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', html)]
        assert shown == expected, ordering
