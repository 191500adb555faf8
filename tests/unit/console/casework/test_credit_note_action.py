"""Turning the case of a negative vendor bill or invoice (Odoo: "You should create a credit note
instead") into a credit note: offered on that case only, to operators only, recorded with its
audit rows in the transaction that dismisses the original, and approved first when material."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from console.audit.models import AuditEvent
from console.casework.models import ApprovalKind, ApprovalState, CaseApproval, CaseState, ExceptionCase
from console.casework.services import actions
from console.casework.services.credit_notes import case_credit_note
from console.casework.services.states import CaseError
from console.casework.taxonomy import Category
from console.sync.models import EventState, Flow, SyncEvent
from console.sync.services.drain import events_drain
from integrations.odoo.client import OdooClient
from tests.conftest import login
from tests.factories import credit_note_event, invoice_event, vendor_bill_event
from tests.odoo_protocol import sandbox_credentials
from tests.tables import table_changes, tables_unchanged
from tests.unit.console.casework.conftest import ingest, person

pytestmark = pytest.mark.django_db


def negative_bill(external_id: str = "memo-1", price: str = "-80.00") -> dict[str, Any]:
    """A supplier's credit memo keyed in as a bill: one line of 10 x price (with 15% tax), and a
    positive freight line the memo nets against."""
    event = vendor_bill_event(external_id)
    event["data"]["lines"][0]["unit_price"] = price
    event["data"]["lines"].append(
        {
            "description": "Freight",
            "quantity": "1",
            "unit_price": "25.00",
            "tax_code": "PURCH15",
            "account_code": "6000",
        }
    )
    return event


@pytest.fixture
def refused_case(configured: dict[str, Any]) -> ExceptionCase:
    return refused(configured, negative_bill())


def refused(configured: dict[str, Any], event: dict[str, Any]) -> ExceptionCase:
    [event_id] = ingest(configured["token"], event)
    events_drain()
    return ExceptionCase.objects.select_related("event", "entity").get(event_id=event_id)


def odoo(configured: dict[str, Any]) -> OdooClient:
    return OdooClient(sandbox_credentials(configured["sandbox"].url))


def test_odoo_refuses_the_negative_bill_and_its_case_offers_the_credit_note(
    refused_case: ExceptionCase, client: Client
) -> None:
    event = refused_case.event
    assert (event.state, event.reason_code) == (EventState.FAILED, "negative_total")
    assert refused_case.category == Category.ODOO_VALIDATION
    html = login(client, "operator").get(f"/cases/{refused_case.pk}/").content.decode()
    assert f'href="/cases/{refused_case.pk}/credit-note/"' in html
    page = client.get(f"/cases/{refused_case.pk}/credit-note/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vendor credit note (Odoo in_refund)" in text
    assert "<td>Paper</td><td>10.00</td><td>-80.00</td><td>80.00</td><td>800.00</td>" in text
    assert "<td>Freight</td><td>1.00</td><td>25.00</td><td>-25.00</td><td>-25.00</td>" in text
    assert "$775.00" in text and f'action="/cases/{refused_case.pk}/credit_note/"' in text
    assert "A controller approves it first" not in text


def test_turning_it_into_a_credit_note_records_it_and_dismisses_the_bill_in_one_transaction(
    configured: dict[str, Any], refused_case: ExceptionCase
) -> None:
    olivia, actor = person("operator")
    with table_changes() as changed:
        case_credit_note(user=olivia, actor=actor, case_id=refused_case.pk, note="Paper & Co's memo CM-12")
    [note_row] = changed.rows_added(SyncEvent)
    note = SyncEvent.objects.get(pk=note_row["id"])
    assert (note.kind, note.external_id, note.source_id, note.derived_from_id) == (
        "vendor_credit_note",
        "memo-1",
        refused_case.event.source_id,
        refused_case.event_id,
    )
    assert [line["unit_price"] for line in note.payload["lines"]] == ["80.00", "-25.00"]
    assert {k: v for k, v in note.payload.items() if k != "lines"} == {
        k: v for k, v in refused_case.event.payload.items() if k != "lines"
    }
    assert (note.state, str(note.amount), note.occurred_at) == (
        EventState.QUEUED,
        "775.00",
        refused_case.event.occurred_at,
    )
    link = f"turned into vendor credit note event {note.pk}"
    audit = {row["action"]: row for row in changed.rows_added(AuditEvent)}
    assert set(audit) == {"event.recorded", "event.dismissed", "case.dismissed"}
    assert audit["event.recorded"]["object_id"] == str(note.pk)
    assert audit["event.recorded"]["reason"] == "Paper & Co's memo CM-12"
    assert audit["case.dismissed"]["reason"] == f"{link}: Paper & Co's memo CM-12"
    case = ExceptionCase.objects.select_related("event").get(pk=refused_case.pk)
    assert (case.state, case.resolution, case.event.state) == (CaseState.DISMISSED, link, EventState.DISMISSED)

    events_drain()
    note.refresh_from_db()
    assert note.state == EventState.POSTED and note.odoo_name.startswith("RBILL/")
    [refund] = odoo(configured).read("account.move", [note.odoo_id], ["move_type", "amount_total", "ref"])
    assert (refund["move_type"], refund["amount_total"], refund["ref"]) == ("in_refund", 891.25, "coupa/memo-1")
    # The bill Odoo refused stays a draft there, and nothing posts for it.
    assert configured["sandbox"].control.count("account.move", [["move_type", "=", "in_invoice"]]) == 1
    assert configured["sandbox"].control.count("account.move", [["state", "=", "posted"]]) == 1


def test_the_story_of_each_names_the_other(
    configured: dict[str, Any], refused_case: ExceptionCase, client: Client
) -> None:
    olivia, actor = person("operator")
    case_credit_note(user=olivia, actor=actor, case_id=refused_case.pk)
    note = SyncEvent.objects.get(derived_from=refused_case.event)
    login(client, "auditor")
    original = client.get(f"/events/{refused_case.event_id}/").content.decode()
    assert f'<a href="/events/{note.pk}/">event {note.pk}</a> (vendor credit note, queued)' in original
    made = client.get(f"/events/{note.pk}/").content.decode()
    assert f'<a href="/events/{refused_case.event_id}/">event {refused_case.event_id}</a>, in the workbench' in made
    assert f"Made from event {refused_case.event_id} in the workbench" in made
    assert "Odoo refused its negative total: it is a vendor credit note" in made  # the recorded row's reason


def test_a_material_credit_note_waits_for_a_controller_and_nothing_is_recorded_before(
    configured: dict[str, Any], client: Client
) -> None:
    case = refused(configured, negative_bill("memo-big", "-2000.00"))  # 20,000.00 on its first line
    operator = login(client, "operator")
    with table_changes() as asked:
        assert operator.post(f"/cases/{case.pk}/credit_note/", {"note": "memo CM-99"}).status_code == 302
    assert not asked.rows_added(SyncEvent)
    approval = CaseApproval.objects.get(case=case)
    assert (approval.kind, approval.state, str(approval.amount)) == (
        ApprovalKind.CREDIT_NOTE,
        ApprovalState.PENDING,
        "19975.00",
    )
    assert approval.why == "20000.00 at stake is above the materiality threshold of 10000.00"
    assert ExceptionCase.objects.get(pk=case.pk).state == CaseState.WAITING_APPROVAL
    carl, actor = person("controller")
    actions.case_approve(user=carl, actor=actor, case_id=case.pk, note="checked the memo")
    note = SyncEvent.objects.get(derived_from=case.event)
    assert note.kind == "vendor_credit_note" and note.state == EventState.QUEUED
    closed = ExceptionCase.objects.get(pk=case.pk)
    assert closed.state == CaseState.DISMISSED
    assert closed.resolution == f"turned into vendor credit note event {note.pk}"


def test_the_confirmation_page_says_a_controller_approves_a_material_one(
    configured: dict[str, Any], client: Client
) -> None:
    case = refused(configured, negative_bill("memo-big", "-2000.00"))
    text = login(client, "operator").get(f"/cases/{case.pk}/credit-note/").content.decode()
    assert "A controller approves it first:" in text and "Ask a controller to approve" in text


@pytest.mark.parametrize("role", ["controller", "auditor", "admin"])
def test_only_operators_turn_a_case_into_a_credit_note(refused_case: ExceptionCase, client: Client, role: str) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.post(f"/cases/{refused_case.pk}/credit_note/", {"note": "x"}).status_code == 403
        assert client.get(f"/cases/{refused_case.pk}/credit-note/").status_code == 403
    user, actor = person(role)
    with tables_unchanged(), pytest.raises(PermissionDenied):
        case_credit_note(user=user, actor=actor, case_id=refused_case.pk)


def test_it_is_offered_on_no_other_case(blocked_case: ExceptionCase, client: Client) -> None:
    login(client, "operator")
    assert f"/cases/{blocked_case.pk}/credit-note/" not in client.get(f"/cases/{blocked_case.pk}/").content.decode()
    page = client.get(f"/cases/{blocked_case.pk}/credit-note/").content.decode()
    assert "This case is not one to turn into a credit note" in page and 'action="/cases/' not in page
    with tables_unchanged():
        response = client.post(f"/cases/{blocked_case.pk}/credit_note/", {"note": ""})
    assert response.status_code == 400
    assert f"event {blocked_case.event_id} is not an invoice or vendor bill Odoo refused for its negative total" in (
        response.content.decode()
    )


def test_without_a_credit_note_flow_it_says_what_is_missing(refused_case: ExceptionCase, client: Client) -> None:
    Flow.objects.filter(event_kind="vendor_credit_note").update(is_active=False)
    olivia, actor = person("operator")
    with tables_unchanged(), pytest.raises(CaseError, match="coupa has no active flow for vendor credit notes"):
        case_credit_note(user=olivia, actor=actor, case_id=refused_case.pk)
    page = login(client, "operator").get(f"/cases/{refused_case.pk}/credit-note/").content.decode()
    assert "coupa has no active flow for vendor credit notes" in page
    assert 'action="/cases/' not in page


def test_a_credit_note_the_source_sent_already_under_that_key_is_not_recorded_twice(
    configured: dict[str, Any], refused_case: ExceptionCase
) -> None:
    [sent] = ingest(configured["token"], credit_note_event("memo-1", vendor=True))
    olivia, actor = person("operator")
    with (
        tables_unchanged(),
        pytest.raises(CaseError, match=rf"a vendor credit note 'memo-1' of coupa exists already \(event {sent}\)"),
    ):
        case_credit_note(user=olivia, actor=actor, case_id=refused_case.pk)


def test_a_dismissed_case_is_not_turned_again(refused_case: ExceptionCase) -> None:
    olivia, actor = person("operator")
    case_credit_note(user=olivia, actor=actor, case_id=refused_case.pk)
    with tables_unchanged(), pytest.raises(CaseError, match="is dismissed: it cannot be turned into a credit note"):
        case_credit_note(user=olivia, actor=actor, case_id=refused_case.pk)


def test_a_negative_customer_invoice_becomes_a_customer_credit_note(configured: dict[str, Any]) -> None:
    event = invoice_event("order-77")
    event["data"]["lines"][0]["unit_price"] = "-40.00"
    case = refused(configured, event)
    olivia, actor = person("operator")
    case_credit_note(user=olivia, actor=actor, case_id=case.pk)
    events_drain()
    note = SyncEvent.objects.get(derived_from=case.event)
    assert (note.kind, note.state, note.odoo_name) == ("customer_credit_note", EventState.POSTED, "RINV/2026/00001")


def test_hostile_text_is_escaped_on_the_confirmation_page(configured: dict[str, Any], client: Client) -> None:
    event = negative_bill("memo-hostile")
    event["data"]["lines"][0]["description"] = "<script>alert('line')</script>"
    case = refused(configured, event)
    text = login(client, "operator").get(f"/cases/{case.pk}/credit-note/").content.decode()
    assert "<script>alert" not in text and "&lt;script&gt;alert(&#x27;line&#x27;)&lt;/script&gt;" in text
