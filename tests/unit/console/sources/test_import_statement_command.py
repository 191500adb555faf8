"""manage.py import_statement: a camt.053 file imported from the shell, previewed with
--dry-run (nothing stored), and imported again creating nothing."""

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
