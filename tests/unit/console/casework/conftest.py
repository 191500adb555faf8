from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from console.access.models import User
from console.audit.actors import Actor
from console.casework.models import ExceptionCase
from console.sync.models import SyncEvent
from console.sync.services.drain import events_drain
from tests.factories import invoice_event


def ingest(token: str, *events: dict[str, Any]) -> list[int]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(
        "/api/v1/events/", data=json.dumps({"events": list(events)}), content_type="application/json"
    )
    assert response.status_code in (200, 201), response.content
    return [r["event_id"] for r in response.json()["results"]]


def unmapped_invoice(external_id: str, price: str = "100.00") -> dict[str, Any]:
    event = invoice_event(external_id)
    event["data"]["lines"][0]["tax_code"] = "VAT20"
    event["data"]["lines"][0]["unit_price"] = price
    return event


def person(role: str) -> tuple[User, Actor]:
    from tests.conftest import PERSONAS

    user = User.objects.get(username=PERSONAS[role])
    return user, Actor.person(user)


@pytest.fixture
def blocked_case(configured: dict[str, Any]) -> ExceptionCase:
    """An invoice blocked on the unmapped tax code VAT20 in US01, and the case it opened."""
    [event_id] = ingest(configured["token"], unmapped_invoice("order-vat20"))
    events_drain()
    assert SyncEvent.objects.get(pk=event_id).state == "blocked"
    return ExceptionCase.objects.select_related("event", "entity").get(event_id=event_id)
