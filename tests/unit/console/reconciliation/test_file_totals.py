"""A bank statement's own figures (its entries and the move from opening to closing balance)
as the source's for its day, when the bank feed sent no control total."""

from __future__ import annotations

from typing import Any

import pytest

from console.audit.actors import Actor
from console.casework.models import ExceptionCase
from console.reconciliation.models import RunStatus
from console.reconciliation.services.runs import reconciliation_run
from console.sources.services.statement_import import statement_file_import
from console.sync.models import Flow, LegalEntity, SourceSystem
from console.sync.services.drain import events_drain
from tests.unit.console.reconciliation.conftest import today
from tests.unit.console.sources.statement_pieces import entry, statement

pytestmark = pytest.mark.django_db


def bring_in(*entries: Any, name: str = "today.xml") -> None:
    statement_file_import(
        source=SourceSystem.objects.get(code="bankfeed"),
        entity=LegalEntity.objects.get(code="US01"),
        name=name,
        fmt="camt053",
        profile="",
        content=name.encode(),
        pieces=statement(*entries, day=today()),
        user=None,
        actor=Actor.system("test"),
    )
    events_drain()


def run_bank_day() -> Any:
    flow = Flow.objects.get(source__code="bankfeed", event_kind="bank_statement_line")
    entity = LegalEntity.objects.get(code="US01")
    return reconciliation_run(entity_id=entity.pk, flow_id=flow.pk, day=today(), actor=Actor.system("test"))


def test_a_statement_of_the_day_that_posted_whole_reconciles_on_its_own_balances(configured: dict[str, Any]) -> None:
    bring_in(entry("250.00", ref="a", day=today()), entry("-40.00", ref="b", day=today()))
    run = run_bank_day()
    assert run.source_origin == "bank_statement" and "today.xml" in run.source_reference
    assert run.source_figures == {"count": 2, "amounts": {"USD": "210.00"}}
    assert run.received == run.posted == run.odoo == run.source_figures
    assert run.status == RunStatus.RECONCILED


def test_an_entry_that_never_became_an_event_makes_the_statement_disagree(configured: dict[str, Any]) -> None:
    bring_in(entry("250.00", ref="a", day=today()), entry("10.00", ref="eur", day=today(), currency="EUR"))
    run = run_bank_day()
    assert run.source_figures == {"count": 2, "amounts": {"USD": "260.00"}}
    assert run.received == {"count": 1, "amounts": {"USD": "250.00"}}
    [difference] = run.differences.filter(gone_at__isnull=True)
    assert difference.category == "source_total"
    case = ExceptionCase.objects.get(pk=difference.case_id)
    assert case.event_id is None and case.subject.endswith("source says 2, we received 1")


def test_a_pay_run_of_the_day_is_the_payroll_sources_figures(configured: dict[str, Any]) -> None:
    from console.sync.models import SyncEvent
    from tests.unit.console.sources.payroll_pieces import bring_in_payroll, gusto_runs, payroll_mapped

    payroll_mapped()
    bring_in_payroll(gusto_runs(("run-today", today(), "10000.00")), name="today.json")
    events_drain()
    [event] = SyncEvent.objects.filter(source__code="payroll")
    flow = Flow.objects.get(source__code="payroll", event_kind="journal_entry")
    entity = LegalEntity.objects.get(code="US01")
    run = reconciliation_run(entity_id=entity.pk, flow_id=flow.pk, day=today(), actor=Actor.system("test"))
    assert run.source_origin == "payroll_run" and run.source_figures is not None
    assert run.source_figures == {"count": 1, "amounts": {"USD": str(event.amount)}}
    assert run.received == run.source_figures
    assert run.status == RunStatus.RECONCILED, list(run.differences.values_list("message", flat=True))
