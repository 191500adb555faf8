"""Reconciliation on PostgreSQL: a case without an event passes the check constraint and the
tally's plpgsql triggers (migration casework 0016 keeps them), and a re-run resolves it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from console.casework.models import CaseState, ExceptionCase
from console.reconciliation.models import RunStatus
from console.sync.services.drain import events_drain
from tests.unit.console.casework.test_open_case_tally import counted, tallied
from tests.unit.console.reconciliation.conftest import OdooUser, control_total, ingest, odoo_user, order, run_today

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["odoo_user"]  # the fixture, shared with the SQLite tests


def test_differences_without_an_event_are_cases_counted_and_resolved_on_postgresql(
    token: str, odoo_user: OdooUser
) -> None:
    assert connection.vendor == "postgresql"
    ingest(token, order("order-1"))
    events_drain()
    ghost = odoo_user.invoice_with_marker("shopify/never-sent")
    control_total(token, count=2, amounts={"USD": "170.00"})
    run = run_today()
    assert run.status == RunStatus.DIFFERENCES and run.differences_open == 2
    cases = ExceptionCase.objects.filter(event__isnull=True).order_by("category")
    assert [c.category for c in cases] == ["source_total", "unknown_in_odoo"]
    assert tallied() == counted()
    odoo_user.cancel(ghost)
    control_total(token, count=1, amounts={"USD": "100.00"})
    assert run_today().status == RunStatus.RECONCILED
    assert set(ExceptionCase.objects.filter(event__isnull=True).values_list("state", flat=True)) == {CaseState.RESOLVED}
    assert tallied() == counted()


def test_a_case_with_neither_event_nor_subject_is_refused_by_the_database(configured: dict[str, Any]) -> None:
    from console.sync.models import Flow, LegalEntity

    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExceptionCase.objects.create(
            entity=LegalEntity.objects.get(code="US01"),
            flow=Flow.objects.first(),
            category="source_total",
            severity="high",
            amount="1.00",
            currency="USD",
            owner_team="x",
            opened_at=now,
            sla_due_at=now,
            last_failure_at=now,
        )
