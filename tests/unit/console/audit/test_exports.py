"""CSV exports: the header on line 1, the chain range in the file name and in a last row that
spreadsheets read as any row; every cell formula-safe."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from console.audit.actors import Actor
from console.audit.exports import COLUMNS, RANGE_MARK
from console.audit.models import AuditEvent
from console.audit.services import AuditEntry, audit_record_many
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(configured: dict[str, Any]) -> list[AuditEvent]:
    with transaction.atomic():
        return audit_record_many(
            actor=Actor.system("test"),
            entries=[
                AuditEntry("event.failed", "sync_event", "7", "US01", None, {"state": "failed"}, "=HYPERLINK(1)"),
                AuditEntry("event.posted", "sync_event", "8", "US01", None, {"amount": -5}),
                AuditEntry("event.posted", "sync_event", "9", "US01", None, {"state": "posted"}, "@SUM(A1)"),
            ],
        )


def _export(client: Client, query: str) -> tuple[str, list[list[str]]]:
    response = login(client, "auditor").get(f"/audit/export.csv?{query}")
    assert response.status_code == 200
    return response["Content-Disposition"], list(csv.reader(io.StringIO(response.content.decode())))


def test_the_header_is_line_one_and_the_range_the_last_row(trail: list[AuditEvent], client: Client) -> None:
    _, rows = _export(client, "entity=US01&object_type=sync_event")
    first, last = trail[0], trail[-1]
    assert rows[0] == list(COLUMNS)
    assert [r[COLUMNS.index("object_id")] for r in rows[1:-1]] == ["7", "8", "9"]
    assert rows[-1] == [
        RANGE_MARK,
        "rows=3",
        f"first_sequence={first.sequence}",
        f"first_prev_hash={first.prev_hash}",
        f"last_sequence={last.sequence}",
        f"last_hash={last.hash}",
    ]


def test_the_range_is_in_the_file_name(trail: list[AuditEvent], client: Client) -> None:
    disposition, _ = _export(client, "entity=US01&object_type=sync_event")
    first, last = trail[0], trail[-1]
    name = f"audit-trail_{first.sequence}-{first.prev_hash[:16]}_{last.sequence}-{last.hash[:16]}.csv"
    assert disposition == f'attachment; filename="{name}"'


def test_an_empty_export_says_so(trail: list[AuditEvent], client: Client) -> None:
    disposition, rows = _export(client, "entity=US01&object_id=no-such-object")
    assert disposition == 'attachment; filename="audit-trail_empty.csv"'
    assert rows == [list(COLUMNS), [RANGE_MARK, "rows=0"]]


def test_a_dict_reader_reads_the_rows_and_the_cells_are_formula_safe(trail: list[AuditEvent], client: Client) -> None:
    response = login(client, "auditor").get("/audit/export.csv?entity=US01&object_type=sync_event")
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    records = list(reader)
    assert records[0]["reason"] == "'=HYPERLINK(1)" and records[2]["reason"] == "'@SUM(A1)"
    assert records[1]["after"] == '{"amount": -5}'
    assert records[-1]["sequence"] == RANGE_MARK
    for record in records:
        for cell in record.values():
            assert cell is None or cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell


def test_the_json_export_is_named_by_its_range_too(trail: list[AuditEvent], client: Client) -> None:
    response = login(client, "auditor").get("/audit/export.json?entity=US01&object_type=sync_event")
    last = trail[-1]
    assert f"_{last.sequence}-{last.hash[:16]}.json" in response["Content-Disposition"]
    assert response.json()["range"]["last_hash"] == last.hash
