"""manage.py import_statement: a camt.053 or MT940 file imported from the shell, previewed
with --dry-run (nothing stored), and imported again creating nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from console.audit.models import AuditEvent
from console.sources.file_models import StatementFile
from console.sync.models import SyncEvent
from tests.bench.camt_file import write_camt053
from tests.unit.integrations.bank.mt940_documents import VECTORS as MT940_VECTORS

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_statement", *args, stdout=out)
    return out.getvalue()


def test_a_camt_file_is_previewed_then_imported_once(configured: dict[str, Any], tmp_path: Path) -> None:
    camt = write_camt053(tmp_path / "day.xml", 5, currency="USD")
    preview = run(str(camt.path), "--source", "bankfeed", "--entity", "US01", "--dry-run")
    assert "5 entries: 5 new, 0 imported before, 0 refused; nothing stored" in preview
    assert StatementFile.objects.count() == 0 and SyncEvent.objects.count() == 0

    first = run(str(camt.path), "--source", "bankfeed", "--entity", "US01")
    assert "1 statements, 5 entries: 5 new, 0 imported before, 0 refused" in first and "balanced" in first
    again = run(str(camt.path), "--source", "bankfeed", "--entity", "US01")
    assert "5 entries: 0 new, 5 imported before" in again
    assert SyncEvent.objects.filter(kind="bank_statement_line").count() == 5
    assert AuditEvent.objects.filter(action="statement_file.imported").count() == 2


def test_a_refused_file_names_where_and_stores_nothing(configured: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "bomb.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>')
    with pytest.raises(CommandError, match=r"bomb\.xml: .*DOCTYPE"):
        run(str(bad), "--source", "bankfeed", "--entity", "US01", "--format", "camt053")
    assert StatementFile.objects.count() == 0


def test_an_mt940_file_is_told_by_its_text_previewed_imported_once_and_judged_per_statement(
    configured: dict[str, Any],
) -> None:
    knab = str(MT940_VECTORS / "jejik_knab.sta")
    preview = run(knab, "--source", "bankfeed", "--entity", "US01", "--dry-run")
    assert "2 statements, 3 entries: 3 new, 0 imported before, 0 refused; nothing stored" in preview
    assert "statement 1 123456789 #998/1: 1 entries, total 500.00 EUR; balances" in preview
    assert "statement 2 123456789 #999/1: 2 entries, total -6,760.00 EUR; does not balance" in preview
    assert StatementFile.objects.count() == 0

    first = run(knab, "--source", "bankfeed", "--entity", "US01")
    assert "2 statements, 3 entries: 3 new, 0 imported before, 0 refused" in first
    assert "statement 1 123456789 #998/1: balanced" in first
    assert "statement 2 123456789 #999/1: held: " in first
    again = run(knab, "--source", "bankfeed", "--entity", "US01", "--format", "mt940")
    assert "3 entries: 0 new, 3 imported before" in again
    assert SyncEvent.objects.filter(kind="bank_statement_line").count() == 3


def test_a_refused_mt940_file_names_its_line_and_stores_nothing(configured: dict[str, Any], tmp_path: Path) -> None:
    bad = tmp_path / "cut.sta"
    bad.write_bytes((MT940_VECTORS / "jejik_knab.sta").read_bytes().replace(b"C500NTRF", b"C5.00NTRF"))
    with pytest.raises(CommandError, match=r"cut\.sta: line 17: the :61: amount is not an amount: '5\.00'"):
        run(str(bad), "--source", "bankfeed", "--entity", "US01")
    assert StatementFile.objects.count() == 0
