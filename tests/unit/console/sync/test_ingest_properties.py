"""Properties of POST /api/v1/events/ for arbitrary input: never a 5xx, always a JSON answer;
an event stored is one the strict reader accepts and whose amount fits its column, and a
refusal stores nothing but the rejection counter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from console.audit.models import AuditEvent
from console.casework.models import ExceptionCase
from console.sync.api.schema import EVENT
from console.sync.models import BusinessProcess, DuplicateAttempt, Flow, IngestRejection, SourceSystem, SyncEvent
from integrations.canonical import KINDS, MAX_ABS_AMOUNT, parse_document
from tests.factories import bank_line_event, invoice_event, journal_entry_event, payment_event
from tests.strategies import CROSS_FIELD_RULES, JSON, examples, from_schema, mutated

URL = "/api/v1/events/"
# A time of the first or last day whose offset takes it out of the years in UTC, too.
RULES = (*CROSS_FIELD_RULES, "in UTC")


def as_shopify_us01(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "source": "shopify", "entity": "US01"}


VALID = [
    invoice_event(),
    as_shopify_us01(payment_event("p", "order-1")),
    as_shopify_us01(bank_line_event("t")),
    as_shopify_us01(journal_entry_event("j")),
]
# Events as a fuzzer reading /api/schema/ sends them, from the token's own source and entity.
SCHEMA_EVENTS = from_schema(EVENT).map(as_shopify_us01)


@pytest.fixture
def every_kind(api: APIClient) -> APIClient:
    """The shopify token may send every kind (flows for all), so that each reaches the reader."""
    shopify = SourceSystem.objects.get(code="shopify")
    for kind in KINDS:
        Flow.objects.get_or_create(
            source=shopify,
            event_kind=kind,
            defaults={"name": kind, "business_process": BusinessProcess.RECORD_TO_REPORT},
        )
    return api


def counts() -> tuple[int, ...]:
    """Events, repeats, cases and audit rows (what an ingest could write), then the rejections counted."""
    rejected = IngestRejection.objects.aggregate(n=Sum("count"))["n"] or 0
    written = (SyncEvent.objects, DuplicateAttempt.objects, ExceptionCase.objects, AuditEvent.objects)
    return (*(rows.count() for rows in written), rejected)


def check(api: APIClient, raw: bytes) -> Any:
    """Post the body in a savepoint rolled back after; assert the properties; return the answer."""
    with transaction.atomic():
        before = counts()
        response = api.post(URL, data=raw, content_type="application/json")
        assert response.status_code < 500, response.content
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        after = counts()
        if response.status_code >= 400:
            assert after[:-1] == before[:-1], "a refusal stored something"
            assert after[-1] > before[-1], "a refusal was not counted"
        else:
            for result in body.get("results", [body]):
                stored = SyncEvent.objects.get(pk=result["event_id"])
                doc = parse_document(stored.kind, stored.payload)
                assert doc.amount == stored.amount and abs(stored.amount) < MAX_ABS_AMOUNT
                assert api.get(f"{URL}{stored.pk}/").status_code == 200
        transaction.set_rollback(True)
    return response


@examples(100)
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_are_never_a_5xx(api: APIClient, raw: bytes) -> None:
    check(api, raw)


@given(body=JSON)
def test_arbitrary_json_is_never_a_5xx_and_never_half_stored(api: APIClient, body: Any) -> None:
    check(api, json.dumps(body).encode())


@given(body=st.sampled_from(VALID).flatmap(mutated))
def test_a_valid_event_with_one_hostile_place_is_stored_whole_or_refused(every_kind: APIClient, body: Any) -> None:
    check(every_kind, json.dumps(body).encode())


@given(events=st.lists(st.sampled_from(VALID).flatmap(mutated), min_size=1, max_size=3))
def test_a_batch_with_hostile_items_is_stored_whole_or_refused(every_kind: APIClient, events: list[Any]) -> None:
    with_ids = [
        {**event, "external_id": f"e-{n}"} if isinstance(event, dict) else event for n, event in enumerate(events)
    ]
    check(every_kind, json.dumps({"events": with_ids}).encode())


@given(body=SCHEMA_EVENTS)
def test_what_the_schema_allows_is_stored_unless_a_cross_field_rule_is_broken(every_kind: APIClient, body: Any) -> None:
    response = check(every_kind, json.dumps(body).encode())
    if response.status_code >= 400:
        message = response.json()["error"]["message"]
        assert any(rule in message for rule in RULES), f"the schema allows what ingestion refuses: {message}"
