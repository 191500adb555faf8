"""Odoo books a document dated in a locked period on a later date: the console records where it
landed, flags a later period, and holds it first when its flow says so."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from console.access.models import User
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.casework.models import CaseState, ExceptionCase
from console.casework.services.actions import case_retry
from console.casework.taxonomy import Category
from console.sync.errors import SyncError
from console.sync.models import ClosedPeriod, EventState, Flow, PostingAttempt, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.services.flows import flow_closed_period_set
from tests.conftest import PERSONAS
from tests.factories import (
    bank_line_event,
    invoice_event,
    journal_entry_event,
    payment_event,
    vendor_bill_event,
    with_data,
)
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

TODAY = "2026-12-02"


@pytest.fixture
def locked(configured: dict[str, Any]) -> dict[str, Any]:
    """Odoo's today fixed, and the first half of 2026 closed (Global Lock Date 2026-06-30)."""
    sandbox = configured["sandbox"]
    sandbox.control.set_today(TODAY)
    sandbox.control.set_lock_date(1, "2026-06-30")
    return configured


def ingest(token: str, *events: dict[str, Any]) -> list[int]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(
        "/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return [r["event_id"] for r in response.json()["results"]]


def persona(role: str) -> User:
    return User.objects.get(username=PERSONAS[role])


def hold(source: str, kind: str) -> Flow:
    flow = Flow.objects.get(source__code=source, event_kind=kind)
    controller = persona("controller")
    return flow_closed_period_set(
        user=controller, actor=Actor.person(controller), flow_id=flow.pk, policy=ClosedPeriod.HOLD, reason="close"
    )


def entry_dated(external_id: str, day: str) -> dict[str, Any]:
    return with_data(journal_entry_event(external_id), date=day)


def test_every_kind_records_the_accounting_date_odoo_booked_it_on(locked: dict[str, Any]) -> None:
    ids = ingest(
        locked["token"],
        entry_dated("run-1", "2026-03-15"),
        with_data(invoice_event("order-1"), invoice_date="2026-03-15"),
        with_data(bank_line_event("txn-1"), date="2026-03-04"),
        with_data(payment_event("ch_1"), date="2026-03-09"),
        with_data(invoice_event("order-2"), invoice_date="2026-11-20"),
        vendor_bill_event("bill-1", invoice_date="2026-11-20"),
    )
    events_drain()
    landed = {
        e.external_id: (e.state, e.source_date, e.odoo_date, e.booked_later)
        for e in SyncEvent.objects.filter(pk__in=ids)
    }
    d = dt.date
    assert landed == {
        "run-1": (EventState.POSTED, d(2026, 3, 15), d(2026, 7, 31), True),
        "order-1": (EventState.POSTED, d(2026, 3, 15), d(2026, 7, 31), True),
        "txn-1": (EventState.POSTED, d(2026, 3, 4), d(2026, 7, 31), True),
        "ch_1": (EventState.POSTED, d(2026, 3, 9), d(2026, 7, 31), True),
        # An open period: where it was dated.
        "order-2": (EventState.POSTED, d(2026, 11, 20), d(2026, 11, 20), False),
        # Odoo dates a bill entered late at the end of its month: another date, not another period.
        "bill-1": (EventState.POSTED, d(2026, 11, 20), d(2026, 11, 30), False),
    }


def test_a_posting_into_a_later_period_says_so_on_its_attempt_and_audit_row(locked: dict[str, Any]) -> None:
    [event_id] = ingest(locked["token"], entry_dated("run-1", "2026-03-15"))
    events_drain()
    attempt = PostingAttempt.objects.get(event_id=event_id)
    assert attempt.message == (
        "Odoo booked in a later period (source 2026-03-15, Odoo 2026-07-31): a lock date closes the period of its date."
    )
    audit = AuditEvent.objects.get(action="event.posted", object_id=str(event_id))
    assert audit.after_data["odoo_date"] == "2026-07-31"
    assert (audit.after_data["booked_later"], audit.after_data["source_date"]) == (True, "2026-03-15")


def test_a_holding_flow_keeps_a_locked_document_as_a_case_and_posts_the_rest(locked: dict[str, Any]) -> None:
    hold("payroll", "journal_entry")
    sandbox = locked["sandbox"]
    held_id, open_id = ingest(locked["token"], entry_dated("run-1", "2026-03-15"), entry_dated("run-2", "2026-07-15"))
    events_drain()
    held = SyncEvent.objects.get(pk=held_id)
    assert (held.state, held.reason_code) == (EventState.BLOCKED, "closed_period_held")
    assert held.reason_message == (
        "Odoo's Global Lock Date (2026-06-30) closes this document's date (2026-03-15): the flow "
        "'Payroll run → journal entries' holds such documents. Posted now, Odoo would book it on the first "
        "open date after 2026-06-30."
    )
    assert held.claim_id is None and held.odoo_id is None
    assert sandbox.control.count("account.move", [["ref", "=", "payroll/run-1"]]) == 0
    case = ExceptionCase.objects.get(event=held)
    assert case.category == Category.CLOSED_PERIOD_HELD and case.next_action.startswith("Retry to release it")
    other = SyncEvent.objects.get(pk=open_id)
    assert (other.state, other.odoo_date, other.booked_later) == (EventState.POSTED, dt.date(2026, 7, 15), False)


def test_retrying_the_held_case_posts_it_into_the_later_period(locked: dict[str, Any]) -> None:
    hold("payroll", "journal_entry")
    sandbox = locked["sandbox"]
    [event_id] = ingest(locked["token"], entry_dated("run-1", "2026-03-15"))
    events_drain()
    case = ExceptionCase.objects.get(event_id=event_id)
    operator = persona("operator")
    # An outage on the first try after the release: the retry after it must not hold it again.
    sandbox.control.outage(60)
    try:
        case_retry(user=operator, actor=Actor.person(operator), case_id=case.pk, reason="book it in July")
        events_drain()
        event = SyncEvent.objects.get(pk=event_id)
        assert (event.state, event.period_hold_released) == (EventState.RETRY_WAIT, True)
    finally:
        sandbox.control.outage_off()
    SyncEvent.objects.filter(pk=event_id).update(next_attempt_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    events_drain()
    event = SyncEvent.objects.get(pk=event_id)
    assert (event.state, event.odoo_date, event.booked_later) == (EventState.POSTED, dt.date(2026, 7, 31), True)
    assert sandbox.control.count("account.move", [["ref", "=", "payroll/run-1"]]) == 1
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    audit = AuditEvent.objects.get(action="event.posted", object_id=str(event_id))
    assert audit.after_data["period_hold_released"] is True


def test_the_lock_dates_that_apply_follow_the_journal_and_the_taxes(configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    sandbox.control.set_today(TODAY)
    sandbox.control.set_lock_date(1, "2026-06-30", "sale_lock_date")
    hold("payroll", "journal_entry")
    hold("shopify", "customer_invoice")
    entry_id, invoice_id = ingest(
        configured["token"],
        entry_dated("run-1", "2026-03-15"),
        with_data(invoice_event("order-1"), invoice_date="2026-03-15"),
    )
    events_drain()
    # The sales lock date closes sale journals only: the entry (general journal) posts where it is dated.
    entry = SyncEvent.objects.get(pk=entry_id)
    assert (entry.state, entry.odoo_date, entry.booked_later) == (EventState.POSTED, dt.date(2026, 3, 15), False)
    invoice = SyncEvent.objects.get(pk=invoice_id)
    assert invoice.state == EventState.BLOCKED and invoice.reason_message.startswith(
        "Odoo's Sales Lock Date (2026-06-30)"
    )


def test_when_odoo_cannot_tell_its_lock_dates_the_event_waits_to_retry(locked: dict[str, Any]) -> None:
    hold("payroll", "journal_entry")
    locked["sandbox"].control.outage(60)
    try:
        [event_id] = ingest(locked["token"], entry_dated("run-1", "2026-03-15"))
        events_drain()
    finally:
        locked["sandbox"].control.outage_off()
    event = SyncEvent.objects.get(pk=event_id)
    assert (event.state, event.reason_code) == (EventState.RETRY_WAIT, "http_error")


def test_only_a_controller_sets_a_flows_closed_period_and_it_is_audited(configured: dict[str, Any]) -> None:
    flow = Flow.objects.get(source__code="payroll", event_kind="journal_entry")
    controller = persona("controller")
    with tables_unchanged():
        for role in ("operator", "auditor", "admin"):
            user = persona(role)
            with pytest.raises(PermissionDenied):
                flow_closed_period_set(
                    user=user, actor=Actor.person(user), flow_id=flow.pk, policy=ClosedPeriod.HOLD, reason="close"
                )
        with pytest.raises(SyncError, match="needs a reason"):
            flow_closed_period_set(
                user=controller, actor=Actor.person(controller), flow_id=flow.pk, policy=ClosedPeriod.HOLD, reason=" "
            )
    flow.refresh_from_db()
    assert flow.closed_period == ClosedPeriod.ACCEPT
    hold("payroll", "journal_entry")
    row = AuditEvent.objects.get(action="flow.closed_period_changed", object_id=str(flow.pk))
    assert (row.before_data, row.after_data, row.reason) == (
        {"closed_period": "accept"},
        {"closed_period": "hold"},
        "close",
    )


def test_the_flow_closed_period_command_acts_as_the_controller_it_names(configured: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    with tables_unchanged(), pytest.raises(CommandError, match="needs the role"):
        call_command(
            "flow_closed_period", "payroll:journal_entry", "hold", "--by", PERSONAS["operator"], "--reason", "x"
        )
    out = StringIO()
    call_command(
        "flow_closed_period",
        "payroll:journal_entry",
        "hold",
        "--by",
        PERSONAS["controller"],
        "--reason",
        "Q1",
        stdout=out,
    )
    assert out.getvalue().strip() == "Payroll run → journal entries: hold it as a case before posting"
    assert Flow.objects.get(source__code="payroll", event_kind="journal_entry").closed_period == ClosedPeriod.HOLD
    row = AuditEvent.objects.get(action="flow.closed_period_changed")
    assert (row.actor_label, row.reason) == (PERSONAS["controller"], "Q1")
