"""The run pages: who reads, who runs, who exports; every figure is the count or sum of the list
it links to; every write refused (403) to a role that lacks it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from console.audit.models import AuditEvent
from console.reconciliation.models import ReconciliationRun, RunStatus
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.tables import tables_unchanged
from tests.unit.console.reconciliation.conftest import control_total, ingest, order, run_today, shop_flow, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_run(token: str) -> ReconciliationRun:
    ingest(token, order("order-1"), order("order-2", price="50.00"))
    events_drain()
    ingest(token, order("order-3"))  # received, not posted
    control_total(token, count=3, amounts={"USD": "250.00"})
    return run_today()


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_finance_readers_see_the_runs_and_a_runs_differences(client: Client, day_run: Any, role: str) -> None:
    login(client, role)
    listing = client.get("/reconciliation/")
    assert listing.status_code == 200 and f"/reconciliation/runs/{day_run.pk}/" in listing.content.decode()
    detail = client.get(f"/reconciliation/runs/{day_run.pk}/")
    page = detail.content.decode()
    assert detail.status_code == 200 and "Received but not in Odoo" in page
    case = day_run.differences.get().case_id
    assert f"/cases/{case}/" in page


def test_an_integration_admin_sees_no_run(client: Client, day_run: Any) -> None:
    login(client, "admin")
    assert client.get("/reconciliation/").status_code == 403
    assert client.get(f"/reconciliation/runs/{day_run.pk}/").status_code == 403


def test_the_received_figure_is_the_count_and_sum_of_the_events_it_links_to(client: Client, day_run: Any) -> None:
    login(client, "operator")
    assert day_run.received == {"count": 3, "amounts": {"USD": "250.00"}}
    assert day_run.posted == {"count": 2, "amounts": {"USD": "150.00"}}
    received = client.get(f"/reconciliation/runs/{day_run.pk}/events/")
    assert received.context["figures"].count == 3 and str(received.context["figures"].amounts["USD"]) == "250.00"
    assert len(received.context["page"].object_list) == 3
    posted = client.get(f"/reconciliation/runs/{day_run.pk}/events/?state=posted")
    assert posted.context["figures"].count == 2 and str(posted.context["figures"].amounts["USD"]) == "150.00"
    assert not posted.context["moved"]


def test_the_events_page_says_when_the_list_has_moved_since_the_run(client: Client, day_run: Any) -> None:
    events_drain()  # the third order posts after the run
    login(client, "operator")
    posted = client.get(f"/reconciliation/runs/{day_run.pk}/events/?state=posted")
    assert posted.context["figures"].count == 3 and posted.context["moved"]
    assert "The run counted 2 (150.00 USD) when it ran" in posted.content.decode()


@pytest.mark.parametrize("role", ["operator", "controller"])
def test_operators_and_controllers_run_a_day_from_the_page(client: Client, token: str, role: str) -> None:
    login(client, role)
    response = client.post(f"/reconciliation/entities/US01/flows/{shop_flow().pk}/run/", {"day": str(today())})
    run = ReconciliationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reconciliation/runs/{run.pk}/"
    assert run.status == RunStatus.RECONCILED and run.started_by in ("olivia", "carl")


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_a_run_or_a_rerun_by_another_role_is_refused_with_403(client: Client, day_run: Any, role: str) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.post(f"/reconciliation/runs/{day_run.pk}/again/").status_code == 403
        start = client.post(f"/reconciliation/entities/US01/flows/{shop_flow().pk}/run/", {"day": str(today())})
        assert start.status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: Client, day_run: Any) -> None:
    with tables_unchanged():
        response = client.post(f"/reconciliation/runs/{day_run.pk}/again/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_future_day_is_refused_with_its_reason(client: Client, token: str) -> None:
    login(client, "operator")
    with tables_unchanged():
        response = client.post(
            f"/reconciliation/entities/US01/flows/{shop_flow().pk}/run/", {"day": "2999-01-01"}, follow=True
        )
    assert "has not begun yet" in response.content.decode()


def test_rerunning_from_the_page_replaces_the_figures(client: Client, day_run: Any, token: str) -> None:
    events_drain()
    control_total(token, count=3, amounts={"USD": "250.00"})
    login(client, "controller")
    client.post(f"/reconciliation/runs/{day_run.pk}/again/")
    day_run.refresh_from_db()
    assert day_run.status == RunStatus.RECONCILED and day_run.runs == 2 and day_run.posted["count"] == 3


def test_a_case_of_the_run_leads_back_to_it(client: Client, day_run: Any) -> None:
    login(client, "operator")
    case = day_run.differences.get().case_id
    response = client.get(f"/reconciliation/cases/{case}/")
    assert response.status_code == 302 and response["Location"] == f"/reconciliation/runs/{day_run.pk}/"
    page = client.get(f"/cases/{case}/").content.decode()
    assert f"/reconciliation/cases/{case}/" in page


def test_the_auditor_exports_each_reconciled_day_with_its_figures_and_chain_range(
    client: Client, day_run: Any, token: str
) -> None:
    events_drain()
    run = run_today()
    assert run.status == RunStatus.RECONCILED
    login(client, "auditor")
    response = client.get(f"/reconciliation/evidence/?start={today()}&end={today()}")
    assert response.status_code == 200
    assert f"chain-{run.audit_sequence}-{run.audit_sequence}" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["day", "entity", "flow", "status"]
    day = dict(zip(rows[0], rows[1], strict=True))
    assert (day["day"], day["entity"], day["flow"], day["status"]) == (
        str(today()),
        "US01",
        shop_flow().name,
        "reconciled",
    )
    assert (day["source_count"], day["source_amounts"], day["source_origin"]) == ("3", "250.00 USD", "api")
    assert (day["received_count"], day["posted_amounts"], day["odoo_count"]) == ("3", "250.00 USD", "3")
    assert day["audit_sequence"] == str(run.audit_sequence)
    assert rows[-1][0] == "# chain range" and f"first_sequence={run.audit_sequence}" in rows[-1]
    assert AuditEvent.objects.filter(action="reconciliation.evidence_exported").count() == 1


def test_an_evidence_cell_never_starts_a_formula(client: Client, day_run: Any, token: str) -> None:
    from console.sync.models import Flow

    Flow.objects.filter(pk=shop_flow().pk).update(name='=HYPERLINK("http://x")')
    events_drain()
    run_today()
    login(client, "auditor")
    rows = list(
        csv.reader(io.StringIO(client.get(f"/reconciliation/evidence/?start={today()}&end={today()}").content.decode()))
    )
    assert rows[1][2].startswith("'=")


@pytest.mark.parametrize("role", ["operator", "controller", "admin"])
def test_evidence_is_the_auditors_to_export(client: Client, day_run: Any, role: str) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.get(f"/reconciliation/evidence/?start={today()}&end={today()}").status_code == 403


def test_a_bad_period_is_a_400_naming_it(client: Client, day_run: Any) -> None:
    login(client, "auditor")
    with tables_unchanged():
        response = client.get("/reconciliation/evidence/?start=2026-12-05&end=2026-12-01")
    assert response.status_code == 400 and "ends before it starts" in response.content.decode()


def test_a_runs_audit_row_links_to_its_page(day_run: Any) -> None:
    from console.audit.templatetags.audit_links import audit_subject

    subject = audit_subject("reconciliation_run", str(day_run.pk))
    assert subject is not None and subject.url == f"/reconciliation/runs/{day_run.pk}/"
    assert audit_subject("reconciliation_run", "../1") is None
