"""Webhook deliveries leave the middleware after the security headers and the NUL refusal, straight
to their view; every other address, under /webhooks/ or not, goes the whole way."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from console.sources.middleware import PREFIX
from console.sources.models import Provider, WebhookDelivery, WebhookRefusal
from tests.unit.console.sources.conftest import Sender

pytestmark = pytest.mark.django_db

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "vectors"
ORDER = (VECTORS / "shopify" / "order.json").read_bytes()


def test_a_delivery_skips_the_browsers_middleware_and_keeps_the_security_headers(sender: Sender) -> None:
    response = sender.shopify(ORDER, event_id="evt-short")
    assert response.status_code == 200
    assert WebhookDelivery.objects.get().provider_event_id == "evt-short"
    request = response.wsgi_request
    # Neither sessions nor authentication ran: no session, no user, no cookie set.
    assert not hasattr(request, "session") and not hasattr(request, "user")
    assert not response.cookies
    # SecurityMiddleware, before the shortcut, still answers; the page-only headers are not sent.
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers and "X-Frame-Options" not in response.headers
    assert response.headers["Content-Length"] == str(len(response.content))


def test_a_refused_delivery_through_the_shortcut_is_counted_and_answered_401(sender: Sender) -> None:
    response = sender.shopify(ORDER, secret="shpss_not_the_secret")
    assert response.status_code == 401
    assert not hasattr(response.wsgi_request, "user")
    assert [(r.source_code, r.reason, r.count) for r in WebhookRefusal.objects.all()] == [
        ("shop-us", "bad_signature", 1)
    ]
    assert not WebhookDelivery.objects.exists()


def test_an_address_under_webhooks_that_is_no_endpoint_goes_the_whole_way(client: Client) -> None:
    response = client.post("/webhooks/ftp/shop-us/", data=b"{}", content_type="application/json")
    assert response.status_code == 404
    assert hasattr(response.wsgi_request, "user")  # the full middleware ran
    assert "Content-Security-Policy" in response.headers


def test_a_page_still_gets_the_whole_middleware(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert hasattr(response.wsgi_request, "session") and hasattr(response.wsgi_request, "user")
    assert response.headers["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in response.headers


def test_every_webhook_address_starts_with_the_shortcuts_prefix() -> None:
    for provider in Provider.values:
        assert reverse(f"webhook-{provider}", kwargs={"code": "shop-us"}).startswith(PREFIX)
