"""The open-case tally on PostgreSQL: the plpgsql triggers keep it equal to counting the
cases, and folding it in one statement loses no row a concurrent transaction writes."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from console.casework.models import ExceptionCase, OpenCaseTally
from console.casework.services.actions import case_claim, case_dismiss
from console.casework.services.tallies import open_case_tally_fold
from tests.unit.console.casework.conftest import person
from tests.unit.console.casework.test_open_case_tally import cases, counted, tallied

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["cases"]  # the fixture, shared with the SQLite tests


def test_the_triggers_keep_the_tally_on_postgresql(cases: list[ExceptionCase]) -> None:
    assert connection.vendor == "postgresql"
    olivia, actor = person("operator")
    assert tallied() == counted() and sum(n for n, _ in tallied().values()) == 3
    case_claim(user=olivia, actor=actor, case_id=cases[0].pk)
    case_dismiss(user=olivia, actor=actor, case_id=cases[1].pk, reason="a test order")
    ExceptionCase.objects.filter(pk=cases[2].pk).update(amount="12.34", severity="critical")
    assert tallied() == counted()
    rows = OpenCaseTally.objects.count()
    case = ExceptionCase.objects.get(pk=cases[2].pk)
    case.failure_count += 1
    case.save()  # nothing counted changed: the WHEN clause writes no row
    assert OpenCaseTally.objects.count() == rows
    assert open_case_tally_fold() == len(counted()) == OpenCaseTally.objects.count()
    assert tallied() == counted()


def test_folding_keeps_a_row_written_while_it_runs(cases: list[ExceptionCase]) -> None:
    written, fold_done = threading.Event(), threading.Event()

    def close_a_case_slowly() -> None:
        try:
            with transaction.atomic():
                ExceptionCase.objects.filter(pk=cases[0].pk).update(state="resolved")
                written.set()  # the tally's -1 row exists, not committed yet
                fold_done.wait(timeout=30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=close_a_case_slowly)
    worker.start()
    assert written.wait(timeout=30)
    open_case_tally_fold()
    fold_done.set()
    worker.join(timeout=30)
    assert tallied() == counted()
    assert sum(n for n, _ in tallied().values()) == 2
    open_case_tally_fold()
    assert tallied() == counted()
