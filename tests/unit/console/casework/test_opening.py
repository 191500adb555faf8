"""Cases open when an event cannot post, gather repeated failures, and resolve when it posts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from console.audit.models import AuditEvent
from console.casework.models import ActivityKind, CaseState, ExceptionCase
from console.casework.services.actions import case_retry
from console.mappings.models import MappingKind
from console.mappings.services import mapping_version_add
from console.sync.models import DuplicateAttempt, SyncEvent
from console.sync.services.drain import events_drain
from tests.factories import invoice_event
from tests.tables import table_changes
from tests.unit.console.casework.conftest import ingest, person
from tests.unit.console.sync.test_posting import configured_tax_id

pytestmark = pytest.mark.django_db


def test_a_blocked_event_opens_one_case_in_finance_words(blocked_case: ExceptionCase) -> None:
    case = blocked_case
    assert case.state == CaseState.OPEN and case.category == "missing_mapping"
    assert case.next_action == (
        "Add a tax mapping for VAT20 in entity US01; the event posts by itself once it is approved."
    )
    assert case.amount == case.event.amount and case.currency == "USD" and case.severity == "medium"
    assert case.owner_team == "Finance operations" and case.sla_due_at > case.opened_at
    assert AuditEvent.objects.filter(action="case.opened", object_id=str(case.pk)).count() == 1


def test_a_repeated_failure_adds_to_the_open_case(blocked_case: ExceptionCase) -> None:
    user, actor = person("operator")
    case_retry(user=user, actor=actor, case_id=blocked_case.pk)
    events_drain()
    assert ExceptionCase.objects.filter(event=blocked_case.event).count() == 1
    case = ExceptionCase.objects.get(pk=blocked_case.pk)
    assert case.failure_count == 2 and case.state == CaseState.IN_PROGRESS
    kinds = list(case.activities.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [ActivityKind.OPENED, ActivityKind.RETRIED, ActivityKind.FAILED_AGAIN]


def test_adding_the_mapping_posts_the_event_and_resolves_the_case(
    blocked_case: ExceptionCase, configured: dict[str, Any]
) -> None:
    from console.audit.actors import Actor

    mapping_version_add(
        kind=MappingKind.TAX,
        entity=blocked_case.entity,
        source_value="VAT20",
        odoo_id=configured_tax_id(configured["sandbox"]),
        valid_from=timezone.now() - timedelta(days=30),
        actor=Actor.system("test"),
        reason="test",
    )
    events_drain()
    case = ExceptionCase.objects.get(pk=blocked_case.pk)
    assert SyncEvent.objects.get(pk=case.event_id).state == "posted"
    assert case.state == CaseState.RESOLVED and case.resolution == "posted" and case.resolved_at is not None
    assert AuditEvent.objects.filter(action="case.resolved", object_id=str(case.pk)).count() == 1


def test_an_odoo_refusal_opens_a_closed_period_case(configured: dict[str, Any]) -> None:
    configured["sandbox"].control.set_lock_date(1, "2026-12-31")
    [event_id] = ingest(configured["token"], invoice_event("order-locked"))
    events_drain()
    case = ExceptionCase.objects.get(event_id=event_id)
    assert case.category == "closed_period" and case.severity == "high" and case.owner_team == "Controlling"
    assert "2026-11-20" in case.next_action


def test_the_same_key_with_different_content_opens_a_case_on_the_original(configured: dict[str, Any]) -> None:
    [event_id] = ingest(configured["token"], invoice_event("order-twice"))
    changed = invoice_event("order-twice")
    changed["data"]["lines"][0]["unit_price"] = "120.00"
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {configured['token']}")
    with table_changes() as first_conflict:
        assert client.post("/api/v1/events/", changed, format="json").status_code == 409
    case = ExceptionCase.objects.get(event_id=event_id)
    assert case.category == "conflicting_duplicate" and case.severity == "high"
    # The original is kept as sent; the other content is kept beside it, for review.
    assert first_conflict.rows_changed(SyncEvent) == {}
    assert SyncEvent.objects.get(pk=event_id).payload["lines"][0]["unit_price"] == "100.00"
    [conflict] = first_conflict.rows_added(DuplicateAttempt)
    assert (conflict["event_id"], conflict["same_payload"]) == (event_id, False)
    assert conflict["payload"]["lines"][0]["unit_price"] == "120.00"
    assert client.post("/api/v1/events/", changed, format="json").status_code == 409
    case.refresh_from_db()
    assert case.failure_count == 2 and ExceptionCase.objects.filter(event_id=event_id).count() == 1
    assert SyncEvent.objects.filter(external_id="order-twice").count() == 1


def test_a_second_vendor_bill_with_another_key_is_held_as_a_suspected_duplicate(configured: dict[str, Any]) -> None:
    from tests.factories import vendor_bill_event

    [first, second] = ingest(configured["token"], vendor_bill_event("bill-77"), vendor_bill_event("bill-77-resent"))
    events_drain()
    assert SyncEvent.objects.get(pk=first).state == "posted"
    assert SyncEvent.objects.get(pk=second).state == "blocked"
    case = ExceptionCase.objects.get(event_id=second)
    assert case.category == "suspected_duplicate" and "bill-77" in case.summary
    # The operator looked: a second, real bill. Retrying posts it anyway, and the case resolves.
    user, actor = person("operator")
    case_retry(user=user, actor=actor, case_id=case.pk, reason="two deliveries, two bills")
    events_drain()
    case.refresh_from_db()
    assert SyncEvent.objects.get(pk=second).state == "posted"
    assert case.state == CaseState.RESOLVED
