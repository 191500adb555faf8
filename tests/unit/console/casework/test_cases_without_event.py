"""A case about no event (a reconciliation difference: a record in Odoo no event explains, a
source's total): listed, shown, counted, exported and worked like any case, except that what
needs an event (retry, resubmit, mark duplicate, credit note) is never offered nor done."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.casework.models import CaseState, ExceptionCase
from console.casework.selectors import allowed_actions
from console.casework.services.actions import case_dismiss, case_mark_duplicate, case_retry
from console.casework.services.differences import Difference, case_difference_gone, case_open_for_difference
from console.casework.services.states import CaseError
from console.casework.taxonomy import Category
from console.sync.models import Flow, LegalEntity
from tests.conftest import login
from tests.tables import tables_unchanged
from tests.unit.console.casework.conftest import person
from tests.unit.console.casework.test_open_case_tally import counted, tallied

pytestmark = pytest.mark.django_db

SUBJECT = "Shopify orders, 2026-12-02: source says 812, we received 809"


def open_source_total(amount: str = "120.00") -> ExceptionCase:
    entity = LegalEntity.objects.get(code="US01")
    flow = Flow.objects.get(source__code="shopify", event_kind="customer_invoice")
    with transaction.atomic():
        return case_open_for_difference(
            actor=Actor.system("test"),
            found=Difference(
                category=Category.SOURCE_TOTAL,
                entity=entity,
                flow=flow,
                message="The source says 812 (18430.00 USD); the console received 809 (18310.00 USD).",
                amount=Decimal(amount),
                currency="USD",
                scope=str(flow.pk),
                scope_label=flow.name,
                subject=SUBJECT,
            ),
        )


def test_it_opens_with_its_subject_owner_next_action_and_cause_and_is_audited(configured: dict[str, Any]) -> None:
    case = open_source_total()
    assert case.event_id is None and case.subject == SUBJECT and case.owner_team == "Integration admins"
    assert case.next_action.startswith("Ask the source's owner") and case.severity == "high"
    assert case.cause_key == f"source_total:US01:{case.flow_id}"
    opened = AuditEvent.objects.get(action="case.opened", object_id=str(case.pk))
    assert opened.correlation_id == ""


def test_it_is_listed_with_its_subject_and_counted_in_the_tally(client: Client, configured: dict[str, Any]) -> None:
    case = open_source_total()
    login(client, "operator")
    page = client.get("/cases/").content.decode()
    assert f"#{case.pk}" in page and SUBJECT in page
    assert tallied() == counted()


def test_the_case_list_search_finds_it_by_any_part_of_its_subject(client: Client, configured: dict[str, Any]) -> None:
    case = open_source_total()
    login(client, "operator")
    found = client.get("/cases/?q=we+received+809").content.decode()
    assert f'href="/cases/{case.pk}/"' in found and 'data-total="1"' in found
    missed = client.get("/cases/?q=we+received+810").content.decode()
    assert f'href="/cases/{case.pk}/"' not in missed and 'data-total="0"' in missed


def test_its_page_shows_what_it_is_about_and_offers_no_action_that_needs_an_event(
    client: Client, configured: dict[str, Any]
) -> None:
    case = open_source_total()
    login(client, "operator")
    response = client.get(f"/cases/{case.pk}/")
    page = response.content.decode()
    assert response.status_code == 200 and SUBJECT in page and "Payload as received" not in page
    user, _ = person("operator")
    actions = allowed_actions(user, case)
    assert "dismiss" in actions and "comment" in actions
    assert not {"retry", "resubmit", "mark_duplicate", "credit_note"} & set(actions)


def test_retry_and_mark_duplicate_are_refused_saying_what_to_do(configured: dict[str, Any]) -> None:
    case = open_source_total()
    user, actor = person("operator")
    with tables_unchanged():
        with pytest.raises(CaseError, match="re-run the day"):
            case_retry(user=user, actor=actor, case_id=case.pk)
        with pytest.raises(CaseError, match="about no event"):
            case_mark_duplicate(user=user, actor=actor, case_id=case.pk, of="1")


def test_dismissing_it_needs_a_reason_and_a_controller_when_material(configured: dict[str, Any]) -> None:
    small, large = open_source_total("120.00"), open_source_total("25000.00")
    user, actor = person("operator")
    case_dismiss(user=user, actor=actor, case_id=small.pk, reason="the shop counted test orders")
    assert ExceptionCase.objects.get(pk=small.pk).state == CaseState.DISMISSED
    case_dismiss(user=user, actor=actor, case_id=large.pk, reason="the shop counted test orders")
    assert ExceptionCase.objects.get(pk=large.pk).state == CaseState.WAITING_APPROVAL


def test_a_difference_gone_resolves_it(configured: dict[str, Any]) -> None:
    case = open_source_total()
    with transaction.atomic():
        assert case_difference_gone(actor=Actor.system("test"), case_id=case.pk, text="re-run: agrees now")
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED and case.resolution == "reconciled"


def test_it_is_exported_with_its_subject_as_the_document(client: Client, configured: dict[str, Any]) -> None:
    case = open_source_total()
    login(client, "operator")
    response = client.get("/cases/export.csv")
    body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    rows = {row[0]: row for row in csv.reader(io.StringIO(body))}
    assert rows[str(case.pk)][6] == SUBJECT
