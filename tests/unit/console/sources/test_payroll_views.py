"""The payroll file pages: upload, preview (nothing stored), confirm; the file log; a held run
released from its file's page; and who may do which."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from console.sources.payroll_models import PayrollFile, PayrollRun
from console.sync.models import EventState, LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.tables import tables_unchanged
from tests.unit.console.sources.payroll_pieces import (
    FIRST_RUN,
    bring_in_payroll,
    disagreeing_company_debit,
    payroll_mapped,
    processed,
)
from tests.unit.integrations.payroll.payroll_files import HISTORY, vector

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(configured: dict[str, Any]) -> dict[str, Any]:
    payroll_mapped()
    return configured


@pytest.fixture
def held(mapped: dict[str, Any]) -> PayrollRun:
    file = bring_in_payroll(disagreeing_company_debit(), name="may.json")
    events_drain()
    return file.runs.get(position=1)


def upload(client: Client, content: bytes, name: str = "payroll.json", **fields: str) -> Any:
    data = {"entity": "US01", "source": "payroll", "format": "", "profile": "default", **fields}
    return client.post("/files/payroll/upload/", {**data, "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize("role", ["auditor", "controller"])
def test_who_may_not_import_gets_403_on_upload_and_confirm(client: Client, mapped: dict[str, Any], role: str) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.get("/files/payroll/upload/").status_code == 403
        assert upload(client, processed()).status_code == 403
        assert client.post("/files/payroll/confirm/", {"entity": "US01", "source": "payroll"}).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_who_may_not_release_gets_403_and_the_run_stays_held(client: Client, held: PayrollRun, role: str) -> None:
    login(client, role)
    with tables_unchanged():
        response = client.post(f"/files/payroll/runs/{held.pk}/release/", {"reason": "looks fine"})
    assert response.status_code == 403
    assert SyncEvent.objects.get(pk=held.event_id).state == EventState.BLOCKED


def test_an_entity_not_granted_is_refused_on_every_write_path(client: Client, mapped: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="US02", name="Acme West", odoo_company_id=1, currency="USD")
    foreign = bring_in_payroll(disagreeing_company_debit(), entity="US02").runs.get(position=1)
    login(client, "operator")
    with tables_unchanged():
        assert upload(client, processed(), entity="US02").status_code == 400  # not a choice the form offers
        confirm = {"entity": "US02", "source": "payroll", "format": "gusto_json", "sha256": "0" * 64, "name": "x"}
        assert client.post("/files/payroll/confirm/", confirm).status_code == 400
        assert client.post(f"/files/payroll/runs/{foreign.pk}/release/", {"reason": "x"}).status_code == 404
        assert client.get(f"/files/payroll/{foreign.file_id}/").status_code == 404


def test_the_preview_shows_each_run_and_its_controls_and_stores_nothing(client: Client, mapped: dict[str, Any]) -> None:
    login(client, "operator")
    with tables_unchanged():
        page = upload(client, disagreeing_company_debit())
    assert page.status_code == 200
    html = page.content.decode()
    assert FIRST_RUN in html and "2024-05-31" in html and "$30,741.58" in html
    assert "company debit 30,000.00 USD != net pay + taxes + reimbursements + child support debited" in html
    assert "difference -741.58 USD" in html and "Its entry will wait until a person releases it." in html
    assert html.count('data-status="new"') == 2 and html.count('data-status="held"') == 1
    assert '<span data-figure="new">3</span> new (<span data-figure="held">1</span> to be held)' in html
    assert "0 earlier runs: no average of six to compare with yet." in html


def test_confirming_the_preview_imports_the_runs_once(client: Client, mapped: dict[str, Any]) -> None:
    login(client, "operator")
    preview = upload(client, processed())
    confirm = {field.name: field.value() for field in preview.context["confirm"]}
    confirm = {name: "" if value is None else value for name, value in confirm.items()}
    response = client.post("/files/payroll/confirm/", confirm)
    file = PayrollFile.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/files/payroll/{file.pk}/"
    assert (file.new_count, file.uploaded_by_label, file.format) == (3, "olivia", "gusto_json")
    assert SyncEvent.objects.filter(kind="journal_entry").count() == 3
    # The preview again: every run imported before; a second confirmation adds nothing.
    again = upload(client, processed())
    assert again.content.count(b'data-status="known"') == 3
    client.post("/files/payroll/confirm/", confirm)
    assert SyncEvent.objects.filter(kind="journal_entry").count() == 3


def test_a_refused_file_names_where_and_stores_nothing(client: Client, mapped: dict[str, Any]) -> None:
    login(client, "operator")
    with tables_unchanged():
        page = upload(client, vector(HISTORY))
    assert page.status_code == 400
    assert b"refused: payrolls[0].totals.net_pay: is required" in page.content


def test_a_gl_export_without_its_run_id_is_refused_naming_what_is_missing(
    client: Client, mapped: dict[str, Any]
) -> None:
    login(client, "operator")
    csv = b"account,debit,credit,description,department\n6000,100.00,,wages,\n2100,,100.00,payable,\n"
    page = upload(client, csv, name="gl.csv", pay_date="2026-11-30")
    assert page.status_code == 400 and b"has no run id column: the upload must name the run" in page.content
    named = upload(client, csv, name="gl.csv", pay_date="2026-11-30", run_id="2026-11-B")
    assert named.status_code == 200 and b"2026-11-B" in named.content and b"$100.00" in named.content


def test_an_operator_releases_a_held_run_from_its_file_page(client: Client, held: PayrollRun) -> None:
    login(client, "operator")
    page = client.get(f"/files/payroll/{held.file_id}/")
    assert page.status_code == 200
    assert b"difference -741.58 USD" in page.content and b"Release the hold" in page.content
    response = client.post(f"/files/payroll/runs/{held.pk}/release/", {"reason": "Gusto's debit notice agrees"})
    assert response.status_code == 302
    events_drain()
    assert SyncEvent.objects.get(pk=held.event_id).state == EventState.POSTED
    page = client.get(f"/files/payroll/{held.file_id}/")
    assert b"Gusto&#x27;s debit notice agrees" in page.content and b'data-hold="released"' in page.content


def test_a_release_without_a_reason_changes_nothing(client: Client, held: PayrollRun) -> None:
    login(client, "operator")
    with tables_unchanged():
        response = client.post(f"/files/payroll/runs/{held.pk}/release/", {"reason": ""}, follow=True)
    assert b"Say why you release it." in response.content


def test_the_file_log_counts_what_its_lists_hold(client: Client, held: PayrollRun) -> None:
    login(client, "auditor")
    index = client.get("/files/payroll/")
    assert index.status_code == 200 and b"may.json" in index.content
    assert b"Import a payroll file" not in index.content  # an auditor reads, never imports
    detail = client.get(f"/files/payroll/{held.file_id}/")
    assert detail.content.count(b"<tr data-run=") == 3 and b"3 new (1 held)" in detail.content
    assert b"Release the hold" not in detail.content
    assert client.get("/files/").content.count(b'href="/files/payroll/"') >= 1
