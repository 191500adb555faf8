"""Root causes: the open cases one fix would close, grouped, counted with their money, fixed once
and retried together; and a case resolved by its document posting under another key."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from console.audit.models import AuditEvent
from console.casework.cause_lists import causes_open
from console.casework.causes import Facts, cause_of
from console.casework.models import (
    ActivityKind,
    ApprovalState,
    BulkRun,
    BulkState,
    CaseApproval,
    CaseState,
    ExceptionCase,
)
from console.casework.services.actions import case_dismiss, case_retry
from console.casework.services.bulk import bulk_execute
from console.casework.services.states import CaseError
from console.casework.taxonomy import Category
from console.sync.models import ClosedPeriod, EventState, Flow, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.services.flows import flow_closed_period_set
from tests.conftest import login
from tests.factories import invoice_event, journal_entry_event, with_data
from tests.unit.console.casework.conftest import ingest, person, unmapped_invoice

pytestmark = pytest.mark.django_db

VAT20 = "missing_mapping:US01:tax:VAT20"


def unmapped(external_id: str, code: str, price: str) -> dict[str, Any]:
    event = unmapped_invoice(external_id, price=price)
    event["data"]["lines"][0]["tax_code"] = code
    event["data"]["reference"] = f"#{external_id}"
    return event


@pytest.fixture
def four_cases(configured: dict[str, Any]) -> dict[str, Any]:
    """Three invoices waiting on tax code VAT20, one on VAT7, all in US01."""
    ingest(
        configured["token"],
        unmapped("vat20-a", "VAT20", "100.00"),
        unmapped("vat20-b", "VAT20", "200.00"),
        unmapped("vat20-c", "VAT20", "25000.00"),
        unmapped("vat7-a", "VAT7", "50.00"),
    )
    events_drain()
    assert ExceptionCase.objects.filter(state=CaseState.OPEN).count() == 4
    return configured


def facts(**changes: Any) -> Facts:
    values: dict[str, Any] = {
        "event_id": 7,
        "entity_id": 1,
        "entity_code": "FR01",
        "kind": "vendor_bill",
        "external_id": "bill-7",
        "blocked_on": "",
        "occurred_at": dt.datetime(2026, 3, 5, tzinfo=dt.UTC),
        "payload": {"partner": {"ref": "V-9", "name": "Acme"}, "reference": "B-1", "invoice_date": "2026-02-27"},
    }
    values.update(changes)
    return Facts(**values)


def test_odoo_refusals_by_one_rule_share_a_cause_whatever_their_numbers() -> None:
    first = cause_of(Category.ODOO_VALIDATION, "validation", "Line 3: amount 1,204.50 exceeds 1000", facts())
    second = cause_of(Category.ODOO_VALIDATION, "validation", "Line 12: amount 9.99 exceeds 1000", facts(event_id=8))
    other = cause_of(Category.ODOO_VALIDATION, "validation", "Journal BNK1 is archived", facts())
    assert first.key == second.key == "odoo_validation:FR01:validation:Line #: amount # exceeds #"
    assert other.key != first.key


def test_a_lock_date_cause_is_the_month_of_the_documents_own_date() -> None:
    cause = cause_of(Category.CLOSED_PERIOD, "lock_date", "locked", facts())
    assert (cause.key, cause.label) == ("closed_period:FR01:2026-02", "2026-02 is locked in Odoo for FR01")


def test_a_question_about_one_document_is_a_cause_of_its_own() -> None:
    one = cause_of(Category.SUSPECTED_DUPLICATE, "suspected_duplicate", "same bill", facts())
    two = cause_of(Category.SUSPECTED_DUPLICATE, "suspected_duplicate", "same bill", facts(event_id=8))
    assert one.key == "suspected_duplicate:event:7" and two.key == "suspected_duplicate:event:8"


def test_cases_of_one_missing_mapping_are_one_cause_with_their_count_money_and_age(
    four_cases: dict[str, Any],
) -> None:
    olivia, _ = person("operator")
    causes = causes_open(olivia)
    assert causes.count() == 2 and causes.total_cases == 4
    assert [(c.key, c.cases, c.money) for c in causes[0:50]] == [
        (VAT20, 3, {"USD": Decimal("25300.00")}),
        ("missing_mapping:US01:tax:VAT7", 1, {"USD": Decimal("50.00")}),
    ]
    top = causes[0:1][0]
    assert top.label == "tax code VAT20 has no mapping in US01"
    assert top.team == "Finance operations" and top.fix_code == ("US01", "tax", "VAT20")
    oldest = ExceptionCase.objects.filter(cause_key=VAT20).order_by("opened_at").first()
    assert oldest is not None and top.oldest == oldest.opened_at


def test_the_causes_view_the_case_list_and_the_dashboard_state_the_same_figures(four_cases: dict[str, Any]) -> None:
    client = login(Client(), "operator")
    page = client.get("/cases/causes/").content.decode()
    assert "tax code VAT20 has no mapping in US01" in page and "$25,300.00" in page
    assert 'href="/mappings/US01/tax/?code=VAT20"' in page
    view_count = re.search(rf'data-cause="{VAT20}">.*?data-count="(\d+)"', page, re.S)
    assert view_count is not None and view_count.group(1) == "3"

    listed = client.get("/cases/", {"cause": VAT20}).content.decode()
    assert 'data-total="3"' in listed and "$25,300.00" in listed

    dashboard = client.get("/").content.decode()
    tile = re.search(rf'data-cause="{VAT20}"><a href="([^"]+)" class="figure" data-count="(\d+)"', dashboard)
    assert tile is not None and tile.group(2) == "3"
    assert client.get(tile.group(1).replace("&amp;", "&")).content.decode().count('data-total="3"') == 1


def test_people_without_a_finance_role_may_not_open_the_causes(four_cases: dict[str, Any]) -> None:
    assert login(Client(), "admin").get("/cases/causes/").status_code == 403
    auditor_page = login(Client(), "auditor").get("/cases/causes/")
    # An auditor reads the causes and retries nothing: no retry form, and its POST is refused.
    assert auditor_page.status_code == 200 and b"Retry the cause" not in auditor_page.content
    refused = login(Client(), "auditor").post("/cases/bulk/", {"action": "retry", "filter": f"cause={VAT20}"})
    assert refused.status_code == 403 and not BulkRun.objects.exists()


def test_one_fix_then_retrying_the_cause_posts_every_case_of_it(configured: dict[str, Any]) -> None:
    """Three pay runs dated in a closed March are held; the controller reopens March in Odoo, and
    one retry of the cause, dry run first, posts all three."""
    sandbox = configured["sandbox"]
    sandbox.control.set_today("2026-12-02")
    sandbox.control.set_lock_date(1, "2026-06-30")
    flow = Flow.objects.get(source__code="payroll", event_kind="journal_entry")
    carl, carl_actor = person("controller")
    flow_closed_period_set(user=carl, actor=carl_actor, flow_id=flow.pk, policy=ClosedPeriod.HOLD, reason="close")
    runs = [with_data(journal_entry_event(f"run-{n}"), date=f"2026-03-{n:02d}") for n in (5, 12, 19)]
    ids = ingest(configured["token"], *runs, with_data(journal_entry_event("run-july"), date="2026-07-15"))
    events_drain()
    key = "closed_period_held:US01:2026-03"
    assert ExceptionCase.objects.filter(cause_key=key, state=CaseState.OPEN).count() == 3

    sandbox.control.set_lock_date(1, "2026-02-28")  # the fix, made in Odoo
    client = login(Client(), "operator")
    page = client.get("/cases/causes/").content.decode()
    assert f'name="filter" value="cause={key.replace(":", "%3A")}"' in page
    response = client.post("/cases/bulk/", {"action": "retry", "filter": f"cause={key.replace(':', '%3A')}"})
    run = BulkRun.objects.get()
    assert response.status_code == 302 and (run.state, run.total) == (BulkState.PREVIEWED, 3)
    assert run.money == {"USD": "15000.00"}
    assert client.post(f"/cases/bulk/{run.pk}/run/").status_code == 302
    run = bulk_execute(run.pk)
    events_drain()
    assert (run.state, run.succeeded) == (BulkState.DONE, 3)
    posted = SyncEvent.objects.filter(pk__in=ids[:3])
    assert set(posted.values_list("state", "booked_later")) == {(EventState.POSTED, False)}
    assert not ExceptionCase.objects.filter(cause_key=key, state__in=["open", "in_progress"]).exists()
    assert AuditEvent.objects.filter(action="case.retried").count() == 3


def test_a_case_resolves_when_its_document_posts_under_another_key(four_cases: dict[str, Any]) -> None:
    stuck = ExceptionCase.objects.get(event__external_id="vat20-a")
    # The shop sends the same order again under a new id, with a tax code Odoo knows.
    resent = with_data(invoice_event("vat20-a-resent"), reference="#vat20-a")
    [resent_id] = ingest(four_cases["token"], resent)
    events_drain()
    assert SyncEvent.objects.get(pk=resent_id).state == EventState.POSTED
    stuck.refresh_from_db()
    assert (stuck.state, stuck.resolution) == (CaseState.RESOLVED, f"resolved by event {resent_id}")
    entry = stuck.activities.get(kind=ActivityKind.RESOLVED)
    assert entry.data == {"resolved_by_event": resent_id} and f"event {resent_id} (vat20-a-resent)" in entry.text
    assert SyncEvent.objects.get(pk=stuck.event_id).state == EventState.DISMISSED
    assert AuditEvent.objects.filter(action="event.dismissed", object_id=str(stuck.event_id)).count() == 1
    # The other orders of the cause stay open: only the same document resolves a case.
    assert ExceptionCase.objects.filter(cause_key=VAT20, state=CaseState.OPEN).count() == 2
    olivia, actor = person("operator")
    with pytest.raises(CaseError):  # the earlier version can never post as well
        case_retry(user=olivia, actor=actor, case_id=stuck.pk, reason="try again")


def test_another_document_of_the_same_customer_resolves_nothing(four_cases: dict[str, Any]) -> None:
    [other_id] = ingest(four_cases["token"], with_data(invoice_event("order-other"), reference="#other"))
    events_drain()
    assert SyncEvent.objects.get(pk=other_id).state == EventState.POSTED
    assert ExceptionCase.objects.filter(state=CaseState.OPEN).count() == 4


def test_a_decision_waiting_on_a_resolved_case_is_withdrawn(four_cases: dict[str, Any]) -> None:
    olivia, actor = person("operator")
    material = ExceptionCase.objects.get(event__external_id="vat20-c")
    case_dismiss(user=olivia, actor=actor, case_id=material.pk, reason="sent twice by the shop")
    material.refresh_from_db()
    assert material.state == CaseState.WAITING_APPROVAL
    resent = with_data(invoice_event("vat20-c-resent"), reference="#vat20-c")
    resent["data"]["lines"][0]["unit_price"] = "25000.00"
    ingest(four_cases["token"], resent)
    events_drain()
    material.refresh_from_db()
    approval = CaseApproval.objects.get(case=material)
    assert material.state == CaseState.RESOLVED
    assert (approval.state, approval.decided_by_id) == (ApprovalState.REJECTED, None)
    assert approval.decision_note.startswith("withdrawn: the case resolved by event")
