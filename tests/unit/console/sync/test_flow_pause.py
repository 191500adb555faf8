"""A paused flow keeps receiving and recording its events and posts none of them; resuming
posts every one of them, once. Who may pause and resume, and what the trail keeps."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from console.access.models import User
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sync.errors import SyncError
from console.sync.models import EventState, Flow, PostingAttempt, SyncEvent
from console.sync.services.drain import events_drain
from console.sync.services.flow_pause import flow_pause, flow_resume
from console.sync.services.flows import FlowNotFound
from console.sync.tasks import post_events
from tests.conftest import PERSONAS, feed_token
from tests.factories import invoice_event, vendor_bill_event
from tests.tables import tables_unchanged
from tests.unit.console.sync.conftest import PostingQueue, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def ingest(api: APIClient, *events: dict[str, Any]) -> list[int]:
    response = api.post("/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json")
    assert response.status_code == 201, response.content
    return [int(r["event_id"]) for r in response.json()["results"]]


def person(role: str) -> User:
    return User.objects.get(username=PERSONAS[role])


def invoices_flow() -> Flow:
    return Flow.objects.get(source__code="shopify", event_kind="customer_invoice")


def pause(role: str = "operator", reason: str = "Odoo upgrade tonight") -> Flow:
    who = person(role)
    return flow_pause(flow_id=invoices_flow().pk, user=who, actor=Actor.person(who), reason=reason)


def resume(role: str = "controller", reason: str = "upgrade done") -> tuple[Flow, int]:
    who = person(role)
    return flow_resume(flow_id=invoices_flow().pk, user=who, actor=Actor.person(who), reason=reason)


def moves(sandbox: Any, ref: str) -> int:
    return int(sandbox.control.count("account.move", [["ref", "=", ref]]))


def test_a_paused_flow_records_its_events_and_posts_none_while_other_flows_post(
    api: APIClient, configured: dict[str, Any]
) -> None:
    sandbox = configured["sandbox"]
    pause()
    ids = ingest(api, *(invoice_event(f"paused-{n}") for n in range(3)))
    [bill] = ingest(api, vendor_bill_event("bill-1"))
    summary = events_drain()
    assert summary.claimed == 1 and summary.posted == 1  # the bill only: its flow is not paused
    waiting = SyncEvent.objects.filter(pk__in=ids)
    assert {e.state for e in waiting} == {EventState.QUEUED}  # waiting, neither failed nor blocked
    assert {e.attempt_count for e in waiting} == {0} and not PostingAttempt.objects.filter(event__in=ids).exists()
    assert not AuditEvent.objects.filter(object_type="sync_event", object_id__in=[str(i) for i in ids]).exists()
    assert all(moves(sandbox, f"shopify/paused-{n}") == 0 for n in range(3))
    assert SyncEvent.objects.get(pk=bill).state == EventState.POSTED
    # More keep arriving, and the drain still posts nothing of them.
    more = ingest(api, invoice_event("paused-3"))
    assert events_drain().claimed == 0
    assert SyncEvent.objects.get(pk=more[0]).state == EventState.QUEUED


def test_resuming_posts_every_waiting_event_exactly_once(api: APIClient, configured: dict[str, Any]) -> None:
    sandbox = configured["sandbox"]
    pause()
    ids = ingest(api, *(invoice_event(f"backlog-{n}") for n in range(4)))
    events_drain()
    _, sent = resume()
    assert sent == 4
    assert events_drain().posted == 4
    assert set(SyncEvent.objects.filter(pk__in=ids).values_list("state", flat=True)) == {EventState.POSTED}
    assert [moves(sandbox, f"shopify/backlog-{n}") for n in range(4)] == [1, 1, 1, 1]
    assert events_drain().claimed == 0  # nothing is posted twice
    assert PostingAttempt.objects.filter(event__in=ids).count() == 4


def test_resume_sends_the_backlog_in_batches_and_the_workers_post_each_once(
    source: Source, posting_queue: PostingQueue, configured: dict[str, Any], settings: Any, capture: Any
) -> None:
    settings.POSTING_BATCH_SIZE = 2
    pause()
    ids = source.one_by_one([invoice_event(f"queued-{n}") for n in range(5)])
    # What ingestion sent while paused finds nothing it may claim, and sends nothing more.
    while (message := posting_queue.take()) is not None:
        assert post_events(message)["claimed"] == 0
    with capture(execute=True):
        resume()
    assert posting_queue.messages() == [ids[0:2], ids[2:4], ids[4:5]]
    while (message := posting_queue.take()) is not None:
        post_events(message)
    events = SyncEvent.objects.filter(pk__in=ids)
    assert {e.state for e in events} == {EventState.POSTED}
    assert [moves(configured["sandbox"], f"shopify/queued-{n}") for n in range(5)] == [1] * 5


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Any:
    return django_capture_on_commit_callbacks


def test_pause_and_resume_are_audited_with_who_when_and_why(configured: dict[str, Any]) -> None:
    flow = pause("operator", "incident 42: Odoo answers 502")
    assert flow.paused_at is not None and flow.paused_by == "olivia" and flow.pause_reason.startswith("incident 42")
    paused = AuditEvent.objects.get(action="flow.paused", object_id=str(flow.pk))
    assert paused.actor_label == "olivia" and paused.reason == "incident 42: Odoo answers 502"
    assert paused.before_data["paused"] is False and paused.after_data["paused"] is True
    assert paused.after_data["paused_by"] == "olivia" and paused.entity_code == "US01"
    flow, _ = resume("admin", "Odoo is back")
    assert flow.paused_at is None and flow.paused_by == "" and flow.pause_reason == ""
    resumed = AuditEvent.objects.get(action="flow.resumed", object_id=str(flow.pk))
    assert resumed.actor_label == "ian" and resumed.reason == "Odoo is back"
    assert resumed.before_data["pause_reason"] == "incident 42: Odoo answers 502"
    assert resumed.after_data == {**resumed.after_data, "paused": False, "events_sent": 0}


@pytest.mark.parametrize("role", ["operator", "controller", "admin"])
def test_operators_controllers_and_admins_may_pause(configured: dict[str, Any], role: str) -> None:
    assert pause(role).is_paused


def test_an_auditor_may_not_pause_and_nothing_changes(configured: dict[str, Any]) -> None:
    with tables_unchanged(), pytest.raises(PermissionDenied, match="pausing the flow needs the role"):
        pause("auditor")


@pytest.mark.parametrize("role", ["operator", "auditor"])
def test_only_controllers_and_admins_may_resume(configured: dict[str, Any], role: str) -> None:
    pause()
    with tables_unchanged(), pytest.raises(PermissionDenied, match="resuming the flow needs the role"):
        resume(role)
    assert invoices_flow().is_paused


def test_a_pause_needs_a_reason_and_a_flow_not_paused_already(configured: dict[str, Any]) -> None:
    with tables_unchanged(), pytest.raises(SyncError, match="needs a reason"):
        pause(reason="   ")
    pause()
    with tables_unchanged(), pytest.raises(SyncError, match="paused already"):
        pause("controller")


def test_resuming_a_flow_that_is_not_paused_is_refused(configured: dict[str, Any]) -> None:
    with tables_unchanged(), pytest.raises(SyncError, match="is not paused"):
        resume()


def test_a_flow_that_also_posts_for_an_entity_the_person_lacks_is_not_theirs_to_pause(
    configured: dict[str, Any],
) -> None:
    """Every source's account of FR01 makes the invoices flow post for FR01 too: a pause by a
    US01 person would stop FR01's posting."""
    from console.sync.models import LegalEntity

    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    feed_token("FR01")
    with tables_unchanged(), pytest.raises(PermissionDenied, match="every legal entity it posts for"):
        pause("controller")
    # The shell may (it is not a person of some entities).
    flow_pause(flow_id=invoices_flow().pk, user=None, actor=Actor.system("flow_pause"), reason="close")
    assert invoices_flow().paused_by == "system:flow_pause"


def test_a_flow_of_another_entity_only_is_not_found(configured: dict[str, Any]) -> None:
    from console.sync.models import LegalEntity, SourceKind, SourceSystem

    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    shop = SourceSystem.objects.create(code="shop-fr", name="Shop FR", kind=SourceKind.SHOPIFY, entity=fr)
    flow = Flow.objects.create(
        source=shop, event_kind="customer_invoice", name="FR orders", business_process="order_to_cash"
    )
    carl = person("controller")
    with tables_unchanged(), pytest.raises(FlowNotFound):
        flow_pause(flow_id=flow.pk, user=carl, actor=Actor.person(carl), reason="not mine")
