"""Reconciliation runs against the Odoo sandbox: a day that reconciles, and each difference a
planted fault produces, resolved by re-running the day once the fault is fixed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from console.audit.models import AuditEvent
from console.casework.models import CaseState, ExceptionCase
from console.reconciliation.models import Difference, RunStatus
from console.sync.models import EventState, SyncEvent
from console.sync.services.drain import events_drain
from tests.unit.console.reconciliation.conftest import OdooUser, control_total, ingest, order, run_today

pytestmark = pytest.mark.django_db


def posted_day(token: str, *ids: str) -> list[SyncEvent]:
    event_ids = ingest(token, *(order(i) for i in ids))
    events_drain()
    events = list(SyncEvent.objects.filter(pk__in=event_ids).order_by("pk"))
    assert all(e.state == EventState.POSTED for e in events)
    return events


def only_difference(run: Any) -> Difference:
    [difference] = Difference.objects.filter(run=run, gone_at__isnull=True)
    return difference


def test_a_day_that_agrees_three_ways_is_reconciled_with_its_figures_in_the_trail(token: str) -> None:
    posted_day(token, "order-1", "order-2")
    assert control_total(token, count=2, amounts={"USD": "200.00"}).status_code == 201
    run = run_today()
    figures = {"count": 2, "amounts": {"USD": "200.00"}}
    assert run.status == RunStatus.RECONCILED and run.differences_open == 0
    assert run.source_figures == figures and run.received == figures and run.posted == figures
    assert run.odoo == figures
    audit = AuditEvent.objects.get(action="reconciliation.reconciled", object_id=str(run.pk))
    assert audit.sequence == run.audit_sequence
    assert audit.after_data["odoo"] == figures and audit.after_data["source"] == figures


def test_an_event_never_posted_is_received_but_not_in_odoo_until_it_posts(token: str) -> None:
    posted_day(token, "order-1")
    [late] = ingest(token, order("order-2"))  # received, still queued when the day is run
    run = run_today()
    difference = only_difference(run)
    assert run.status == RunStatus.DIFFERENCES and difference.category == "not_in_odoo"
    assert difference.event_id == late and run.received["count"] == 2 and run.odoo["count"] == 1
    case = ExceptionCase.objects.get(pk=difference.case_id)
    assert case.event_id == late and case.is_open and case.category == "not_in_odoo"
    events_drain()
    run = run_today()
    assert run.status == RunStatus.RECONCILED
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED  # posted: resolved at once, and the re-run saw the difference gone
    assert Difference.objects.get(pk=difference.pk).gone_at is not None


def test_an_amount_edited_in_odoo_after_posting_differs_until_it_is_put_back(token: str, odoo_user: OdooUser) -> None:
    [event] = posted_day(token, "order-1")
    assert event.odoo_id is not None
    odoo_user.reprice(event.odoo_id, 90.0)
    run = run_today()
    difference = only_difference(run)
    assert difference.category == "amount_differs"
    assert (difference.expected, difference.found) == (Decimal("100.00"), Decimal("90.00"))
    assert run.odoo == {"count": 1, "amounts": {"USD": "90.00"}}
    case = ExceptionCase.objects.get(pk=difference.case_id)
    assert case.event_id == event.pk and case.amount == Decimal("10.00") and case.owner_team == "Controlling"
    odoo_user.reprice(event.odoo_id, 100.0)
    assert run_today().status == RunStatus.RECONCILED
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED and case.resolution == "reconciled"


def test_a_record_cancelled_in_odoo_after_posting_is_found_and_resolves_when_posted_again(
    token: str, odoo_user: OdooUser
) -> None:
    [event] = posted_day(token, "order-1")
    assert event.odoo_id is not None
    odoo_user.cancel(event.odoo_id)
    run = run_today()
    difference = only_difference(run)
    assert difference.category == "cancelled_in_odoo" and "cancel" in difference.message
    assert run.odoo == {"count": 0, "amounts": {}}
    odoo_user.repost(event.odoo_id)
    assert run_today().status == RunStatus.RECONCILED
    assert ExceptionCase.objects.get(pk=difference.case_id).state == CaseState.RESOLVED


def test_a_record_with_our_marker_we_never_sent_opens_a_case_without_an_event(token: str, odoo_user: OdooUser) -> None:
    posted_day(token, "order-1")
    ghost = odoo_user.invoice_with_marker("shopify/order-never-sent")
    run = run_today()
    difference = only_difference(run)
    assert difference.category == "unknown_in_odoo" and difference.odoo_id == ghost and difference.event_id is None
    assert run.odoo == {"count": 2, "amounts": {"USD": "170.00"}} and run.posted["count"] == 1
    case = ExceptionCase.objects.get(pk=difference.case_id)
    assert case.event_id is None and "shopify/order-never-sent" in case.subject
    assert case.cause_key == "unknown_in_odoo:US01:shopify"
    odoo_user.cancel(ghost)  # someone removes it from the books in Odoo
    assert run_today().status == RunStatus.RECONCILED
    assert ExceptionCase.objects.get(pk=case.pk).state == CaseState.RESOLVED


def test_a_control_total_that_disagrees_opens_a_case_and_a_corrected_total_resolves_it(token: str) -> None:
    posted_day(token, "order-1", "order-2")
    control_total(token, count=3, amounts={"USD": "300.00"})
    run = run_today()
    difference = only_difference(run)
    assert difference.category == "source_total"
    assert "The source says 3 (300.00 USD)" in difference.message and "received 2 (200.00 USD)" in difference.message
    case = ExceptionCase.objects.get(pk=difference.case_id)
    assert case.event_id is None and case.amount == Decimal("100.00") and case.subject.endswith("we received 2")
    control_total(token, count=2, amounts={"USD": "200.00"})
    assert run_today().status == RunStatus.RECONCILED
    assert ExceptionCase.objects.get(pk=case.pk).state == CaseState.RESOLVED


def test_running_a_day_again_keeps_one_difference_and_one_case(token: str) -> None:
    posted_day(token, "order-1")
    control_total(token, count=5, amounts={"USD": "100.00"})
    first = run_today()
    again = run_today()
    assert first.pk == again.pk and again.runs == 2
    assert Difference.objects.filter(run=again).count() == 1
    assert ExceptionCase.objects.filter(category="source_total").count() == 1
    assert AuditEvent.objects.filter(action="reconciliation.differences", object_id=str(again.pk)).count() == 2


def test_odoo_unreachable_records_a_failed_run_and_leaves_the_differences_standing(
    token: str, configured: dict[str, Any]
) -> None:
    posted_day(token, "order-1")
    control_total(token, count=2, amounts={"USD": "100.00"})
    run = run_today()
    configured["sandbox"].control.outage(30)
    try:
        failed = run_today()
    finally:
        configured["sandbox"].control.outage_off()
    assert failed.status == RunStatus.FAILED and failed.odoo is None and failed.error
    assert failed.differences_open == 1
    assert ExceptionCase.objects.get(category="source_total").is_open
    assert AuditEvent.objects.filter(action="reconciliation.failed", object_id=str(run.pk)).exists()


def test_payments_are_read_back_by_their_version_and_a_cancelled_one_is_found(
    token: str, odoo_user: OdooUser, payment_states: Any
) -> None:
    import datetime as dt

    from console.audit.actors import Actor
    from console.reconciliation.services.runs import reconciliation_run
    from console.sync.models import Flow, LegalEntity
    from tests.factories import payment_event

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    charges = [payment_event(f"ch_{n}", amount="40.00") for n in (1, 2)]
    for charge in charges:
        charge["occurred_at"] = now.isoformat().replace("+00:00", "Z")
        charge["data"]["date"] = now.date().isoformat()
    ids = ingest(token, *charges)
    events_drain()
    flow = Flow.objects.get(source__code="stripe", event_kind="payment")
    entity = LegalEntity.objects.get(code="US01")

    def run() -> Any:
        return reconciliation_run(entity_id=entity.pk, flow_id=flow.pk, day=now.date(), actor=Actor.system("test"))

    assert run().odoo == {"count": 2, "amounts": {"USD": "80.00"}}
    payment = SyncEvent.objects.get(pk=ids[0]).odoo_id
    odoo_user.call("account.payment", "action_draft", [payment])
    odoo_user.call("account.payment", "action_cancel", [payment])
    cancelled = run()
    difference = only_difference(cancelled)
    assert difference.category == "cancelled_in_odoo" and payment_states.cancelled in difference.message
    assert cancelled.odoo == {"count": 1, "amounts": {"USD": "40.00"}}
