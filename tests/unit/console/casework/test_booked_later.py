"""Events Odoo booked in a later period: their story, their cases' rows, and the dashboard's
number, which is the count of the list it links to."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from console.casework.models import ExceptionCase
from console.casework.services.actions import case_retry
from console.sync.models import LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.factories import journal_entry_event, with_data
from tests.unit.console.casework.conftest import ingest, person
from tests.unit.console.sync.test_closed_periods import hold

pytestmark = pytest.mark.django_db

NOTE = "booked in a later period (source 2026-03-15, Odoo 2026-07-31)"


@pytest.fixture
def locked(configured: dict[str, Any]) -> dict[str, Any]:
    configured["sandbox"].control.set_today("2026-12-02")
    configured["sandbox"].control.set_lock_date(1, "2026-06-30")
    return configured


def entries(token: str, *days: str, entity: str = "US01") -> list[int]:
    return ingest(
        token,
        *(
            with_data(journal_entry_event(f"run-{entity}-{n}"), date=day) | {"entity": entity}
            for n, day in enumerate(days)
        ),
    )


def booked_later_link(page: str, flow_name: str) -> tuple[int, str]:
    """The number in the flow's "Booked later" cell and where it links."""
    row = next(r for r in page.split("<tr>") if flow_name in r)
    found = re.search(r'<a class="figure" data-count="(\d+)" href="(/events/list/[^"]*booked_later=1[^"]*)"', row)
    assert found, row
    return int(found.group(1)), html.unescape(found.group(2))


def test_the_story_says_where_odoo_booked_it(locked: dict[str, Any]) -> None:
    [event_id] = entries(locked["token"], "2026-03-15")
    events_drain()
    story = login(Client(), "auditor").get(f"/events/{event_id}/").content.decode()
    assert "Booked in a later period (source 2026-03-15, Odoo 2026-07-31): a lock date in Odoo closed" in story


def test_a_held_case_released_into_a_later_period_says_so_in_the_case_list(locked: dict[str, Any]) -> None:
    hold("payroll", "journal_entry")
    [event_id] = entries(locked["token"], "2026-03-15")
    events_drain()
    case = ExceptionCase.objects.get(event_id=event_id)
    client = login(Client(), "operator")
    assert "Closed period in Odoo" in client.get("/cases/").content.decode()
    olivia, actor = person("operator")
    case_retry(user=olivia, actor=actor, case_id=case.pk, reason="book it in July")
    events_drain()
    rows = client.get("/cases/", {"state": "all"}).content.decode()
    row = next(r for r in rows.split("<tr>") if f"#{case.pk}<" in r)
    assert NOTE in row


def test_the_dashboard_number_is_the_count_of_the_list_it_opens(locked: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    entries(locked["token"], "2026-03-15", "2026-04-01", "2026-11-20")
    events_drain()
    # Another entity's event booked later: counted for nobody here, listed for nobody.
    other = SyncEvent.objects.filter(booked_later=True).first()
    assert other is not None
    SyncEvent.objects.create(
        **{
            f.attname: getattr(other, f.attname)
            for f in SyncEvent._meta.concrete_fields
            if f.attname not in ("id", "external_id", "entity_id")
        },
        external_id="fr-later",
        entity=LegalEntity.objects.get(code="FR01"),
    )
    client = login(Client(), "controller")
    number, link = booked_later_link(client.get("/").content.decode(), "Payroll run → journal entries")
    assert number == 2
    listing = client.get(link)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert 'data-total="2"' in page and "run-US01-0" in page and "run-US01-1" in page
    assert "run-US01-2" not in page and "fr-later" not in page  # booked in its own period; another entity
    window = parse_qs(urlparse(link).query)
    assert set(window) == {"booked_later", "flow", "state", "since", "until"}


def test_a_bad_window_is_refused_naming_the_field(locked: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    answer = client.get(
        "/events/list/", {"booked_later": "1", "state": "posted", "since": "yesterday", "until": "2026-12-02"}
    )
    assert answer.status_code == 400 and b"since" in answer.content
    answer = client.get("/events/list/", {"booked_later": "1", "state": "failed"})
    assert answer.status_code == 400 and b"only a posted event is booked" in answer.content


def test_the_booked_later_list_is_for_case_readers_only(locked: dict[str, Any]) -> None:
    query = {"booked_later": "1", "state": "posted", "since": "2026-12-01T00:00:00Z", "until": "2026-12-02"}
    assert login(Client(), "admin").get("/events/list/", query).status_code == 403
    assert Client().get("/events/list/", query).status_code == 302
