"""The case list exported: every case its filter selects, formula-safe, audited, of the
person's own entities only, as CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from console.audit.models import AuditEvent
from console.casework.exports import HEADER
from console.casework.models import ExceptionCase
from console.sync.models import LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import feed_token, login
from tests.factories import invoice_event
from tests.unit.console.casework.conftest import ingest

pytestmark = pytest.mark.django_db

HOSTILE = {
    "summary": '=HYPERLINK("http://evil.example","click")',
    "cause_label": "@SUM(A1:A9)",
    "owner_team": "+1+2",
}


def _closed_copies(case: ExceptionCase, n: int) -> None:
    """n resolved cases on the same event (only one may be open): a list longer than a page."""
    now = timezone.now()
    fields = {
        f.name: getattr(case, f.name)
        for f in ExceptionCase._meta.concrete_fields
        if f.name not in ("id", "exposure", "state", "resolved_at")
    }
    ExceptionCase.objects.bulk_create(
        [ExceptionCase(**fields, state="resolved", resolved_at=now - timedelta(minutes=i)) for i in range(n)]
    )


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body, newline="")))


@pytest.fixture
def foreign_case(configured: dict[str, Any]) -> ExceptionCase:
    """A blocked case of FR01, an entity none of the personas holds."""
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    event = invoice_event("fr-secret-order", entity="FR01")
    event["data"]["lines"][0]["tax_code"] = "VAT20"
    [event_id] = ingest(feed_token("FR01"), event)
    events_drain()
    case = ExceptionCase.objects.filter(event_id=event_id).first()
    if case is None:  # FR01 has no mappings at all: whatever it did, give it a case
        ev = SyncEvent.objects.get(pk=event_id)
        now = timezone.now()
        case = ExceptionCase.objects.create(
            event=ev, entity=ev.entity, flow_id=ev.flow_id, category="missing_mapping", severity="medium",
            amount=ev.amount, currency=ev.currency, owner_team="Finance operations", opened_at=now,
            sla_due_at=now + timedelta(hours=8), last_failure_at=now,
        )  # fmt: skip
    return case


def test_csv_holds_every_case_of_the_filter_with_the_header_first(
    blocked_case: ExceptionCase, foreign_case: ExceptionCase
) -> None:
    _closed_copies(blocked_case, 60)  # more than one page of 50
    client = login(Client(), "operator")
    response = client.get("/cases/export.csv?state=all")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert re.match(r'attachment; filename="cases-\d{8}T\d{6}Z\.csv"', response["Content-Disposition"])
    rows = _csv(response)
    assert rows[0] == HEADER
    assert "opened_at (UTC)" in rows[0]
    assert len(rows) == 1 + 61
    assert {row[1] for row in rows[1:]} == {"US01"}  # FR01's case is not the operator's
    first = dict(zip(HEADER, rows[1], strict=True))
    case = ExceptionCase.objects.get(pk=int(first["case_id"]))
    assert Decimal(first["amount"]) == case.amount and first["currency"] == case.currency
    assert first["opened_at (UTC)"] == case.opened_at.astimezone(UTC).isoformat()
    assert first["opened_at (UTC)"].endswith("+00:00")


def test_the_open_filter_exports_the_open_case_only(blocked_case: ExceptionCase) -> None:
    _closed_copies(blocked_case, 3)
    rows = _csv(login(Client(), "controller").get("/cases/export.csv"))
    assert [int(row[0]) for row in rows[1:]] == [blocked_case.pk]


def test_csv_cells_that_would_be_formulas_are_quoted(blocked_case: ExceptionCase) -> None:
    ExceptionCase.objects.filter(pk=blocked_case.pk).update(amount=Decimal("-12.50"), **HOSTILE)
    rows = _csv(login(Client(), "auditor").get("/cases/export.csv"))
    row = dict(zip(HEADER, rows[1], strict=True))
    assert row["summary"] == "'" + HOSTILE["summary"]
    assert row["cause"] == "'@SUM(A1:A9)"
    assert row["owner_team"] == "'+1+2"
    assert row["amount"] == "-12.50"  # our own decimal, not text: it stays a number


def _book(response: Any) -> tuple[str, list[str]]:
    """The sheet's XML and the cell formats (xf elements), by index."""
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        styles = book.read("xl/styles.xml").decode()
        cell_xfs = styles.split("<cellXfs", 1)[1].split("</cellXfs>", 1)[0]
        return book.read("xl/worksheets/sheet1.xml").decode(), re.findall(r"<xf [^>]*>", cell_xfs)


def test_xlsx_writes_strings_as_strings_and_money_as_numbers(blocked_case: ExceptionCase) -> None:
    ExceptionCase.objects.filter(pk=blocked_case.pk).update(amount=Decimal("1234.56"), **HOSTILE)
    response = login(Client(), "operator").get("/cases/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet, formats = _book(response)
    assert "<f>" not in sheet  # no formula anywhere
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in sheet or '=HYPERLINK("http://evil.example"' in sheet
    assert "<v>1234.56</v>" in sheet  # the amount is a number, its currency beside it
    assert "opened_at (UTC)" in sheet and ">USD<" in sheet
    # The cells that look like formulas carry Excel's quote prefix (as typing ' before them does).
    for column in ("N", "O", "P"):  # owner_team, cause, summary
        cell = re.search(rf'<c r="{column}2" s="(\d+)" t="inlineStr">', sheet)
        assert cell is not None, column
        assert 'quotePrefix="1"' in formats[int(cell.group(1))]
    plain = re.search(r'<c r="B2" (?:s="(\d+)" )?t="inlineStr"><is><t>US01</t>', sheet)
    assert plain is not None and (plain.group(1) is None or "quotePrefix" not in formats[int(plain.group(1))])


def test_an_export_is_one_audit_row_with_filter_format_and_count(blocked_case: ExceptionCase) -> None:
    _closed_copies(blocked_case, 4)
    client = login(Client(), "auditor")
    response = client.get("/cases/export.xlsx?state=all&entity=US01&page=2")
    b"".join(response.streaming_content)
    [row] = AuditEvent.objects.filter(action="cases.exported")
    assert row.actor_label == "ada" and row.entity_code == "US01"
    assert row.after_data == {"format": "xlsx", "filter": {"state": "all", "entity": "US01"}, "rows": 5}


def test_an_admin_may_not_export_and_nothing_is_audited(blocked_case: ExceptionCase) -> None:
    client = login(Client(), "admin")
    assert client.get("/cases/export.csv").status_code == 403
    assert client.get("/cases/export.xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="cases.exported").exists()


def test_a_filter_that_does_not_read_exports_nothing(blocked_case: ExceptionCase) -> None:
    response = login(Client(), "operator").get("/cases/export.csv?entity=FR01")
    assert response.status_code == 400
    assert b"entity" in response.content
    assert not AuditEvent.objects.filter(action="cases.exported").exists()


def test_the_list_links_its_exports_with_its_filter(blocked_case: ExceptionCase) -> None:
    page = login(Client(), "operator").get("/cases/?state=all&severity=medium&page=1").content.decode()
    assert 'href="/cases/export.csv?state=all&amp;severity=medium"' in page
    assert 'href="/cases/export.xlsx?state=all&amp;severity=medium"' in page
