"""A payment received that names no invoice posts as cash does, and, when its flow says so,
opens an "Unmatched receipt" case: an operator matches it with the invoice it pays (recorded,
carried out in Odoo by a worker outside the transaction, its outcome recorded), or leaves it
unmatched as a dismissal."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from console.audit.models import AuditEvent
from console.casework.models import ActivityKind, CaseState, ExceptionCase, MatchState, ReceiptMatch
from console.casework.selectors import allowed_actions
from console.casework.services.actions import case_approve, case_dismiss
from console.casework.services.receipts import case_match_receipt, receipt_match_run, receipt_matches_sweep
from console.casework.services.states import CaseError
from console.sync.models import (
    BusinessProcess,
    EventState,
    Flow,
    LegalEntity,
    SourceSystem,
    SyncEvent,
    UnmatchedReceipts,
)
from console.sync.services.connections import odoo_client_for
from console.sync.services.drain import events_drain
from integrations.odoo.outstanding import receipt_apply
from tests.conftest import login
from tests.factories import invoice_event, payment_event, with_data
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import ingest, person

pytestmark = pytest.mark.django_db


class MatchQueue:
    """The casework.receipt_match messages waiting in the embedded broker's folder."""

    def __init__(self) -> None:
        self.folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))

    def _files(self) -> list[Path]:
        return [
            path
            for path in sorted(self.folder.iterdir())
            if path.name.endswith(".msg")
            and path.name[0] != "."
            and json.loads(path.read_bytes())["headers"]["task"] == "casework.receipt_match"
        ]

    def take_all(self) -> list[int]:
        ids = []
        for path in self._files():
            args, _, _ = json.loads(base64.b64decode(json.loads(path.read_bytes())["body"]))
            ids.append(int(args[0]))
            path.unlink()
        return ids


@pytest.fixture
def queue() -> Any:
    matches = MatchQueue()
    matches.take_all()
    yield matches
    matches.take_all()


@pytest.fixture
def receipts(configured: dict[str, Any]) -> dict[str, Any]:
    """Stripe's payments are matched (post_and_match); invoice order-1 (115.00 USD to Blue Harbor
    Cafe) is posted in Odoo as INV/2026/00001."""
    Flow.objects.filter(source__code="stripe", event_kind="payment").update(
        unmatched_receipts=UnmatchedReceipts.POST_AND_MATCH
    )
    ingest(configured["token"], invoice_event("order-1"))
    events_drain()
    assert SyncEvent.objects.get(external_id="order-1").odoo_name == "INV/2026/00001"
    return configured


def receipt_case(token: str, external_id: str = "ch_1", **data: Any) -> ExceptionCase:
    event = with_data(payment_event(external_id), **data) if data else payment_event(external_id)
    [event_id] = ingest(token, event)
    events_drain()
    return ExceptionCase.objects.select_related("event", "entity").get(event_id=event_id)


def odoo_invoice(name: str = "INV/2026/00001") -> dict[str, Any]:
    client = odoo_client_for(LegalEntity.objects.get(code="US01"))
    [row] = client.search_read("account.move", [["name", "=", name]], ["payment_state", "amount_residual"])
    return dict(row)


def request(case: ExceptionCase, invoice: str, capture: Any, role: str = "operator") -> ExceptionCase:
    user, actor = person(role)
    with capture(execute=True):
        return case_match_receipt(user=user, actor=actor, case_id=case.pk, invoice=invoice)


def test_a_receipt_naming_no_invoice_posts_and_opens_an_unmatched_receipt_case(receipts: dict[str, Any]) -> None:
    case = receipt_case(receipts["token"])

    assert (case.event.state, case.event.odoo_model, case.event.odoo_name) == (
        EventState.POSTED,
        "account.payment",
        "PBNK1/2026/00001",
    )
    assert (case.category, case.severity, case.owner_team, case.state, case.failure_count) == (
        "unmatched_receipt",
        "medium",
        "Finance operations",
        CaseState.OPEN,
        0,
    )
    assert case.summary == (
        "Payment ch_1 of 115.00 USD from Blue Harbor Cafe posted to Odoo as PBNK1/2026/00001 naming no invoice: "
        "it waits in the outstanding credits of its customer until it is matched with the invoice it pays."
    )
    assert AuditEvent.objects.filter(action="case.opened", object_id=str(case.pk)).count() == 1
    assert odoo_invoice()["payment_state"] == "not_paid"


def test_a_flow_left_at_post_opens_no_case_as_before(configured: dict[str, Any]) -> None:
    [event_id] = ingest(configured["token"], payment_event("ch_1"))
    events_drain()
    assert SyncEvent.objects.get(pk=event_id).state == EventState.POSTED
    assert not ExceptionCase.objects.filter(event_id=event_id).exists()


def test_a_payment_settling_an_invoice_or_paying_money_out_opens_no_case(receipts: dict[str, Any]) -> None:
    ids = ingest(
        receipts["token"],
        payment_event("ch_2", "order-1"),
        with_data(payment_event("re_1"), direction="outbound", counterparty="customer"),
    )
    events_drain()
    assert set(SyncEvent.objects.filter(pk__in=ids).values_list("state", flat=True)) == {EventState.POSTED}
    assert not ExceptionCase.objects.filter(event_id__in=ids).exists()


def test_a_material_receipt_opens_as_high(receipts: dict[str, Any]) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold="100.00")
    assert receipt_case(receipts["token"]).severity == "high"


def test_matched_by_the_invoice_events_external_id_in_odoo_by_a_worker(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    case = receipt_case(receipts["token"])

    request(case, "order-1", django_capture_on_commit_callbacks)

    match = ReceiptMatch.objects.get(case=case)
    assert (match.state, match.invoice_event, match.odoo_invoice_name) == (
        MatchState.REQUESTED,
        SyncEvent.objects.get(external_id="order-1"),
        "INV/2026/00001",
    )
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    requested = AuditEvent.objects.get(action="case.match_requested", object_id=str(case.pk))
    assert requested.actor_label == "olivia" and requested.after_data["data"]["invoice"] == "order-1"
    # Nothing reached Odoo in the person's transaction: a worker does it.
    assert odoo_invoice()["payment_state"] == "not_paid"
    assert queue.take_all() == [match.pk]

    assert receipt_match_run(match_id=match.pk) == MatchState.MATCHED

    assert odoo_invoice() == {"id": match.odoo_invoice_id, "payment_state": "paid", "amount_residual": 0.0}
    case.refresh_from_db()
    match.refresh_from_db()
    assert (case.state, case.resolution) == (CaseState.RESOLVED, "matched with INV/2026/00001")
    assert match.message == "PBNK1/2026/00001 applied to INV/2026/00001 in Odoo: 115.00 USD, now paid."
    last = case.activities.order_by("-pk").first()
    assert last is not None and (last.kind, last.text, last.actor_label) == (
        ActivityKind.MATCHED,
        match.message,
        "system:casework.receipt_match",
    )
    matched = AuditEvent.objects.get(action="case.matched", object_id=str(case.pk))
    assert matched.after_data["state"] == "resolved" and matched.after_data["data"]["amount"] == "115.00"


def test_matched_by_its_odoo_number_found_by_the_worker(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    case = receipt_case(receipts["token"], amount="40.00")

    request(case, "INV/2026/00001", django_capture_on_commit_callbacks)
    match = ReceiptMatch.objects.get(case=case)
    assert (match.invoice_event, match.odoo_invoice_id) == (None, None)
    assert receipt_match_run(match_id=match.pk) == MatchState.MATCHED

    match.refresh_from_db()
    assert match.message == "PBNK1/2026/00001 applied to INV/2026/00001 in Odoo: 40.00 USD, which still owes 75.00."
    assert odoo_invoice()["payment_state"] == "partial"


def test_a_match_runs_once_whatever_number_of_messages_name_it(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    case = receipt_case(receipts["token"])
    request(case, "order-1", django_capture_on_commit_callbacks)
    match = ReceiptMatch.objects.get(case=case)
    assert receipt_match_run(match_id=match.pk) == MatchState.MATCHED

    with tables_unchanged():
        assert receipt_match_run(match_id=match.pk) == "nothing"


def test_a_worker_that_died_after_odoo_matched_is_followed_by_one_that_calls_nothing(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    case = receipt_case(receipts["token"])
    request(case, "order-1", django_capture_on_commit_callbacks)
    match = ReceiptMatch.objects.get(case=case)
    assert queue.take_all() == [match.pk]
    # The first worker claimed it, Odoo matched, and the worker died before recording anything.
    ReceiptMatch.objects.filter(pk=match.pk).update(
        state=MatchState.RUNNING, claim_id=uuid.uuid4(), lease_until=timezone.now() - timedelta(seconds=1), attempts=1
    )
    client = odoo_client_for(case.entity)
    assert case.event.odoo_id is not None and match.odoo_invoice_id is not None
    receipt_apply(client, payment_id=case.event.odoo_id, invoice_id=match.odoo_invoice_id)

    assert receipt_matches_sweep() == 1
    assert queue.take_all() == [match.pk]
    assert receipt_match_run(match_id=match.pk) == MatchState.MATCHED

    match.refresh_from_db()
    assert match.attempts == 2
    assert match.message.endswith("It had been applied already; nothing was done twice.")
    partials = client.search_read("account.partial.reconcile", [], ["amount"])
    assert [p["amount"] for p in partials] == [115.0]


def test_another_customers_invoice_is_not_matched_and_the_case_says_why(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    other = with_data(invoice_event("order-2"), partner={"name": "Someone Else", "ref": "CUST-002"})
    ingest(receipts["token"], other)
    case = receipt_case(receipts["token"])
    request(case, "order-2", django_capture_on_commit_callbacks)
    match = ReceiptMatch.objects.get(case=case)

    assert receipt_match_run(match_id=match.pk) == MatchState.REFUSED

    match.refresh_from_db()
    case.refresh_from_db()
    assert match.reason_code == "match_other_partner"
    assert match.message.startswith(
        "Not matched with order-2: PBNK1/2026/00001 is from Blue Harbor Cafe, INV/2026/00002 is to Someone Else"
    )
    assert case.state == CaseState.IN_PROGRESS
    last = case.activities.order_by("-pk").first()
    assert last is not None and (last.kind, last.text) == (ActivityKind.MATCH_NOT_MADE, match.message)
    assert AuditEvent.objects.filter(action="case.match_not_made", object_id=str(case.pk)).count() == 1
    assert odoo_invoice("INV/2026/00002")["payment_state"] == "not_paid"
    # The operator may name the right invoice now.
    assert "match_receipt" in allowed_actions(person("operator")[0], case)


def test_an_invoice_event_not_in_odoo_yet_is_refused_when_asked(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    unmapped = invoice_event("order-3")
    unmapped["data"]["lines"][0]["tax_code"] = "VAT20"
    ingest(receipts["token"], unmapped)
    case = receipt_case(receipts["token"])

    with tables_unchanged(), pytest.raises(CaseError) as refused:
        request(case, "order-3", django_capture_on_commit_callbacks)

    assert str(refused.value) == (
        "customer invoice order-3 is needs attention: it is not in Odoo yet; match the receipt once it has posted"
    )
    assert queue.take_all() == []


def test_while_a_match_is_under_way_nothing_else_ends_the_case(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    case = receipt_case(receipts["token"])
    request(case, "order-1", django_capture_on_commit_callbacks)
    olivia, actor = person("operator")

    assert {"match_receipt", "dismiss", "mark_duplicate"}.isdisjoint(allowed_actions(olivia, case))
    with tables_unchanged():
        with pytest.raises(CaseError, match="a match with order-1 is under way"):
            request(case, "INV/2026/00001", django_capture_on_commit_callbacks)
        with pytest.raises(CaseError, match="a match with order-1 is under way"):
            case_dismiss(user=olivia, actor=actor, case_id=case.pk, reason="an advance")


def test_only_an_operator_asks_for_a_match(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    case = receipt_case(receipts["token"])
    with tables_unchanged():
        for role in ("controller", "auditor", "admin"):
            with pytest.raises(PermissionDenied):
                request(case, "order-1", django_capture_on_commit_callbacks, role=role)
    assert queue.take_all() == []


def test_a_case_that_is_no_receipt_is_not_matched(
    receipts: dict[str, Any], blocked_case: ExceptionCase, django_capture_on_commit_callbacks: Any
) -> None:
    with tables_unchanged(), pytest.raises(CaseError, match="is not an unmatched receipt"):
        request(blocked_case, "order-1", django_capture_on_commit_callbacks)


def test_odoo_unreachable_is_tried_again_after_a_backoff_then_said(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.POSTING_MAX_ATTEMPTS = 2
    case = receipt_case(receipts["token"])
    request(case, "order-1", django_capture_on_commit_callbacks)
    match = ReceiptMatch.objects.get(case=case)
    receipts["sandbox"].control.outage(60)
    try:
        assert receipt_match_run(match_id=match.pk) == MatchState.REQUESTED
        match.refresh_from_db()
        assert match.next_attempt_at is not None and match.next_attempt_at > timezone.now()
        assert match.message.startswith("Odoo could not be reached (") and match.message.endswith("trying again")
        queue.take_all()
        assert receipt_matches_sweep() == 0  # not due yet
        ReceiptMatch.objects.filter(pk=match.pk).update(next_attempt_at=timezone.now())
        assert receipt_matches_sweep() == 1 and queue.take_all() == [match.pk]
        assert receipt_match_run(match_id=match.pk) == MatchState.FAILED
    finally:
        receipts["sandbox"].control.outage_off()

    match.refresh_from_db()
    case.refresh_from_db()
    assert match.message.startswith("Odoo could not be reached after 2 tries (")
    assert match.message.endswith("nothing was matched; ask for the match again")
    assert case.is_open and "match_receipt" in allowed_actions(person("operator")[0], case)


def test_left_unmatched_is_a_dismissal_and_the_payment_stays_posted(receipts: dict[str, Any]) -> None:
    case = receipt_case(receipts["token"])
    olivia, actor = person("operator")

    case_dismiss(user=olivia, actor=actor, case_id=case.pk, reason="an advance for next month's order")

    case.refresh_from_db()
    assert (case.state, case.resolution) == (CaseState.DISMISSED, "left unmatched")
    assert SyncEvent.objects.get(pk=case.event_id).state == EventState.POSTED


def test_leaving_a_material_receipt_unmatched_waits_for_a_controller(receipts: dict[str, Any]) -> None:
    LegalEntity.objects.filter(code="US01").update(materiality_threshold="100.00")
    case = receipt_case(receipts["token"])
    olivia, actor = person("operator")

    case_dismiss(user=olivia, actor=actor, case_id=case.pk, reason="to be refunded")
    case.refresh_from_db()
    assert case.state == CaseState.WAITING_APPROVAL

    carl, controller = person("controller")
    case_approve(user=carl, actor=controller, case_id=case.pk)
    case.refresh_from_db()
    assert (case.state, case.resolution) == (CaseState.DISMISSED, "left unmatched with approval")


def test_the_case_page_offers_match_and_leave_unmatched_and_the_form_sends_the_match(
    receipts: dict[str, Any], client: Client, queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    case = receipt_case(receipts["token"])
    login(client, "operator")

    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Match with the invoice it pays" in page and "Leave it unmatched" in page
    assert "Dismiss (never post)" not in page and "Mark as a duplicate" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cases/{case.pk}/match_receipt/", {"invoice": "order-1"})

    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    [match] = ReceiptMatch.objects.filter(case=case)
    assert queue.take_all() == [match.pk]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Odoo is asked; reload the page for its answer." in page
    receipt_match_run(match_id=match.pk)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "PBNK1/2026/00001 applied to INV/2026/00001 in Odoo: 115.00 USD, now paid." in page


def test_an_invoice_the_form_cannot_take_is_a_400_naming_it(receipts: dict[str, Any], client: Client) -> None:
    case = receipt_case(receipts["token"])
    login(client, "operator")
    with tables_unchanged():
        empty = client.post(f"/cases/{case.pk}/match_receipt/", {"invoice": "  "})
        long = client.post(f"/cases/{case.pk}/match_receipt/", {"invoice": "x" * 201})
    assert (empty.status_code, long.status_code) == (400, 400)
    assert "This field is required." in empty.content.decode()


@pytest.mark.parametrize("role", ["controller", "auditor", "admin"])
def test_a_match_asked_by_another_role_is_a_403(receipts: dict[str, Any], client: Client, role: str) -> None:
    case = receipt_case(receipts["token"])
    login(client, role)
    with tables_unchanged():
        response = client.post(f"/cases/{case.pk}/match_receipt/", {"invoice": "order-1"})
    assert response.status_code == 403


def test_an_invoice_key_is_the_receipts_own_sources_first_and_never_a_guess_between_others(
    receipts: dict[str, Any], queue: MatchQueue, django_capture_on_commit_callbacks: Any
) -> None:
    for code in ("stripe", "coupa"):
        Flow.objects.create(
            source=SourceSystem.objects.get(code=code),
            event_kind="customer_invoice",
            name=f"{code} invoices",
            business_process=BusinessProcess.ORDER_TO_CASH,
        )
    ingest(
        receipts["token"],
        invoice_event("order-1", source="stripe"),
        invoice_event("order-9"),
        invoice_event("order-9", source="coupa"),
    )
    events_drain()
    case = receipt_case(receipts["token"])

    with tables_unchanged(), pytest.raises(CaseError) as refused:
        request(case, "order-9", django_capture_on_commit_callbacks)
    assert str(refused.value) == (
        "the sources coupa, shopify each have an invoice order-9: name it by its Odoo number instead"
    )

    request(case, "order-1", django_capture_on_commit_callbacks)
    match = ReceiptMatch.objects.get(case=case)
    assert match.invoice_event == SyncEvent.objects.get(source__code="stripe", external_id="order-1")


def test_a_receipt_whose_conflicting_version_has_a_case_keeps_that_case_alone(receipts: dict[str, Any]) -> None:
    [event_id] = ingest(receipts["token"], payment_event("ch_1"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {receipts['token']}")
    conflict = with_data(payment_event("ch_1"), amount="116.00")
    assert client.post("/api/v1/events/", data=json.dumps(conflict), content_type="application/json").status_code == 409
    events_drain()

    assert SyncEvent.objects.get(pk=event_id).state == EventState.POSTED
    [case] = ExceptionCase.objects.filter(event_id=event_id)
    assert (case.category, case.state) == ("conflicting_duplicate", CaseState.OPEN)
