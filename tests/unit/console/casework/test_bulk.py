"""Bulk actions over a filter: a dry run with count and money, then a background run
through the one-case services, with progress and a summary; audited at both ends."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.audit.models import AuditEvent
from console.casework.models import BulkRun, BulkState, CaseState, ExceptionCase
from console.casework.services.actions import case_dismiss
from console.casework.services.bulk import bulk_execute
from console.sync.models import LegalEntity
from console.sync.services.drain import events_drain
from tests.conftest import feed_token, login
from tests.tables import table_changes, tables_unchanged
from tests.unit.console.casework.conftest import ingest, person, unmapped_invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_cases(configured: dict[str, Any]) -> list[ExceptionCase]:
    ingest(
        configured["token"],
        unmapped_invoice("bulk-1", price="100.00"),
        unmapped_invoice("bulk-2", price="200.00"),
        unmapped_invoice("bulk-3", price="25000.00"),
    )
    events_drain()
    return list(ExceptionCase.objects.order_by("pk"))


def preview(client: Client, action: str, query: str = "category=missing_mapping", **extra: str) -> BulkRun:
    response = client.post("/cases/bulk/", {"action": action, "filter": query, **extra})
    assert response.status_code == 302, response.content
    run = BulkRun.objects.latest("pk")
    assert response["Location"] == f"/cases/bulk/{run.pk}/"
    return run


def test_dry_run_then_retry_every_case_of_the_filter(three_cases: list[ExceptionCase]) -> None:
    client = login(Client(), "operator")
    with table_changes() as dry_run:
        run = preview(client, "retry")
        page = client.get(f"/cases/bulk/{run.pk}/")
    assert run.state == BulkState.PREVIEWED and run.total == 3 and run.money == {"USD": "25300.00"}
    assert b"Run it on 3 cases" in page.content and b"$25,300.00" in page.content
    # A dry run changes nothing: its own row is all it writes (no case moved, nothing audited).
    assert dry_run.counts() == {"casework.BulkRun": (1, 0, 0)}

    assert client.post(f"/cases/bulk/{run.pk}/run/").status_code == 302
    assert AuditEvent.objects.filter(action="case.bulk_started", object_id=str(run.pk)).count() == 1
    with tables_unchanged():  # started once: a second click is refused, not a second run
        again = client.post(f"/cases/bulk/{run.pk}/run/", follow=True)
    assert "is queued already" in again.content.decode()
    run = bulk_execute(run.pk)  # what the Celery task runs
    assert run.state == BulkState.DONE and (run.succeeded, run.skipped, run.processed) == (3, 0, 3)
    assert AuditEvent.objects.filter(action="case.retried").count() == 3
    assert AuditEvent.objects.filter(action="case.bulk_finished", object_id=str(run.pk)).count() == 1
    retried = ExceptionCase.objects.filter(pk__in=[case.pk for case in three_cases])
    assert set(retried.values_list("state", "event__state")) == {(CaseState.IN_PROGRESS, "queued")}
    progress = client.get(f"/cases/bulk/{run.pk}/", HTTP_HX_REQUEST="true")
    assert b'value="3"' in progress.content and b"hx-trigger" not in progress.content  # polling stops when done
    with tables_unchanged():  # a redelivered message does not run it twice
        assert bulk_execute(run.pk).succeeded == 3


def test_bulk_dismiss_sends_material_cases_for_approval_and_skips_what_moved(
    three_cases: list[ExceptionCase],
) -> None:
    olivia, actor = person("operator")
    client = login(Client(), "operator")
    run = preview(client, "dismiss", reason="test orders from the staging shop")
    client.post(f"/cases/bulk/{run.pk}/run/")
    case_dismiss(user=olivia, actor=actor, case_id=three_cases[0].pk, reason="by hand meanwhile")
    run = bulk_execute(run.pk)
    assert (run.succeeded, run.waiting_approval, run.skipped) == (1, 1, 1)
    assert run.problems[0]["case"] == three_cases[0].pk and "dismissed" in run.problems[0]["message"]
    dismissed = ExceptionCase.objects.select_related("event").get(pk=three_cases[1].pk)
    assert (dismissed.state, dismissed.event.state) == (CaseState.DISMISSED, "dismissed")
    material = ExceptionCase.objects.select_related("event").get(pk=three_cases[2].pk)
    assert (material.state, material.event.state) == (CaseState.WAITING_APPROVAL, "blocked")
    # The case dismissed by hand meanwhile is dismissed once: by hand, not again by the run.
    assert AuditEvent.objects.filter(action="case.dismissed", object_id=str(three_cases[0].pk)).count() == 1


def test_a_dismissal_without_reason_is_refused_before_anything(three_cases: list[ExceptionCase]) -> None:
    client = login(Client(), "operator")
    with tables_unchanged():
        response = client.post("/cases/bulk/", {"action": "dismiss", "filter": ""}, follow=True)
    assert b"a bulk dismissal needs a reason" in response.content


def test_a_worker_that_died_mid_run_is_resumed(three_cases: list[ExceptionCase]) -> None:
    client = login(Client(), "operator")
    run = preview(client, "retry")
    client.post(f"/cases/bulk/{run.pk}/run/")
    BulkRun.objects.filter(pk=run.pk).update(state=BulkState.RUNNING, processed=1, succeeded=1)
    run = bulk_execute(run.pk)
    assert run.state == BulkState.DONE and run.processed == 3 and run.succeeded == 3
    assert AuditEvent.objects.filter(action="case.retried").count() == 2  # the first was done before the crash


def test_the_filter_reaches_only_visible_cases(three_cases: list[ExceptionCase], configured: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    ingest(feed_token("FR01"), unmapped_invoice("fr-bulk-1") | {"entity": "FR01"})
    events_drain()
    foreign = ExceptionCase.objects.get(entity__code="FR01")
    assert foreign.is_open  # a case the filter would select, were FR01 granted
    client = login(Client(), "operator")
    run = preview(client, "retry", query="")
    assert run.total == 3 and foreign.pk not in run.case_ids
    assert run.money == {"USD": "25300.00"}  # FR01's money is not counted either


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_roles_without_case_actions_get_403(three_cases: list[ExceptionCase], role: str) -> None:
    client = login(Client(), role)
    with tables_unchanged():
        assert client.post("/cases/bulk/", {"action": "retry", "filter": ""}).status_code == 403
        assert client.get("/cases/bulk/new/").status_code == 403
    assert b"Bulk action" not in login(Client(), role).get("/cases/").content


def test_a_controller_may_assign_but_not_retry_in_bulk(three_cases: list[ExceptionCase]) -> None:
    client = login(Client(), "controller")
    with tables_unchanged():
        assert client.post("/cases/bulk/", {"action": "retry", "filter": ""}).status_code == 400  # not a choice
    run = preview(client, "assign", assignee="olivia")
    assert run.total == 3
    # Someone else's run is not theirs to see or start.
    other = login(Client(), "operator")
    with tables_unchanged():
        assert other.get(f"/cases/bulk/{run.pk}/").status_code == 404
        assert other.post(f"/cases/bulk/{run.pk}/run/").status_code == 404
    client.post(f"/cases/bulk/{run.pk}/run/")
    assert bulk_execute(run.pk).succeeded == 3
    assigned = ExceptionCase.objects.filter(pk__in=[case.pk for case in three_cases])
    assert set(assigned.values_list("assignee__username", flat=True)) == {"olivia"}
    assert AuditEvent.objects.filter(action="case.assigned", actor_label="carl").count() == 3


def test_only_an_active_operator_may_be_the_assignee(three_cases: list[ExceptionCase]) -> None:
    client = login(Client(), "controller")
    page = client.get("/cases/bulk/new/").content.decode()
    assert '<option value="olivia">olivia</option>' in page and '<option value="carl">' not in page
    for name in ("carl", "nobody"):  # a controller, and no one at all
        with tables_unchanged():
            refused = client.post("/cases/bulk/", {"action": "assign", "filter": "", "assignee": name})
        assert refused.status_code == 400 and b"not one of the available choices" in refused.content
    olivia, _ = person("operator")
    olivia.is_active = False
    olivia.save(update_fields=["is_active"])
    with tables_unchanged():
        gone = client.post("/cases/bulk/", {"action": "assign", "filter": "", "assignee": "olivia"})
    assert gone.status_code == 400


def test_the_bulk_form_follows_an_htmx_filter_change(three_cases: list[ExceptionCase]) -> None:
    client = login(Client(), "operator")
    partial = client.get("/cases/?severity=high&category=invalid_tax", HTTP_HX_REQUEST="true")
    panel = '/cases/bulk/new/?severity=high&amp;category=invalid_tax"'
    assert f'hx-get="{panel}' in partial.content.decode()  # the panel reads its form when opened
    form = client.get("/cases/bulk/new/?severity=high&category=invalid_tax", HTTP_HX_REQUEST="true").content
    assert b'name="filter" value="severity=high&amp;category=invalid_tax"' in form and b"<html" not in form


def test_the_bulk_form_opens_as_a_page_without_htmx(three_cases: list[ExceptionCase]) -> None:
    page = login(Client(), "operator").get("/cases/bulk/new/?severity=high").content.decode()
    assert "<h1>Bulk action on every case of a filter</h1>" in page
    assert 'href="/cases/?severity=high"' in page and 'value="severity=high"' in page


def test_a_database_error_on_one_case_skips_it_and_the_run_goes_on(
    three_cases: list[ExceptionCase], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from console.casework.services import actions

    real = actions.case_retry

    def flaky(**kwargs: Any) -> ExceptionCase:
        if kwargs["case_id"] == three_cases[1].pk:
            raise OperationalError("deadlock detected")
        return real(**kwargs)

    monkeypatch.setattr(actions, "case_retry", flaky)
    client = login(Client(), "operator")
    run = preview(client, "retry")
    client.post(f"/cases/bulk/{run.pk}/run/")
    run = bulk_execute(run.pk)
    assert run.state == BulkState.DONE and (run.succeeded, run.skipped) == (2, 1)
    assert "database error" in run.problems[0]["message"]
    assert ExceptionCase.objects.get(pk=three_cases[1].pk).state == CaseState.OPEN  # the skipped one, untouched
    retried = AuditEvent.objects.filter(action="case.retried").values_list("object_id", flat=True)
    assert sorted(retried) == sorted(str(case.pk) for case in (three_cases[0], three_cases[2]))


def test_a_bulk_dismissal_sends_each_material_case_to_a_controller_and_counts_money_gross(
    configured: dict[str, Any],
) -> None:
    ingest(
        configured["token"],
        unmapped_invoice("bulk-small", price="100.00"),
        unmapped_invoice("bulk-credit", price="-25000.00"),
        unmapped_invoice("bulk-other", price="200.00"),
    )
    events_drain()
    client = login(Client(), "operator")
    run = preview(client, "dismiss", reason="test orders")
    assert run.money == {"USD": "25300.00"}  # gross: the credit note adds, it does not net to -24700.00
    client.post(f"/cases/bulk/{run.pk}/run/")
    run = bulk_execute(run.pk)
    assert (run.succeeded, run.waiting_approval, run.skipped) == (2, 1, 0)
    credit = ExceptionCase.objects.get(event__external_id="bulk-credit")
    assert credit.state == CaseState.WAITING_APPROVAL and credit.event.state == "blocked"
    page = client.get(f"/cases/bulk/{run.pk}/").content.decode()
    assert "1 material, waiting for a controller's approval" in page
