"""POST /api/v1/events/: created once, repeats recorded, bad input refused with nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from console.audit.models import AuditEvent
from console.sync.models import DuplicateAttempt, EventState, IngestRejection, SyncEvent
from tests.factories import invoice_event, with_data
from tests.tables import table_changes, tables_unchanged

URL = "/api/v1/events/"


def post(api: APIClient, body: Any) -> Any:
    return api.post(URL, data=json.dumps(body), content_type="application/json")


def nothing_stored() -> Any:
    """Fails unless the block stores nothing but the rejection counter."""
    return tables_unchanged(besides=[IngestRejection])


def test_new_event_is_created_queued_with_its_amount(api: APIClient) -> None:
    response = post(api, invoice_event())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["result"] == "created" and body["duplicate"] is False
    event = SyncEvent.objects.get(pk=body["event_id"])
    assert event.state == EventState.QUEUED
    assert str(event.amount) == "100.00" and event.currency == "USD"
    assert event.occurred_at.isoformat() == "2026-11-20T10:00:00+00:00"
    assert event.flow.event_kind == "customer_invoice"


def test_same_payload_again_is_a_recorded_duplicate(api: APIClient) -> None:
    first = post(api, invoice_event()).json()
    again = post(api, invoice_event(correlation_id="a-new-delivery-id"))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["event_id"] == first["event_id"]
    assert SyncEvent.objects.count() == 1
    repeat = DuplicateAttempt.objects.get()
    assert repeat.same_payload is True and repeat.payload is None


def test_same_key_with_another_payload_is_a_409_conflict_kept_for_review(api: APIClient) -> None:
    post(api, invoice_event())
    changed = with_data(invoice_event(), reference="#1001-B")
    response = post(api, changed)
    assert response.status_code == 409
    assert response.json()["result"] == "conflict"
    conflict = DuplicateAttempt.objects.get()
    assert conflict.same_payload is False
    assert conflict.payload is not None and conflict.payload["reference"] == "#1001-B"
    assert SyncEvent.objects.get().payload["reference"] == "#order-1"


def test_batch_reports_each_item(api: APIClient) -> None:
    events = [
        invoice_event("o-1"),
        invoice_event("o-2"),
        invoice_event("o-1"),
        with_data(invoice_event("o-2"), reference="x"),
    ]
    response = post(api, {"events": events})
    assert response.status_code == 200
    body = response.json()
    assert [r["result"] for r in body["results"]] == ["created", "created", "duplicate", "conflict"]
    assert [r["status"] for r in body["results"]] == [201, 201, 200, 409]
    assert (body["created"], body["duplicates"], body["conflicts"]) == (2, 1, 1)
    assert SyncEvent.objects.count() == 2 and DuplicateAttempt.objects.count() == 2


def test_batch_of_new_events_is_201(api: APIClient) -> None:
    response = post(api, {"events": [invoice_event(f"o-{i}") for i in range(5)]})
    assert response.status_code == 201
    assert SyncEvent.objects.count() == 5


def test_ingest_writes_no_audit_rows(api: APIClient) -> None:
    """Receiving is recorded by the event row itself; decisions are audited later."""
    with table_changes() as received:
        assert post(api, invoice_event()).status_code == 201
    assert received.counts() == {"sync.SyncEvent": (1, 0, 0)}
    assert not AuditEvent.objects.filter(object_type="sync_event").exists()


@pytest.mark.parametrize(
    ("body", "status", "code", "needle"),
    [
        (with_data(invoice_event(), currency="dollars"), 400, "invalid_data", "data.currency"),
        (invoice_event(source="netsuite"), 400, "unknown_source", "unknown source system 'netsuite'"),
        (invoice_event(source="stripe"), 403, "source_not_allowed", "may not ingest for 'stripe'"),
        (invoice_event(entity="DE01"), 400, "unknown_entity", "unknown legal entity 'DE01'"),
        (invoice_event(kind="credit_note"), 400, "invalid_field", "kind: must be one of"),
        (invoice_event(kind="vendor_bill"), 400, "no_flow", "no active flow for vendor_bill"),
        (invoice_event(occurred_at="2026-11-20T10:00:00"), 400, "invalid_field", "needs a time zone"),
        (invoice_event(occurred_at="yesterday"), 400, "invalid_field", "occurred_at"),
        (invoice_event(external_id=""), 400, "missing_field", "external_id: is required"),
        (invoice_event(external_id=7), 400, "invalid_field", "external_id: must be a string"),
        (invoice_event(external_id="x" * 201), 400, "invalid_field", "longer than 200"),
        (invoice_event(surprise=True), 400, "unknown_field", "surprise"),
        ({**invoice_event(), "data": None}, 400, "invalid_data", "data: must be an object"),
        ([1, 2], 400, "invalid_event", "must be a JSON object"),
    ],
)
def test_bad_event_is_refused_naming_the_problem(
    api: APIClient, body: Any, status: int, code: str, needle: str
) -> None:
    with nothing_stored():
        response = post(api, body)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert needle in error["message"]
    assert IngestRejection.objects.get(reason=code).count == 1


def test_one_bad_item_refuses_the_whole_batch_and_names_every_bad_item(api: APIClient) -> None:
    events = [invoice_event("o-1"), with_data(invoice_event("o-2"), currency="x"), invoice_event("o-3", entity="ZZ")]
    with nothing_stored():
        response = post(api, {"events": events})
    assert response.status_code == 400
    items = response.json()["error"]["items"]
    assert [(i["index"], i["code"]) for i in items] == [(1, "invalid_data"), (2, "unknown_entity")]


def test_malformed_json_is_a_400_with_its_position(api: APIClient) -> None:
    with nothing_stored():
        response = api.post(URL, data=b'{"source": "shopify",', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert "line 1 column" in response.json()["error"]["message"]


def test_wrong_content_type_is_a_415(api: APIClient) -> None:
    with nothing_stored():
        response = api.post(URL, data="source=shopify", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_more_than_the_batch_limit_is_refused(api: APIClient) -> None:
    with override_settings(INGEST_MAX_BATCH=3), nothing_stored():
        response = post(api, {"events": [invoice_event(f"o-{i}") for i in range(4)]})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "batch_too_large"


def test_empty_batch_is_refused(api: APIClient) -> None:
    with nothing_stored():
        response = post(api, {"events": []})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_batch"


def test_body_over_the_size_limit_is_a_413(api: APIClient) -> None:
    with override_settings(INGEST_MAX_BODY_BYTES=2000), nothing_stored():
        response = post(api, {"events": [invoice_event(f"o-{i}") for i in range(20)]})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_no_token_is_a_401(sources: dict[str, Any]) -> None:
    with nothing_stored():
        response = APIClient().post(URL, data=json.dumps(invoice_event()), content_type="application/json")
    assert response.status_code == 401


def test_unknown_token_is_a_401(sources: dict[str, Any]) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token fos_not-a-real-token")
    with nothing_stored():
        response = client.post(URL, data=json.dumps(invoice_event()), content_type="application/json")
    assert response.status_code == 401


def test_a_person_cannot_ingest_with_a_session(sources: dict[str, Any], django_user_model: Any) -> None:
    client = APIClient()
    client.force_login(django_user_model.objects.create_user(username="olivia", password="x-very-long-password"))
    with nothing_stored():
        response = client.post(URL, data=json.dumps(invoice_event()), content_type="application/json")
    assert response.status_code in (401, 403)


def test_hostile_text_is_stored_verbatim_and_returned_as_json(api: APIClient) -> None:
    hostile = "<img src=x onerror=alert(1)>\u202e\x07"
    response = post(api, with_data(invoice_event(), reference=hostile))
    assert response.status_code == 201
    assert SyncEvent.objects.get().payload["reference"] == hostile


def test_nul_character_is_refused_not_a_500(api: APIClient) -> None:
    with nothing_stored():
        response = post(api, invoice_event(correlation_id="a\x00b"))
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["message"]


def test_event_state_can_be_read_back_by_its_source(api: APIClient) -> None:
    event_id = post(api, invoice_event()).json()["event_id"]
    response = api.get(f"{URL}{event_id}/")
    assert response.status_code == 200
    assert response.json()["state"] == "queued"
    assert api.get(f"{URL}{event_id + 999}/").status_code == 404
