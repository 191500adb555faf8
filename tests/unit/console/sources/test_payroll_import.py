"""A payroll file's import: each run one journal entry event, once across files and formats; a
run that does not agree held with its differences named; a run far from its past flagged for a
second look without holding it."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.casework.models import CaseState, ExceptionCase
from console.casework.services.actions import case_dismiss
from console.casework.taxonomy import Category
from console.sources.payroll_models import PayrollFile, PayrollRun, RunStatus
from console.sources.services.payroll_import import payroll_file_preview
from console.sources.services.payroll_reading import payroll_runs
from console.sync.models import DuplicateAttempt, EventState, LegalEntity, SourceSystem, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.services.posting_holds import posting_hold_release
from tests.conftest import login
from tests.unit.console.sources.payroll_pieces import (
    FIRST_RUN,
    bring_in_payroll,
    disagreeing_company_debit,
    fortnights,
    gl_export,
    gusto_runs,
    payroll_mapped,
    processed,
)
from tests.unit.console.sync.test_closed_periods import persona
from tests.unit.integrations.payroll.payroll_files import PAYROLL, vector

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(configured: dict[str, Any]) -> dict[str, Any]:
    payroll_mapped()
    return configured


def entries() -> list[SyncEvent]:
    return list(SyncEvent.objects.filter(kind="journal_entry").order_by("pk"))


def test_each_clean_run_becomes_one_journal_entry_that_posts(mapped: dict[str, Any]) -> None:
    file = bring_in_payroll(processed())
    assert (file.run_count, file.new_count, file.held_count, file.known_count, file.unusable_count) == (3, 3, 0, 0, 0)
    events = entries()
    assert [e.external_id for e in events] == [
        f"payroll-run:{FIRST_RUN}",
        "payroll-run:cff662d5-7aee-45b4-a13d-e66187c8d16c",
        "payroll-run:92bd09cd-f62f-453d-a7d0-bb0fbc68f578",
    ]
    first = PayrollRun.objects.get(file=file, position=1)
    assert (first.status, first.event_id, first.total, first.pay_date) == (
        RunStatus.NEW,
        events[0].pk,
        Decimal("30741.58"),
        date(2024, 5, 31),
    )
    assert events[0].correlation_id == first.correlation_id and events[0].amount == Decimal("30741.58")
    assert {line["account_code"] for line in events[0].payload["lines"]} == {
        "payroll.gross_wages",
        "payroll.employer_taxes",
        "payroll.net_pay",
        "payroll.tax_liabilities",
    }
    events_drain()
    assert [e.state for e in entries()] == [EventState.POSTED] * 3
    audit = AuditEvent.objects.get(action="payroll_file.imported", object_id=str(file.pk))
    assert audit.after_data["new"] == 3 and audit.after_data["sha256"] == file.sha256


def test_the_same_file_twice_creates_nothing_the_second_time(mapped: dict[str, Any]) -> None:
    first = bring_in_payroll(processed())
    again = bring_in_payroll(processed())
    assert (again.new_count, again.known_count, again.repeat_of) == (0, 3, first)
    assert len(entries()) == 3 and not DuplicateAttempt.objects.exists()
    assert [r.event_id for r in again.runs.order_by("position")] == [e.pk for e in entries()]


def test_a_run_in_a_gusto_file_then_a_gl_export_with_the_same_total_posts_once(mapped: dict[str, Any]) -> None:
    bring_in_payroll(processed())
    # The first run's 30,741.58 as the payroll system's GL export writes it, in its own accounts.
    csv = gl_export(("6000", "30741.58", "", "wages and employer taxes"), ("2100", "", "30741.58", "payable"))
    later = bring_in_payroll(csv, fmt="gl_csv", name="gl.csv", run_id=FIRST_RUN, pay_date=date(2024, 5, 31))
    assert (later.new_count, later.known_count) == (0, 1)
    assert len(entries()) == 3


def test_a_run_seen_again_with_other_figures_keeps_the_first_and_asks_to_compare(mapped: dict[str, Any]) -> None:
    bring_in_payroll(processed())
    csv = gl_export(("6000", "30800.00", "", "wages"), ("2100", "", "30800.00", "payable"))
    later = bring_in_payroll(csv, fmt="gl_csv", name="gl.csv", run_id=FIRST_RUN, pay_date=date(2024, 5, 31))
    assert (later.new_count, later.conflict_count) == (0, 1)
    assert len(entries()) == 3
    first = SyncEvent.objects.get(external_id=f"payroll-run:{FIRST_RUN}")
    assert first.amount == Decimal("30741.58")  # the first version is the one that posts
    case = ExceptionCase.objects.get(event=first)
    assert case.category == Category.CONFLICTING_DUPLICATE


def test_a_run_that_does_not_agree_is_held_naming_each_difference(mapped: dict[str, Any]) -> None:
    file = bring_in_payroll(disagreeing_company_debit())
    assert (file.new_count, file.held_count) == (3, 1)
    held = PayrollRun.objects.get(file=file, position=1)
    message = (
        f"pay run 2024-05-31 ({FIRST_RUN}) does not agree: company debit 30,000.00 USD != "
        "net pay + taxes + reimbursements + child support debited (30,741.58 USD): difference -741.58 USD"
    )
    assert held.hold is not None and held.hold.message == message
    assert held.hold.reason_code == "payrun_disagrees" and held.hold.difference == Decimal("-741.58")
    assert held.problems == [message.split("does not agree: ")[1]]
    events_drain()
    states = {e.external_id: e.state for e in entries()}
    assert states.pop(f"payroll-run:{FIRST_RUN}") == EventState.BLOCKED
    assert set(states.values()) == {EventState.POSTED}
    case = ExceptionCase.objects.get(event=held.event)
    assert case.category == Category.HELD_BY_CONTROLS and "difference -741.58 USD" in case.summary

    with pytest.raises(PermissionDenied):  # an auditor never releases
        posting_hold_release(hold_id=held.hold.pk, user=persona("auditor"), actor=Actor.system("a"), reason="ok")
    posting_hold_release(
        hold_id=held.hold.pk, user=persona("operator"), actor=Actor.system("o"), reason="Gusto's debit notice agrees"
    )
    events_drain()
    assert SyncEvent.objects.get(pk=held.event_id).state == EventState.POSTED


def test_a_material_difference_is_released_by_a_controller_only(mapped: dict[str, Any]) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold=Decimal("500.00"))
    held = PayrollRun.objects.get(file=bring_in_payroll(disagreeing_company_debit()), position=1)
    assert held.hold is not None
    with pytest.raises(PermissionDenied, match=r"741\.58 USD is material"):
        posting_hold_release(hold_id=held.hold.pk, user=persona("operator"), actor=Actor.system("o"), reason="ok")
    posting_hold_release(hold_id=held.hold.pk, user=persona("controller"), actor=Actor.system("c"), reason="ok")
    events_drain()
    assert SyncEvent.objects.get(pk=held.event_id).state == EventState.POSTED


def test_a_run_whose_lines_do_not_balance_is_no_event_and_its_file_names_the_differences(
    mapped: dict[str, Any],
) -> None:
    file = bring_in_payroll(vector(PAYROLL))
    assert (file.run_count, file.new_count, file.unusable_count) == (1, 0, 1)
    run = PayrollRun.objects.get(file=file)
    assert run.status == RunStatus.UNUSABLE and run.event is None and run.hold is None
    assert run.problems[0].startswith("pay run 2025-08-15 (94d22398-4eaa-4df3-83a4-1c0caab074b7) cannot post as it")
    assert "debits 10,480.66 USD != credits 15,527.02 USD: difference -5,046.36 USD" in run.problems
    assert not entries()


def test_a_run_far_from_the_average_of_the_last_six_is_flagged_and_still_posts(mapped: dict[str, Any]) -> None:
    bring_in_payroll(gusto_runs(*fortnights(6)), name="first half.json")
    # 13,000.00 gross + 8% employer taxes = 14,040.00 against six runs of 10,800.00: 30% above.
    file = bring_in_payroll(gusto_runs(("run-07", date(2026, 8, 28), "13000.00")), name="bonus.json")
    run = PayrollRun.objects.get(file=file)
    assert (run.status, run.history, run.average, file.flagged_count) == (RunStatus.NEW, 6, Decimal("10800.00"), 1)
    assert run.flag == (
        "pay run 2026-08-28 (run-07) totals 14,040.00 USD, 30.0% above the average of its last 6 runs "
        "(10,800.00 USD): more than the 25% that asks for a second look"
    )
    case = ExceptionCase.objects.get(event=run.event)
    assert (case.category, case.summary, case.failure_count) == (Category.UNUSUAL_TOTAL, run.flag, 0)
    events_drain()
    assert SyncEvent.objects.get(pk=run.event_id).state == EventState.POSTED
    case.refresh_from_db()
    assert case.state == CaseState.OPEN  # posting does not answer a second look


def test_within_the_share_or_with_fewer_than_six_runs_before_nothing_is_flagged(
    mapped: dict[str, Any], settings: Any
) -> None:
    # Five runs before: no average to compare with, however far the sixth is.
    file = bring_in_payroll(gusto_runs(*fortnights(5), ("run-06", date(2026, 8, 14), "30000.00")))
    sixth = file.runs.get(position=6)
    assert (sixth.history, sixth.average, sixth.flag, file.flagged_count) == (5, None, "", 0)
    # Six before (the sixth's 32,400.00 among them): 14,040.00 is 2.7% below their 14,400.00 average.
    seventh = bring_in_payroll(gusto_runs(("run-07", date(2026, 8, 28), "13000.00"))).runs.get()
    assert (seventh.history, seventh.average, seventh.flag) == (6, Decimal("14400.00"), "")
    settings.PAYROLL_DEVIATION_SHARE = Decimal("0.02")
    eighth = bring_in_payroll(gusto_runs(("run-08", date(2026, 9, 11), "13000.00"))).runs.get()
    assert "below the average of its last 6 runs" in eighth.flag and "more than the 2%" in eighth.flag
    assert not ExceptionCase.objects.filter(event__external_id="payroll-run:run-07").exists()


def test_a_run_held_and_far_from_its_average_names_both_on_its_hold(mapped: dict[str, Any]) -> None:
    bring_in_payroll(gusto_runs(*fortnights(6, start=date(2024, 3, 1))))
    file = bring_in_payroll(disagreeing_company_debit())
    held = file.runs.get(position=1)
    assert held.hold is not None and held.flag and held.hold.message.endswith(held.flag)
    events_drain()
    case = ExceptionCase.objects.get(event=held.event)
    assert case.category == Category.HELD_BY_CONTROLS and held.flag in case.summary


def test_a_preview_stores_nothing_and_says_what_each_run_would_become(mapped: dict[str, Any]) -> None:
    bring_in_payroll(processed())
    new = json.loads(gusto_runs(("run-new", date(2026, 11, 30), "10000.00")))
    both = json.dumps(json.loads(processed()) + new).encode()  # the three known runs and one new
    before = (SyncEvent.objects.count(), PayrollFile.objects.count(), AuditEvent.objects.count())
    figures = payroll_file_preview(
        source=SourceSystem.objects.get(code="payroll"),
        entity=LegalEntity.objects.get(code="US01"),
        content=both,
        runs=payroll_runs("gusto_json", both, currency="USD"),
        user=persona("operator"),
    )
    assert (SyncEvent.objects.count(), PayrollFile.objects.count(), AuditEvent.objects.count()) == before
    assert [r.status for r in figures.runs] == [RunStatus.KNOWN] * 3 + [RunStatus.NEW]
    assert (figures.new, figures.known, figures.held) == (1, 3, 0)
    assert figures.totals() == {"USD": Decimal("30741.58") + Decimal("30621.73") + Decimal("30093.45") + 10800}


@pytest.mark.parametrize("role", ["auditor", "controller"])
def test_who_may_not_import_is_refused_and_nothing_is_stored(mapped: dict[str, Any], role: str) -> None:
    with pytest.raises(PermissionDenied, match="importing a payroll file needs the role"):
        bring_in_payroll(processed(), user=persona(role))
    assert not PayrollFile.objects.exists() and not entries()


def test_an_operator_of_another_entity_is_refused(mapped: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="US02", name="Acme West", odoo_company_id=1, currency="USD")
    with pytest.raises(PermissionDenied, match="needs access to entity US02"):
        bring_in_payroll(processed(), entity="US02", user=persona("operator"))
    assert not PayrollFile.objects.exists()


def test_a_payroll_category_without_an_account_mapping_blocks_the_run_until_it_is_mapped(
    configured: dict[str, Any],
) -> None:
    bring_in_payroll(gusto_runs(("run-01", date(2026, 11, 30), "10000.00")))
    events_drain()
    [event] = entries()
    assert (event.state, event.reason_code) == (EventState.BLOCKED, "missing_mapping")
    case = ExceptionCase.objects.get(event=event)
    assert case.category == Category.MISSING_MAPPING
    payroll_mapped()  # approving the mappings queues it again
    events_drain()
    event.refresh_from_db()
    assert event.state == EventState.POSTED


def test_an_operator_closes_a_second_look_and_the_run_stays_posted(mapped: dict[str, Any], client: Client) -> None:
    bring_in_payroll(gusto_runs(*fortnights(6, gross="5000.00")))
    run = bring_in_payroll(gusto_runs(("run-07", date(2026, 8, 28), "6500.00"))).runs.get()
    events_drain()
    case = ExceptionCase.objects.get(event=run.event, category=Category.UNUSUAL_TOTAL)
    login(client, "operator")
    page = client.get(f"/cases/{case.pk}/")
    assert b"Close the second look" in page.content and b"Dismiss (never post)" not in page.content
    operator = persona("operator")
    case_dismiss(user=operator, actor=Actor.person(operator), case_id=case.pk, reason="the summer bonus run")
    case.refresh_from_db()
    assert case.state == CaseState.DISMISSED
    assert SyncEvent.objects.get(pk=run.event_id).state == EventState.POSTED
