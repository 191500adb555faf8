"""The close view of an entity's month: the documents dated in it that are not in Odoo, held,
failed or booked by Odoo into a later period, each figure the count and gross money of the list
it opens; a document's period is its own date, as an override states it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from console.audit.actors import Actor
from console.reconciliation.close import Period, PeriodError, close_figures, period_events
from console.reconciliation.services.runs import reconciliation_run
from console.sync.models import EventState, Flow, LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.factories import invoice_event, with_data
from tests.unit.console.casework.conftest import ingest, unmapped_invoice

pytestmark = pytest.mark.django_db

NOVEMBER = Period(2026, 11)


def _dated(external_id: str, day: str, price: str = "100.00") -> dict[str, Any]:
    event = with_data(invoice_event(external_id), invoice_date=day)
    event["data"]["lines"][0]["unit_price"] = price
    return event


@pytest.fixture
def month(configured: dict[str, Any]) -> dict[str, Any]:
    token = configured["token"]
    ids = dict(
        zip(
            ["posted", "unmapped", "october"],
            ingest(token, _dated("nov-posted", "2026-11-03"), unmapped_invoice("nov-vat20", "40.00"),
                   _dated("oct-31", "2026-10-31", "7.00")),
            strict=True,
        )
    )  # fmt: skip
    events_drain()
    [ids["queued"]] = ingest(token, _dated("nov-queued", "2026-11-30", "200.00"))
    return {"ids": ids, "entity": LegalEntity.objects.get(code="US01")}


def _figure(figures: list[Any], key: str) -> Any:
    return next(f for f in figures if f.key == key)


def test_each_figure_counts_the_documents_of_the_month_in_that_state(month: dict[str, Any]) -> None:
    ids = month["ids"]
    assert SyncEvent.objects.get(pk=ids["posted"]).state == EventState.POSTED
    assert SyncEvent.objects.get(pk=ids["unmapped"]).state == EventState.BLOCKED
    figures = close_figures(month["entity"].pk, NOVEMBER)
    waiting, attention = _figure(figures, "waiting"), _figure(figures, "attention")
    assert (waiting.count, waiting.money) == (1, {"USD": Decimal("200.00")})  # the untaxed amount, as events carry it
    assert (attention.count, attention.money) == (1, {"USD": Decimal("40.00")})
    assert _figure(figures, "held").count == 0 and _figure(figures, "failed").count == 0
    # The October document is October's, whatever day it arrived.
    october = close_figures(month["entity"].pk, Period(2026, 10))
    assert _figure(october, "attention").count == 0 and _figure(october, "waiting").count == 0
    assert [e.pk for e in period_events(month["entity"].pk, NOVEMBER, "waiting")] == [ids["queued"]]


def test_an_override_of_the_date_moves_the_document_to_its_period(month: dict[str, Any]) -> None:
    SyncEvent.objects.filter(pk=month["ids"]["unmapped"]).update(override={"invoice_date": "2026-12-01"})
    assert _figure(close_figures(month["entity"].pk, NOVEMBER), "attention").count == 0
    assert _figure(close_figures(month["entity"].pk, Period(2026, 12)), "attention").count == 1


def test_a_posting_odoo_booked_into_a_later_month_stays_a_figure_of_its_own_month(month: dict[str, Any]) -> None:
    # As recording.py writes it when Odoo's lock date moves the accounting date past the month.
    SyncEvent.objects.filter(pk=month["ids"]["posted"]).update(
        booked_later=True, source_date=date(2026, 11, 3), odoo_date=date(2026, 12, 1)
    )
    later = _figure(close_figures(month["entity"].pk, NOVEMBER), "booked_later")
    assert (later.count, later.money) == (1, {"USD": Decimal("100.00")})
    assert _figure(close_figures(month["entity"].pk, Period(2026, 12)), "booked_later").count == 0


def test_the_page_states_each_figure_and_its_list_states_the_same(month: dict[str, Any]) -> None:
    client = login(Client(), "controller")
    page = client.get("/close/US01/2026-11/").content.decode()
    counts = dict(re.findall(r'<tr data-figure="(\w+)">.*?data-count="(\d+)"', page, flags=re.S))
    assert counts == {"waiting": "1", "attention": "1", "held": "0", "failed": "0", "booked_later": "0"}
    for key, count in counts.items():
        listing = client.get(f"/close/US01/2026-11/{key}/").content.decode()
        assert f'data-total="{count}"' in listing
        assert listing.count('href="/events/') - listing.count('href="/events/"') == int(count)
    assert "nov-vat20" in client.get("/close/US01/2026-11/attention/").content.decode()


def test_the_start_opens_this_month_of_the_first_entity(month: dict[str, Any]) -> None:
    answer = login(Client(), "operator").get("/close/")
    assert answer.status_code == 302 and re.fullmatch(r"/close/US01/\d{4}-\d{2}/", answer["Location"])


def test_another_entity_a_bad_period_and_an_unknown_figure_are_not_found(month: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    client = login(Client(), "auditor")
    assert client.get("/close/FR01/2026-11/").status_code == 404
    assert client.get("/close/US01/2026-13/").status_code == 404
    assert client.get("/close/US01/2026-11/everything/").status_code == 404
    with pytest.raises(PeriodError, match="YYYY-MM"):
        Period.parse("11/2026")


def test_people_without_a_finance_role_may_not_open_the_close(month: dict[str, Any]) -> None:
    client = login(Client(), "admin")
    for url in ("/close/", "/close/US01/2026-11/", "/close/US01/2026-11/waiting/"):
        assert client.get(url).status_code == 403


def test_periods_step_across_the_year() -> None:
    assert str(Period(2026, 12).next) == "2027-01" and str(Period(2027, 1).previous) == "2026-12"
    assert Period.parse("2026-02").first_day == date(2026, 2, 1)


def test_the_period_shows_each_ended_day_with_its_reconciliation(month: dict[str, Any]) -> None:
    flow = Flow.objects.get(source__code="shopify", event_kind="customer_invoice")
    run = reconciliation_run(
        entity_id=month["entity"].pk, flow_id=flow.pk, day=date(2026, 11, 2), actor=Actor.system("test")
    )
    assert run.status == "reconciled"  # nothing of that day, here or in Odoo
    page = login(Client(), "controller").get("/close/US01/2026-11/").content.decode()
    statuses = dict(re.findall(r'<tr data-day="([\d-]+)" data-status="(\w+)">', page))
    assert len(statuses) == 30 and statuses["2026-11-02"] == "reconciled"
    assert sum(1 for s in statuses.values() if s != "reconciled") == 29
    assert 'data-total="29"' in page
    runs_of_day = f'?entity={month["entity"].pk}&amp;start=2026-11-02&amp;end=2026-11-02" class="figure" data-count="1"'
    assert runs_of_day in page
