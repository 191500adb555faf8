"""Edit-and-resubmit through the form of the event's own fields (`/cases/<id>/resubmit/`):
the fields of its kind pre-filled with what it would post now, its changes made the override
case_resubmit takes (a line's value by path, `lines` whole when a line is added or removed),
the reader's refusal as the field's own error, and a retry that leaves another line with the
same missing mapping naming that line."""

from __future__ import annotations

import re
import xmlrpc.client
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from console.audit.models import AuditEvent
from console.casework.models import ApprovalKind, CaseApproval, CaseState, ExceptionCase
from console.casework.resubmit_fields import head_initial, line_initial
from console.casework.resubmit_forms import LINES_CHANGED, NOTHING_CHANGED, ResubmitForm
from console.mappings.models import Mapping, MappingKind
from console.sync.models import EventState, LegalEntity, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.factories import invoice_event
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import ingest
from tests.unit.console.casework.test_case_pages import foreign_case

pytestmark = pytest.mark.django_db


def url(case: ExceptionCase) -> str:
    return f"/cases/{case.pk}/resubmit/"


def form_data(
    case: ExceptionCase,
    *,
    head: dict[str, str] | None = None,
    lines: dict[int, dict[str, str]] | None = None,
    remove: tuple[int, ...] = (),
    add: dict[str, str] | None = None,
    reason: str = "corrected from the source document",
) -> dict[str, str]:
    """What the browser posts: the form as it is shown, with these changes made."""
    event = SyncEvent.objects.get(pk=case.event_id)
    data = {**head_initial(event.kind, event.effective_payload), **(head or {}), "reason": reason}
    rows = line_initial(event.kind, event.effective_payload)
    data |= {"lines-TOTAL_FORMS": str(len(rows) + 1), "lines-INITIAL_FORMS": str(len(rows))}
    data |= {"lines-MIN_NUM_FORMS": "1", "lines-MAX_NUM_FORMS": "500"}
    for index, row in enumerate([*rows, add or {}]):
        row = {**row, **(lines or {}).get(index, {})}
        data |= {f"lines-{index}-{name}": value for name, value in row.items()}
        if index in remove:
            data[f"lines-{index}-DELETE"] = "on"
    return data


def three_lines(external_id: str) -> dict[str, Any]:
    """An invoice whose first and third lines carry the unmapped tax code VAT20."""
    event = invoice_event(external_id)
    espresso = event["data"]["lines"][0]
    event["data"]["lines"] = [
        {**espresso, "tax_code": "VAT20"},
        {**espresso, "description": "Grinder", "unit_price": "40.00"},
        {**espresso, "description": "Widget B", "unit_price": "10.00", "tax_code": "VAT20"},
    ]
    return event


@pytest.fixture
def three_line_case(configured: dict[str, Any]) -> ExceptionCase:
    [event_id] = ingest(configured["token"], three_lines("order-3lines"))
    events_drain()
    return ExceptionCase.objects.select_related("event").get(event_id=event_id)


def odoo_line_taxes(sandbox: Any, move_id: int) -> list[tuple[str, list[int]]]:
    proxy = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", allow_none=True)
    lines = proxy.execute_kw(
        "sandbox",
        2,
        "admin",
        "account.move.line",
        "search_read",
        [[["move_id", "=", move_id], ["display_type", "=", "product"]]],
        {"fields": ["name", "tax_ids"]},
    )
    return [(line["name"], line["tax_ids"]) for line in lines]


def mapped(code: str) -> int:
    return int(Mapping.objects.get(kind=MappingKind.TAX, source_value=code).odoo_id or 0)


# --- the form ----------------------------------------------------------------------


def test_the_form_shows_the_invoices_fields_filled_with_what_it_would_post(
    blocked_case: ExceptionCase, client: Client
) -> None:
    response = login(client, "operator").get(url(blocked_case))
    assert response.status_code == 200
    html = response.content.decode()
    for name, value in (
        ("partner__name", "Blue Harbor Cafe"),
        ("partner__ref", "CUST-001"),
        ("invoice_date", "2026-11-20"),
        ("reference", "#order-vat20"),
        ("lines-0-description", "Espresso machine"),
        ("lines-0-quantity", "1"),
        ("lines-0-unit_price", "100.00"),
        ("lines-0-tax_code", "VAT20"),
        ("lines-0-account_code", "4000"),
    ):
        assert re.search(rf'name="{name}" value="{re.escape(value)}"', html), name
    assert 'name="due_date"' in html and 'name="lines-0-DELETE"' in html
    assert 'name="lines-1-description"' in html  # the blank line to add
    for absent in ('name="amount"', 'name="date"', "debit", 'name="reversed_external_id"', "Fields to override"):
        assert absent not in html
    assert "Tax code, line 1" in html


def kind_event(kind: str, data: dict[str, Any]) -> SyncEvent:
    return SyncEvent(kind=kind, payload=data, override=None)


def test_each_kind_offers_its_own_fields_only() -> None:
    payment = ResubmitForm(
        kind_event("payment", {"partner": {"name": "Jane"}, "amount": "12.00", "date": "2026-11-02", "currency": "USD"})
    )
    assert set(payment.head.fields) == {
        "partner__name",
        "partner__ref",
        "date",
        "amount",
        "reference",
        "invoice_external_id",
        "reason",
    }
    assert payment.lines is None and payment.head["amount"].value() == "12.00"
    entry = ResubmitForm(
        kind_event(
            "journal_entry",
            {"date": "2026-11-02", "lines": [{"account_code": "6000", "debit": "5.00"}, {"account_code": "2100"}]},
        )
    )
    assert set(entry.head.fields) == {"date", "reference", "reason"}
    assert entry.lines is not None and len(entry.lines.forms) == 3
    assert set(entry.lines.forms[0].fields) == {"account_code", "description", "debit", "credit", "DELETE"}
    bank = ResubmitForm(kind_event("bank_statement_line", {"amount": "-3.00", "date": "2026-11-02"}))
    assert {"amount", "date", "description"} <= set(bank.head.fields) and bank.lines is None
    credit_note = ResubmitForm(kind_event("customer_credit_note", {"reversed_external_id": "order-1", "lines": []}))
    assert "reversed_external_id" in credit_note.head.fields
    assert credit_note.lines is not None and "tax_code" in credit_note.lines.forms[0].fields


# --- submitting it -------------------------------------------------------------------


def test_a_new_tax_code_posts_with_that_code_and_one_audit_row_keeps_the_diff(
    blocked_case: ExceptionCase, client: Client, configured: dict[str, Any]
) -> None:
    data = form_data(blocked_case, lines={0: {"tax_code": "SALES15"}}, reason="VAT20 is the old code of SALES15")
    response = login(client, "operator").post(url(blocked_case), data)
    assert response.status_code == 302 and response["Location"] == f"/cases/{blocked_case.pk}/"
    event = SyncEvent.objects.get(pk=blocked_case.event_id)
    assert event.override == {"lines.0.tax_code": "SALES15"} and event.state == EventState.QUEUED
    [row] = AuditEvent.objects.filter(action="case.resubmitted", object_id=str(blocked_case.pk))
    assert row.reason == "VAT20 is the old code of SALES15" and row.actor_label == "olivia"
    assert row.after_data["data"]["diff"] == [{"path": "lines.0.tax_code", "before": "VAT20", "after": "SALES15"}]
    page = client.get(response["Location"]).content.decode()
    assert f"Case {blocked_case.pk}: resubmitted with the override." in page
    assert "<code>lines.0.tax_code</code>" in page and "<code>SALES15</code>" in page
    # the event is queued, no longer failed or blocked: neither retry nor resubmit is offered
    assert f'action="/cases/{blocked_case.pk}/retry/"' not in page and "/resubmit/" not in page

    events_drain()
    event.refresh_from_db()
    assert event.state == EventState.POSTED and event.odoo_id is not None
    assert odoo_line_taxes(configured["sandbox"], event.odoo_id) == [("Espresso machine", [mapped("SALES15")])]
    assert ExceptionCase.objects.get(pk=blocked_case.pk).state == CaseState.RESOLVED


def test_adding_a_line_overrides_the_lines_whole_and_posts_both(
    blocked_case: ExceptionCase, client: Client, configured: dict[str, Any]
) -> None:
    added = {"description": "Milk jug", "quantity": "2", "unit_price": "7.50", "tax_code": "SALES15"}
    data = form_data(blocked_case, lines={0: {"tax_code": "SALES15"}}, add=added)
    assert login(client, "operator").post(url(blocked_case), data).status_code == 302
    event = SyncEvent.objects.get(pk=blocked_case.event_id)
    espresso = {**event.payload["lines"][0], "tax_code": "SALES15"}
    assert event.override == {"lines": [espresso, added]}
    assert event.amount == Decimal("115.00")
    [row] = AuditEvent.objects.filter(action="case.resubmitted", object_id=str(blocked_case.pk))
    assert row.after_data["data"]["diff"] == [
        {"path": "lines.0.tax_code", "before": "VAT20", "after": "SALES15"},
        *({"path": f"lines.1.{name}", "before": None, "after": value} for name, value in added.items()),
    ]
    events_drain()
    event.refresh_from_db()
    assert event.state == EventState.POSTED
    taxes = odoo_line_taxes(configured["sandbox"], event.odoo_id or 0)
    assert taxes == [("Espresso machine", [mapped("SALES15")]), ("Milk jug", [mapped("SALES15")])]


def test_removing_the_line_with_the_unmapped_code_posts_the_others(
    three_line_case: ExceptionCase, client: Client, configured: dict[str, Any]
) -> None:
    data = form_data(three_line_case, remove=(0, 2), reason="the source billed two lines twice")
    assert login(client, "operator").post(url(three_line_case), data).status_code == 302
    event = SyncEvent.objects.get(pk=three_line_case.event_id)
    assert event.override == {"lines": [event.payload["lines"][1]]} and event.amount == Decimal("40.00")
    diff = AuditEvent.objects.get(action="case.resubmitted").after_data["data"]["diff"]
    assert {row["path"] for row in diff} == {f"lines.{i}.{f}" for i in (0, 2) for f in event.payload["lines"][0]}
    assert all(row["after"] is None for row in diff)
    page = client.get(f"/cases/{three_line_case.pk}/").content.decode()
    assert "<code>lines.2.description</code>" in page and "<code>Widget B</code>" in page
    events_drain()
    event.refresh_from_db()
    assert event.state == EventState.POSTED
    assert odoo_line_taxes(configured["sandbox"], event.odoo_id or 0) == [("Grinder", [mapped("SALES15")])]


def test_a_material_change_waits_for_a_controllers_approval(blocked_case: ExceptionCase, client: Client) -> None:
    LegalEntity.objects.filter(pk=blocked_case.entity_id).update(materiality_threshold="500.00")
    data = form_data(blocked_case, lines={0: {"unit_price": "900.00", "tax_code": "SALES15"}}, reason="till")
    response = login(client, "operator").post(url(blocked_case), data)
    assert response.status_code == 302
    case = ExceptionCase.objects.get(pk=blocked_case.pk)
    assert case.state == CaseState.WAITING_APPROVAL
    approval = CaseApproval.objects.get(case=case)
    assert approval.kind == ApprovalKind.OVERRIDE and approval.amount == Decimal("900.00")
    assert approval.changes == {"lines.0.unit_price": "900.00", "lines.0.tax_code": "SALES15"}
    assert SyncEvent.objects.get(pk=case.event_id).override is None  # nothing posts differently yet
    page = client.get(response["Location"]).content.decode()
    assert "waits for a controller&#x27;s approval: the decision is material" in page
    assert login(Client(), "operator").get(url(case)).status_code == 200  # says it cannot be resubmitted now
    assert 'name="reason"' not in login(Client(), "operator").get(url(case)).content.decode()


def test_a_form_that_changes_nothing_is_refused(blocked_case: ExceptionCase, client: Client) -> None:
    login(client, "operator")
    with tables_unchanged():
        response = client.post(url(blocked_case), form_data(blocked_case, lines={0: {"unit_price": "100"}}))
    assert response.status_code == 400
    assert "Nothing changed" in response.content.decode() and NOTHING_CHANGED.startswith("Nothing changed")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"lines": {0: {"quantity": "two"}}}, "lines-0-quantity", "Enter a number."),
        ({"lines": {0: {"unit_price": "1.005"}}}, "lines-0-unit_price", "no more than 2 decimal places"),
        ({"head": {"invoice_date": "20/11/2026"}}, "invoice_date", "Enter a valid date."),
        ({"lines": {0: {"description": ""}}}, "lines-0-description", "This field is required."),
        ({"lines": {0: {"quantity": "-1"}}}, "lines-0-quantity", "must be positive"),
        ({"head": {"due_date": "2026-11-01"}}, "due_date", "is before invoice_date"),
        ({"remove": (0,)}, "", "Keep at least 1 line"),
    ],
)
def test_a_bad_value_is_refused_with_its_fields_own_message(
    blocked_case: ExceptionCase, client: Client, change: dict[str, Any], field: str, message: str
) -> None:
    login(client, "operator")
    with tables_unchanged():
        response = client.post(url(blocked_case), form_data(blocked_case, **change))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if field:  # the message stands beside its own field, in its cell or its block
        after = html[html.index(f'name="{field}"') :]
        end = min(i for i in (after.find("</td>"), after.find("</div>")) if i >= 0)
        assert message in after[:end], after[:end]


def test_a_line_is_added_without_script_by_posting_the_form_back(blocked_case: ExceptionCase, client: Client) -> None:
    data = form_data(blocked_case, lines={0: {"tax_code": "SALES15"}})
    login(client, "operator")
    with tables_unchanged():
        response = client.post(url(blocked_case), {**data, "add_line": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="lines-TOTAL_FORMS" value="3"' in html and 'name="lines-2-description"' in html
    assert 'name="lines-0-tax_code" value="SALES15"' in html and "errorlist" not in html


# --- a retry that leaves another line with the same problem ------------------------------


def test_a_retried_override_that_leaves_another_line_unmapped_names_that_line(
    three_line_case: ExceptionCase, client: Client
) -> None:
    assert "Lines 1 (Espresso machine) and 3 (Widget B) have tax code VAT20 without a mapping" in (
        three_line_case.summary
    )
    data = form_data(three_line_case, lines={0: {"tax_code": "SALES15"}})
    response = login(client, "operator").post(url(three_line_case), data)
    assert response.status_code == 302
    said = "Line 3 (Widget B) still has tax code VAT20 without a mapping in entity US01 at 2026-11-20"
    assert said in client.get(response["Location"]).content.decode()  # the message after submitting
    events_drain()
    case = ExceptionCase.objects.get(pk=three_line_case.pk)
    event = SyncEvent.objects.get(pk=case.event_id)
    assert event.state == EventState.BLOCKED and said in event.reason_message
    assert said in case.summary and "add a tax code mapping for VAT20 in US01." in case.summary
    assert case.cause_key == three_line_case.cause_key  # the same cause: VAT20 unmapped in US01
    timeline = client.get(f"/cases/{case.pk}/").content.decode()
    assert timeline.count(said) >= 2  # the summary and the timeline's failed-again entry


# --- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["auditor", "controller", "admin"])
def test_only_operators_open_or_submit_the_form(blocked_case: ExceptionCase, client: Client, role: str) -> None:
    login(client, role)
    assert client.get(url(blocked_case)).status_code == 403
    with tables_unchanged():
        assert client.post(url(blocked_case), form_data(blocked_case, lines={0: {"tax_code": "X"}})).status_code == 403


def test_a_case_of_another_entity_is_not_found(blocked_case: ExceptionCase, client: Client) -> None:
    fr = foreign_case()
    login(client, "operator")
    assert client.get(url(fr)).status_code == 404
    with tables_unchanged():
        assert client.post(url(fr), {"reason": "x", "reference": "y"}).status_code == 404


def test_the_case_page_links_to_the_form_and_has_no_typed_paths(blocked_case: ExceptionCase, client: Client) -> None:
    html = login(client, "operator").get(f"/cases/{blocked_case.pk}/").content.decode()
    assert f'href="/cases/{blocked_case.pk}/resubmit/">Edit and resubmit</a>' in html
    assert "Fields to override" not in html
    auditor = login(Client(), "auditor").get(f"/cases/{blocked_case.pk}/").content.decode()
    assert "/resubmit/" not in auditor


def test_a_line_value_changed_after_a_line_was_added_is_made_inside_the_lines_set_whole(
    blocked_case: ExceptionCase,
) -> None:
    client = login(Client(), "operator")
    added = {"description": "Milk jug", "quantity": "2", "unit_price": "7.50", "tax_code": "SALES15"}
    assert client.post(url(blocked_case), form_data(blocked_case, add=added)).status_code == 302
    events_drain()  # the first line still has VAT20: blocked again
    assert SyncEvent.objects.get(pk=blocked_case.event_id).state == EventState.BLOCKED
    fixed = form_data(blocked_case, lines={0: {"tax_code": "SALES15"}})
    assert client.post(url(blocked_case), fixed).status_code == 302
    event = SyncEvent.objects.get(pk=blocked_case.event_id)
    assert event.override == {"lines": [{**event.payload["lines"][0], "tax_code": "SALES15"}, added]}
    events_drain()
    event.refresh_from_db()
    assert event.state == EventState.POSTED and event.amount == Decimal("115.00")


def test_a_form_filled_with_other_lines_than_the_events_is_refused(blocked_case: ExceptionCase, client: Client) -> None:
    """Another override made meanwhile (or a form cut short) never drops or shifts a line."""
    data = form_data(blocked_case, lines={0: {"tax_code": "SALES15"}})
    data |= {"lines-INITIAL_FORMS": "2", "lines-TOTAL_FORMS": "2"}
    login(client, "operator")
    with tables_unchanged():
        response = client.post(url(blocked_case), data)
    assert response.status_code == 400 and LINES_CHANGED in response.content.decode().replace("&#39;", "'")
