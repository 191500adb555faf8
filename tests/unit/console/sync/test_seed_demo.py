"""seed_demo: refused in production, and a seed Odoo cannot answer leaves nothing half-seeded."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_in_production(settings: Any, tmp_path: Path) -> None:
    settings.PRODUCTION, settings.VAR_DIR = True, tmp_path
    with tables_unchanged(), pytest.raises(CommandError, match="refuses to run with FINOPS_ENV=production"):
        call_command("seed_demo", stdout=StringIO())
    assert list(tmp_path.iterdir()) == []  # no token file either


def test_a_seed_odoo_cannot_answer_writes_nothing(sandbox: Any, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    sandbox.control.outage(30)
    try:
        refused = r"could not read res\.currency from Odoo at .*: Odoo answered HTTP 503"
        with tables_unchanged(), pytest.raises(CommandError, match=refused):
            call_command("seed_demo", stdout=StringIO())
    finally:
        sandbox.control.outage_off()
    assert list(tmp_path.iterdir()) == []
