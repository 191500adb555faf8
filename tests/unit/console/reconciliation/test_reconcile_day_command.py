"""reconcile_day: a day run from the shell, for one flow or every one, as the shell or a person."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from console.audit.models import AuditEvent
from console.reconciliation.models import ReconciliationRun, RunStatus
from tests.unit.console.reconciliation.conftest import control_total, today

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("reconcile_day", *args, stdout=out)
    return out.getvalue()


def test_the_shell_runs_every_entitys_flows_for_a_day_and_each_run_is_audited(token: str) -> None:
    control_total(token, count=1, amounts={"USD": "5.00"})
    out = run(str(today()))
    runs = ReconciliationRun.objects.all()
    assert runs.count() >= 7 and "difference(s)" in out
    shop = runs.get(flow__source__code="shopify", flow__event_kind="customer_invoice")
    assert shop.status == RunStatus.DIFFERENCES and shop.started_by == "system:reconcile_day"
    assert AuditEvent.objects.filter(object_type="reconciliation_run").count() == runs.count()


def test_a_person_named_by_by_needs_the_role(token: str) -> None:
    with pytest.raises(CommandError, match="needs the role"):
        run(str(today()), "--entity", "US01", "--flow", "shopify:customer_invoice", "--by", "ada")
    out = run(str(today()), "--entity", "US01", "--flow", "shopify:customer_invoice", "--by", "olivia")
    assert "reconciled" in out
    assert ReconciliationRun.objects.get().started_by == "olivia"


def test_a_bad_day_or_flow_is_refused(token: str) -> None:
    with pytest.raises(CommandError, match="not a day"):
        run("yesterday")
    with pytest.raises(CommandError, match="no flow"):
        run(str(today()), "--entity", "US01", "--flow", "nothing")
