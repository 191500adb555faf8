"""Hostile input on PostgreSQL, where SQLite is forgiving: psycopg refuses NUL in a
parameter and cannot encode a lone surrogate, jsonb refuses \\u0000, integer columns stop at
2^31 - 1, NUMERIC(18, 2) at 10^16. Each answer is a 4xx naming the problem, never a 500,
and nothing is stored but the rejection counter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from console.access.models import User
from console.access.services import personal_token_create
from console.audit.actors import Actor
from console.sync.models import IngestRejection, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.factories import invoice_event, with_data
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db
BIG = "9999999999999.99"


def ingest(token: str, raw: str) -> Any:
    return Client().post("/api/v1/events/", raw, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (
            json.dumps(with_data(invoice_event(), lines=[{"description": "x", "quantity": BIG, "unit_price": BIG}])),
            "invalid_data",
        ),
        (json.dumps(invoice_event()).replace('"#order-1"', '"a\\u0000b"'), "invalid_data"),
        (json.dumps(invoice_event()).replace('"#order-1"', '"a\\ud800b"'), "invalid_data"),
        (json.dumps(invoice_event(correlation_id="PLACEHOLDER")).replace("PLACEHOLDER", "\\udfff"), "invalid_field"),
        (json.dumps(invoice_event(source="PLACEHOLDER")).replace("PLACEHOLDER", "\\ud800"), "invalid_field"),
        (json.dumps(invoice_event(occurred_at="0001-01-01T00:00:00+01:00")), "invalid_field"),
        (json.dumps(invoice_event())[:-1] + ', "\\ud800": 1}', "unknown_field"),
        ("[" * 50_000 + "]" * 50_000, "json_too_deep"),
    ],
)
def test_hostile_events_are_refused_and_nothing_is_stored(token: str, raw: str, code: str) -> None:
    with tables_unchanged(besides=[IngestRejection]):
        response = ingest(token, raw)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == code
    assert IngestRejection.objects.get(reason=code).count == 1


def test_the_largest_amounts_post_and_the_pages_read_them(token: str) -> None:
    """The limit leaves room: an event at it is stored, drained and shown without an error."""
    response = ingest(
        token, json.dumps(with_data(invoice_event(), lines=[{"description": "x", "quantity": "1", "unit_price": BIG}]))
    )
    assert response.status_code == 201, response.content
    events_drain()
    event = SyncEvent.objects.get()
    assert str(event.amount) == BIG
    client = login(Client(), "operator")
    for url in ("/", "/cases/", f"/events/{event.pk}/", "/events/?q=order-1"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    [
        "/mappings/US01/tax/?q=%00",
        "/mappings/US01/tax/history/?code=VAT%0020",
        "/mappings/US%0001/tax/",
        "/events/?q=%00",
        "/cases/?q=%00",
        "/api/v1/mappings/?entity=%00&kind=tax",
        "/api/v1/mapping-changes/?state=%00",
    ],
)
def test_a_nul_in_an_address_is_a_400_not_a_database_error(configured: dict[str, Any], url: str) -> None:
    client = login(Client(), "operator")
    olivia = User.objects.get(username="olivia")
    headers = {"HTTP_AUTHORIZATION": f"Token {personal_token_create(user=olivia, actor=Actor.person(olivia)).token}"}
    assert client.get(url, **(headers if url.startswith("/api/") else {})).status_code == 400


def test_the_mapping_api_and_csv_refuse_ids_past_postgresqls_integer(configured: dict[str, Any]) -> None:
    olivia = User.objects.get(username="olivia")
    token = personal_token_create(user=olivia, actor=Actor.person(olivia)).token
    body = {"entity": "US01", "title": "t", "rows": [{"kind": "tax", "source_value": "VAT20", "odoo_id": 2**63}]}
    browser = login(Client(), "operator")
    csv = b"source_value,odoo_id\nVAT20,2147483648\nVAT\x0021,1\n"
    with tables_unchanged():
        response = Client().post(
            "/api/v1/mapping-changes/",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        page = browser.post("/mappings/US01/tax/import/", {"title": "t", "file": SimpleUploadedFile("m.csv", csv)})
    assert response.status_code == 400 and response.json()["error"]["items"][0]["field"] == "rows.0.odoo_id"
    assert page.status_code == 400
    assert "Line 2, odoo_id" in page.content.decode() and "Line 3, source_value" in page.content.decode()
