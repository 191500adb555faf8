"""The overview page: signed-in people only, and only the entities granted to them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.sync.models import SyncEvent
from tests.conftest import login
from tests.factories import invoice_event

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(configured: dict[str, Any]) -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_operator_sees_flows_of_granted_entities(configured: dict[str, Any], client: Client) -> None:
    response = login(client, "operator").get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Shopify orders → invoices" in html and "US01" in html


def test_htmx_refresh_gets_the_partial_only(configured: dict[str, Any], client: Client) -> None:
    response = login(client, "operator").get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and "<table" in html and "<html" not in html


def test_user_without_entities_sees_no_numbers(
    configured: dict[str, Any], client: Client, django_user_model: Any
) -> None:
    api = Client()
    token = configured["token"]
    api.post(
        "/api/v1/events/", invoice_event("o-1"), content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert SyncEvent.objects.count() == 1
    client.force_login(django_user_model.objects.create_user(username="nobody", password="a-long-password-1"))
    html = client.get("/").content.decode()
    assert "none granted" in html
    assert "<td>1</td>" not in html  # the queued event of US01 is not counted for them


def test_healthcheck_answers_without_login(db: None) -> None:
    response = Client().get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
