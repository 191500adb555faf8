"""Materiality on absolute amounts, and every path that ends or changes a material case
waiting for a controller (casework/materiality.py through services/actions.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from console.audit.models import AuditEvent
from console.casework.materiality import exposure, judge_override, ledger_changes
from console.casework.models import ApprovalKind, ApprovalState, CaseApproval, CaseState, ExceptionCase
from console.casework.services import actions
from console.casework.services.states import CaseError
from console.sync.models import EventState, LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from integrations.canonical import parse_document
from tests.factories import bank_line_event, invoice_event, vendor_bill_event
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import ingest, person, unmapped_invoice

pytestmark = pytest.mark.django_db


def fresh(case: ExceptionCase) -> ExceptionCase:
    return ExceptionCase.objects.select_related("event", "entity").get(pk=case.pk)


def case_of(event_id: int) -> ExceptionCase:
    return ExceptionCase.objects.select_related("event", "entity").get(event_id=event_id)


def blocked(token: str, *events: dict[str, Any]) -> list[ExceptionCase]:
    ids = ingest(token, *events)
    events_drain()
    cases = [case_of(event_id) for event_id in ids]
    assert all(case.event.state == EventState.BLOCKED for case in cases)
    return cases


def unmapped_bank_line(external_id: str, amount: str) -> dict[str, Any]:
    event = bank_line_event(external_id, amount=amount)
    event["data"]["bank_account"] = "savings-unmapped"
    return event


def unmapped_bill(external_id: str, unit_price: str, reference: str = "PC-7781") -> dict[str, Any]:
    event = vendor_bill_event(external_id)
    event["data"]["lines"][0].update(unit_price=unit_price, quantity="1", tax_code="VAT20")
    event["data"]["reference"] = reference
    return event


def invoice_doc(**changes: Any) -> Any:
    data = invoice_event()["data"]
    for path, value in changes.items():
        node = data
        *parents, last = path.split(".")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    return parse_document("customer_invoice", data)


# --- the rule ------------------------------------------------------------------------------


def test_exposure_is_the_largest_absolute_amount_posted_not_the_net() -> None:
    credit_note = invoice_doc(**{"lines.0.unit_price": "-900000.00"})
    assert credit_note.amount == Decimal("-900000.00")
    assert exposure(credit_note) == Decimal("900000.00")
    data = invoice_event()["data"]
    data["lines"] = [
        {"description": "Machine", "quantity": "1", "unit_price": "1000000.00"},
        {"description": "Discount", "quantity": "1", "unit_price": "-999990.00"},
    ]
    netted = parse_document("customer_invoice", data)
    assert netted.amount == Decimal("10.00") and exposure(netted) == Decimal("1000000.00")


@pytest.mark.parametrize(
    ("changes", "facets"),
    [
        ({"partner.name": "Other Cafe"}, ["counterparty"]),
        ({"currency": "EUR"}, ["currency"]),
        ({"lines.0.tax_code": "SALES0"}, ["accounts and taxes"]),
        ({"lines.0.account_code": "4100"}, ["accounts and taxes"]),
        ({"lines.0.quantity": "2"}, ["amounts"]),
        ({"invoice_date": "2026-12-01"}, ["accounting period"]),
        ({"invoice_date": "2026-11-02"}, []),  # same month: the period does not move
        ({"reference": "#1001-b"}, []),
        ({"lines.0.description": "Espresso machine, red"}, []),
    ],
)
def test_ledger_changes_name_what_the_ledger_would_record_differently(
    changes: dict[str, str], facets: list[str]
) -> None:
    assert ledger_changes(invoice_doc(), invoice_doc(**changes)) == facets


def test_a_payment_changing_direction_or_settled_invoice_is_a_ledger_change() -> None:
    def payment(**data: str) -> Any:
        base = {"partner": {"name": "A"}, "currency": "USD", "amount": "50.00", "date": "2026-11-21"}
        return parse_document("payment", {**base, "payment_method": "card", **data})

    customer = {"counterparty": "customer"}
    assert ledger_changes(payment(**customer), payment(direction="outbound", **customer)) == ["direction"]
    assert ledger_changes(payment(**customer), payment(invoice_external_id="inv-9", **customer)) == ["settled document"]


def test_a_payment_changing_its_side_of_the_ledger_changes_its_counterparty() -> None:
    def payment(**data: str) -> Any:
        base = {"partner": {"name": "A"}, "currency": "USD", "amount": "50.00", "date": "2026-11-21"}
        return parse_document("payment", {**base, "payment_method": "card", "direction": "outbound", **data})

    # A refund to a customer is booked against the receivable, a vendor payment against the payable.
    assert ledger_changes(payment(counterparty="vendor"), payment(counterparty="customer")) == ["counterparty"]
    # Saying nothing, an outbound payment is with a vendor: turning it inbound moves it to a customer's too.
    assert ledger_changes(payment(), payment(direction="inbound")) == ["counterparty", "direction"]


def test_a_document_taking_its_partner_from_another_changes_counterparty_with_its_link_or_its_own_partner() -> None:
    note = {**invoice_event()["data"], "reversed_external_id": "order-1"}
    del note["partner"]
    taking = parse_document("customer_credit_note", note)
    other_link = parse_document("customer_credit_note", {**note, "reversed_external_id": "order-2"})
    own = parse_document("customer_credit_note", {**note, "partner": {"name": "Blue Harbor Cafe"}})
    # Pointed at another invoice, it takes another partner and credits another document.
    assert ledger_changes(taking, other_link) == ["counterparty", "settled document"]
    # Given a partner of its own, it no longer follows its invoice's.
    assert ledger_changes(taking, own) == ["counterparty"]


def test_an_override_is_material_on_either_side_of_it() -> None:
    small, huge = invoice_doc(), invoice_doc(**{"lines.0.unit_price": "-9000000000.00"})
    judgement = judge_override(before=small, after=huge, amount=small.amount, threshold=Decimal("10000.00"))
    assert judgement.material and judgement.exposure == Decimal("9000000000.00")
    assert judgement.changes == ("amounts",)
    back = judge_override(before=huge, after=small, amount=huge.amount, threshold=Decimal("10000.00"))
    assert back.material
    wording = judge_override(
        before=huge,
        after=invoice_doc(reference="x", **{"lines.0.unit_price": "-9000000000.00"}),
        amount=huge.amount,
        threshold=Decimal("10000.00"),
    )
    assert not wording.material  # a material event, but the ledger records the same


# --- through the services ---------------------------------------------------------------


def test_an_operator_alone_cannot_dismiss_a_negative_material_bank_line_or_bill(configured: dict[str, Any]) -> None:
    olivia, actor = person("operator")
    line, bill = blocked(
        configured["token"], unmapped_bank_line("bank-neg", "-500000.00"), unmapped_bill("bill-neg", "-900000.00")
    )
    assert line.amount == Decimal("-500000.00") and line.severity == "high"
    for case in (line, bill):
        actions.case_dismiss(user=olivia, actor=actor, case_id=case.pk, reason="looks like a test")
        case = fresh(case)
        assert case.state == CaseState.WAITING_APPROVAL
        assert case.event.state == EventState.BLOCKED  # not dismissed
        approval = CaseApproval.objects.get(case=case)
        assert approval.kind == ApprovalKind.DISMISS and "above the materiality threshold" in approval.why


def test_overriding_a_small_invoice_to_a_huge_negative_amount_needs_a_controller(configured: dict[str, Any]) -> None:
    olivia, o_actor = person("operator")
    carl, c_actor = person("controller")
    [case] = blocked(configured["token"], unmapped_invoice("order-small", price="100.00"))
    actions.case_resubmit(
        user=olivia,
        actor=o_actor,
        case_id=case.pk,
        changes={"lines.0.unit_price": "-9000000000.00", "lines.0.tax_code": "SALES15"},
        reason="refund keyed as an invoice",
    )
    case = fresh(case)
    assert case.state == CaseState.WAITING_APPROVAL and case.event.override is None
    approval = CaseApproval.objects.get(case=case)
    assert approval.amount == Decimal("-9000000000.00") and "amounts" in approval.why
    actions.case_reject(user=carl, actor=c_actor, case_id=case.pk, note="no such refund")
    case = fresh(case)
    assert case.event.override is None and case.amount == Decimal("100.00")
    assert case.event.amount == Decimal("100.00") and case.event.state == EventState.BLOCKED
    assert CaseApproval.objects.get(case=case).state == ApprovalState.REJECTED


def test_a_counterparty_change_of_a_material_event_waits_but_a_wording_change_does_not(
    configured: dict[str, Any],
) -> None:
    olivia, actor = person("operator")
    partner, wording = blocked(
        configured["token"],
        unmapped_invoice("order-partner", price="50000.00"),
        unmapped_invoice("order-wording", price="50000.00"),
    )
    actions.case_resubmit(
        user=olivia, actor=actor, case_id=partner.pk, changes={"partner.name": "Other Cafe"}, reason="wrong customer"
    )
    assert fresh(partner).state == CaseState.WAITING_APPROVAL
    assert "counterparty" in CaseApproval.objects.get(case=partner).why
    actions.case_resubmit(
        user=olivia, actor=actor, case_id=wording.pk, changes={"reference": "#1001 (reissued)"}, reason="typo"
    )
    wording = fresh(wording)
    assert wording.state == CaseState.IN_PROGRESS and wording.event.state == EventState.QUEUED
    assert not CaseApproval.objects.filter(case=wording).exists()


def test_a_date_moving_a_material_event_into_another_period_waits(configured: dict[str, Any]) -> None:
    olivia, actor = person("operator")
    [case] = blocked(configured["token"], unmapped_invoice("order-period", price="50000.00"))
    actions.case_resubmit(
        user=olivia, actor=actor, case_id=case.pk, changes={"invoice_date": "2026-10-31"}, reason="booked late"
    )
    assert fresh(case).state == CaseState.WAITING_APPROVAL
    assert "accounting period" in CaseApproval.objects.get(case=case).why


def test_marking_a_material_case_as_duplicate_waits_then_closes_it_once_approved(configured: dict[str, Any]) -> None:
    olivia, o_actor = person("operator")
    carl, c_actor = person("controller")
    first, second = blocked(
        configured["token"],
        unmapped_invoice("order-dup-a", price="50000.00"),
        unmapped_invoice("order-dup-b", price="50000.00"),
    )
    actions.case_mark_duplicate(user=olivia, actor=o_actor, case_id=second.pk, of="order-dup-a")
    second = fresh(second)
    assert second.state == CaseState.WAITING_APPROVAL and second.event.state == EventState.BLOCKED
    approval = CaseApproval.objects.get(case=second)
    assert approval.kind == ApprovalKind.MARK_DUPLICATE and approval.duplicate_of_id == first.event_id
    actions.case_approve(user=carl, actor=c_actor, case_id=second.pk, note="same order, sent twice")
    second = fresh(second)
    assert second.state == CaseState.DISMISSED and second.duplicate_of_id == first.event_id
    assert second.event.state == EventState.DISMISSED
    assert AuditEvent.objects.filter(action="case.marked_duplicate", object_id=str(second.pk)).count() == 1


def test_posting_a_material_suspected_duplicate_anyway_needs_a_controller(configured: dict[str, Any]) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold="100.00")
    olivia, o_actor = person("operator")
    carl, c_actor = person("controller")
    ids = ingest(configured["token"], vendor_bill_event("bill-1"), vendor_bill_event("bill-2"))
    events_drain()
    suspect = case_of(ids[1])
    assert suspect.category == "suspected_duplicate" and suspect.event.state == EventState.BLOCKED
    actions.case_retry(user=olivia, actor=o_actor, case_id=suspect.pk, reason="two deliveries of paper")
    suspect = fresh(suspect)
    assert suspect.state == CaseState.WAITING_APPROVAL and suspect.event.state == EventState.BLOCKED
    assert CaseApproval.objects.get(case=suspect).kind == ApprovalKind.POST_ANYWAY
    actions.case_approve(user=carl, actor=c_actor, case_id=suspect.pk, note="the delivery notes differ")
    events_drain()
    suspect = fresh(suspect)
    assert suspect.event.state == EventState.POSTED and suspect.event.duplicate_waived
    assert suspect.state == CaseState.RESOLVED


def test_an_approved_override_shows_the_amount_that_will_post(configured: dict[str, Any]) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold="500.00")
    olivia, o_actor = person("operator")
    carl, c_actor = person("controller")
    [case] = blocked(configured["token"], unmapped_invoice("order-repriced", price="100.00"))
    actions.case_resubmit(
        user=olivia,
        actor=o_actor,
        case_id=case.pk,
        changes={"lines.0.unit_price": "-900.00"},
        reason="it was a refund",
    )
    assert fresh(case).amount == Decimal("100.00")  # nothing changes before the approval
    actions.case_approve(user=carl, actor=c_actor, case_id=case.pk)
    case = fresh(case)
    assert case.amount == Decimal("-900.00") and case.exposure == Decimal("900.00")
    assert SyncEvent.objects.get(pk=case.event_id).amount == Decimal("-900.00")
    row = AuditEvent.objects.filter(action="case.resubmitted", object_id=str(case.pk)).get()
    assert row.before_data["amount"] == "100.00" and row.after_data["amount"] == "-900.00"


def test_an_approved_override_that_no_longer_applies_changes_nothing(configured: dict[str, Any]) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold="500.00")
    olivia, o_actor = person("operator")
    carl, c_actor = person("controller")
    [case] = blocked(configured["token"], unmapped_invoice("order-gone", price="1000.00"))
    actions.case_resubmit(
        user=olivia, actor=o_actor, case_id=case.pk, changes={"lines.0.unit_price": "10.00"}, reason="typo"
    )
    SyncEvent.objects.filter(pk=case.event_id).update(state=EventState.DISMISSED)
    with tables_unchanged(), pytest.raises(CaseError, match="cannot be resubmitted"):
        actions.case_approve(user=carl, actor=c_actor, case_id=case.pk)
    assert CaseApproval.objects.get(case=case).state == ApprovalState.PENDING
