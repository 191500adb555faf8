"""Cross-source matching under concurrency on PostgreSQL: runs of one entity side by side make
each match once and open each case once (the rule row is locked per pass); two rules racing for
one bank line leave it matched once (the unique constraint, lost by one of them in a savepoint)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections

from console.audit.actors import Actor
from console.casework.models import ExceptionCase
from console.reconciliation.models import Match, MatchingRule, MatchingRun
from console.reconciliation.services.matching import _rule_pass, matching_run_execute
from console.reconciliation.services.matching_rules import RuleValues, matching_rule_create
from console.sync.models import BusinessProcess, Flow, LegalEntity, SourceSystem
from tests.unit.console.reconciliation.matching_world import bank_line, payout

pytestmark = pytest.mark.django_db(transaction=True)

ARRIVAL = date(2026, 11, 14)


def _side_by_side(jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))

    def go(job: Callable[[], Any]) -> Any:
        try:
            barrier.wait()
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(go, jobs))


@pytest.fixture
def world(configured: dict[str, Any]) -> dict[str, Any]:
    Flow.objects.get_or_create(
        source=SourceSystem.objects.get(code="stripe"),
        event_kind="journal_entry",
        defaults={"name": "Stripe payouts", "business_process": BusinessProcess.TREASURY},
    )
    MatchingRule.objects.update(applies_from=date(2000, 1, 1))
    return configured


def test_runs_side_by_side_match_each_payout_once_and_open_each_case_once(world: dict[str, Any]) -> None:
    token = world["token"]
    matched = [payout(token, f"po_1Concurrent{n:04d}", 10000 + n, ARRIVAL) for n in range(20)]
    lonely = [payout(token, f"po_1NoBankLine{n:04d}", 90000 + n, ARRIVAL) for n in range(5)]
    for n in range(20):
        bank_line(token, f"bank-c-{n}", str(Decimal(10000 + n) / 100), date(2026, 11, 15))
    entity = LegalEntity.objects.get(code="US01")
    now = datetime.now(UTC)
    runs = [MatchingRun.objects.create(entity=entity, requested_by="t", requested_at=now).pk for _ in range(4)]
    done = _side_by_side([lambda pk=pk: matching_run_execute(pk, today=date(2026, 11, 20)) for pk in runs])
    assert {run.state for run in done} == {"done"}
    assert sum(run.matched for run in done) == 20 and sum(run.cases_opened for run in done) == 5
    assert set(Match.objects.values_list("left_event_id", flat=True)) == set(matched)
    assert Match.objects.values("right_event_id").distinct().count() == 20
    assert sorted(ExceptionCase.objects.values_list("event_id", flat=True)) == sorted(lonely)


def test_two_rules_racing_for_one_bank_line_match_it_once(world: dict[str, Any]) -> None:
    token = world["token"]
    Flow.objects.get_or_create(
        source=SourceSystem.objects.get(code="payroll"),
        event_kind="journal_entry",
        defaults={"name": "Payroll", "business_process": BusinessProcess.PAYROLL},
    )
    # A second rule over the same bank lines: payroll refunds of the same amount, say.
    second = matching_rule_create(
        user=None,
        actor=Actor.system("test"),
        entity_code="US01",
        values=RuleValues(
            name="Payroll refunds reach the bank",
            left_source="payroll",
            left_kind="journal_entry",
            left_label="refund",
            right_source="bankfeed",
            right_kind="bank_statement_line",
            match_by="amount",
            applies_from=date(2000, 1, 1),
        ),
        reason="test",
    )
    from tests.factories import journal_entry_event
    from tests.unit.console.casework.conftest import ingest

    entry = journal_entry_event("payroll-refund-1", "555.00")
    entry["data"]["date"] = ARRIVAL.isoformat()
    entry["occurred_at"] = f"{ARRIVAL.isoformat()}T08:00:00Z"
    [refund] = ingest(token, entry)
    po = payout(token, "po_1RacingRules001", 55500, ARRIVAL)
    line = bank_line(token, "bank-race", "555.00", date(2026, 11, 15))
    first = MatchingRule.objects.get(name="Stripe payouts reach the bank")
    actor = Actor.system("test")
    tallies = _side_by_side(
        [
            lambda: _rule_pass(first.pk, actor=actor, today=date(2026, 11, 15), run=None),
            lambda: _rule_pass(second.pk, actor=actor, today=date(2026, 11, 15), run=None),
        ]
    )
    assert sum(t.matched for t in tallies) == 1
    [match] = Match.objects.all()
    assert match.right_event_id == line and match.left_event_id in (po, refund)
