"""Every number on the dashboard is the count of the list it links to, for every role; a role
that may not open the list sees the number without a link."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from console.sync.models import LegalEntity
from console.sync.services.drain import events_drain
from tests.conftest import PERSONAS, feed_token, login
from tests.factories import invoice_event, vendor_bill_event, with_data
from tests.unit.console.casework.conftest import ingest, unmapped_invoice

pytestmark = pytest.mark.django_db


class _Figures(HTMLParser):
    """Every element of class "figure" (its data-count and href), and a list's stated total."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[tuple[int, str | None]] = []
        self.total: int | None = None
        self.money: list[str] = []
        self._money = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if "figure" in classes:
            self.figures.append((int(values["data-count"] or "-1"), values.get("href")))
        if "total" in classes:
            self.total = int(values["data-total"] or "-1")
        self._money = "total-money" in classes or "tile-money" in classes

    def handle_data(self, data: str) -> None:
        if self._money:
            self.money.append(data.strip())
            self._money = False


def read(client: Client, url: str) -> _Figures:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parsed = _Figures()
    parsed.feed(response.content.decode())
    return parsed


@pytest.fixture
def busy_day(configured: dict[str, Any]) -> None:
    """Posted events, blocked ones, one Odoo refuses, repeats and a conflict, and events of an
    entity nobody here holds."""
    refused = vendor_bill_event("bill-negative")
    refused["data"]["lines"][0]["unit_price"] = "-12.50"
    ingest(
        configured["token"],
        invoice_event("ok-1"),
        invoice_event("ok-2"),
        unmapped_invoice("blocked-1", price="100.00"),
        unmapped_invoice("blocked-2", price="-250.00"),
        refused,
    )
    events_drain()
    LegalEntity.objects.create(code="DE01", name="Acme GmbH", odoo_company_id=3, currency="EUR")
    ingest(
        configured["token"],
        invoice_event("ok-1"),  # the same again
        with_data(invoice_event("ok-2"), reference="#1002"),  # the same key, other content
        unmapped_invoice("blocked-1", price="100.00"),
    )
    ingest(
        feed_token("DE01"),
        invoice_event("foreign-1", entity="DE01"),
        unmapped_invoice("foreign-2") | {"entity": "DE01"},
    )
    events_drain()


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_every_dashboard_number_is_the_count_of_the_list_it_opens(busy_day: None, role: str) -> None:
    client = login(Client(), role)
    dashboard = read(client, "/")
    assert len(dashboard.figures) > 30  # aging tiles, six per flow, two bars per trend day
    assert any(count > 0 for count, _ in dashboard.figures)
    for count, href in dashboard.figures:
        assert href, f"a number without a link for {PERSONAS[role]}"
        listed = read(client, href)
        assert listed.total == count, (href, count, listed.total)


def test_an_age_tile_states_the_money_its_list_states(busy_day: None) -> None:
    client = login(Client(), "operator")
    response = client.get("/").content.decode()
    assert 'href="/cases/?age=0-1d"' in response
    tile = read(client, "/")
    cases = read(client, "/cases/?age=0-1d")
    # Gross: blocked 100.00 and -250.00, the refused bill -125.00, the conflicting ok-2 100.00.
    assert tile.money[0] == cases.money[0] == "$575.00"


def test_a_role_that_may_not_open_the_lists_sees_the_numbers_without_links(busy_day: None) -> None:
    client = login(Client(), "admin")
    dashboard = read(client, "/")
    assert dashboard.figures and all(href is None for _, href in dashboard.figures)
    assert client.get("/events/list/?state=failed").status_code == 403
