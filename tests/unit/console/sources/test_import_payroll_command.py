"""manage.py import_payroll: a Gusto file previewed with --dry-run (nothing stored), imported,
and imported again creating nothing; a GL export named by --run-id and --pay-date; refusals."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from console.audit.models import AuditEvent
from console.sources.payroll_models import PayrollFile
from console.sync.models import SyncEvent
from tests.unit.console.sources.payroll_pieces import FIRST_RUN, disagreeing_company_debit, gl_export, processed
from tests.unit.integrations.payroll.payroll_files import VECTORS

pytestmark = pytest.mark.django_db
TARGET = ("--source", "payroll", "--entity", "US01")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_payroll", *args, stdout=out)
    return out.getvalue()


def test_a_gusto_file_is_previewed_then_imported_once(configured: dict[str, Any], tmp_path: Path) -> None:
    path = VECTORS / "gusto_get-v1-companies-company_id-payrolls-processed-payrolls.json"
    preview = run(str(path), *TARGET, "--dry-run")
    assert "3 runs: 3 new (0 to be held), 0 imported before, 0 conflicting, 0 cannot post; nothing stored" in preview
    assert f"run 1 {FIRST_RUN} 2024-05-31: total 30,741.58 USD, new: agrees" in preview
    assert PayrollFile.objects.count() == 0 and SyncEvent.objects.count() == 0

    first = run(str(path), *TARGET)
    assert "3 runs: 3 new (0 held), 0 imported before, 0 conflicting, 0 cannot post" in first
    again = run(str(path), *TARGET)
    assert "3 runs: 0 new (0 held), 3 imported before" in again
    assert SyncEvent.objects.filter(kind="journal_entry").count() == 3
    assert AuditEvent.objects.filter(action="payroll_file.imported").count() == 2


def test_a_run_that_does_not_agree_is_printed_held_with_its_difference(
    configured: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "may.json"
    path.write_bytes(disagreeing_company_debit())
    said = run(str(path), *TARGET)
    assert "3 runs: 3 new (1 held)" in said
    assert f"run 1 {FIRST_RUN} 2024-05-31: held event" in said and "difference -741.58 USD" in said


def test_a_gl_export_takes_its_run_id_and_pay_date_from_the_command(configured: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "gl.csv"
    path.write_bytes(gl_export(("6000", "1200.00", "", "wages"), ("2100", "", "1200.00", "payable")))
    with pytest.raises(CommandError, match=r"gl\.csv: profile default has no run id column"):
        run(str(path), *TARGET, "--pay-date", "2026-11-30")
    with pytest.raises(CommandError, match="is not a date YYYY-MM-DD"):
        run(str(path), *TARGET, "--run-id", "2026-11-B", "--pay-date", "30/11/2026")
    named = ("--format", "gl_csv", "--profile", "default", "--run-id", "2026-11-B", "--pay-date", "2026-11-30")
    said = run(str(path), *TARGET, *named)
    assert "1 runs: 1 new" in said and "run 1 2026-11-B 2026-11-30: new event" in said
    assert SyncEvent.objects.get().external_id == "payroll-run:2026-11-B"


def test_a_refused_file_names_where_and_stores_nothing(configured: dict[str, Any], tmp_path: Path) -> None:
    path = VECTORS / "gusto_payroll-history-test-data.json"
    with pytest.raises(CommandError, match=r"payrolls\[0\]\.totals\.net_pay: is required"):
        run(str(path), *TARGET)
    with pytest.raises(CommandError, match="no source 'nope'"):
        run(str(path), "--source", "nope", "--entity", "US01")
    assert PayrollFile.objects.count() == 0


def test_a_person_named_by_by_needs_the_role(configured: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_bytes(processed())
    with pytest.raises(CommandError, match="importing a payroll file needs the role"):
        run(str(path), *TARGET, "--by", "ada")
    assert "3 new" in run(str(path), *TARGET, "--by", "olivia")
    assert PayrollFile.objects.get().uploaded_by_label == "olivia"
