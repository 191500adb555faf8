"""Webhook endpoints set up as the command sets them, and a sender that signs like the providers."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from console.audit.actors import Actor
from console.sources.services.endpoints import webhook_endpoint_set
from console.sync.models import LegalEntity
from integrations.shopify import signature as shopify_signature
from integrations.stripe import signature as stripe_signature

SHOPIFY_SECRET = "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"
STRIPE_SECRET = "whsec_finops_console_test_0001"


@dataclass
class Sender:
    """Posts to the endpoints as Shopify and Stripe do: the raw body, signed, with their headers."""

    client: Client

    def shopify(
        self,
        body: bytes,
        *,
        topic: str = "orders/create",
        event_id: str | None = "evt-1",
        webhook_id: str = "wh-1",
        secret: str = SHOPIFY_SECRET,
        code: str = "shop-us",
        headers: dict[str, str] | None = None,
        prefix: str = "X-",
        **extra: Any,
    ) -> HttpResponse:
        sent = {
            f"{prefix}Shopify-Topic": topic,
            f"{prefix}Shopify-Hmac-Sha256": shopify_signature.sign(body, secret),
            f"{prefix}Shopify-Webhook-Id": webhook_id,
            f"{prefix}Shopify-Shop-Domain": "acme.myshopify.com",
            f"{prefix}Shopify-Api-Version": "2026-01",
            f"{prefix}Shopify-Triggered-At": "2026-11-20T10:00:00.000000Z",
        }
        if event_id is not None:
            sent[f"{prefix}Shopify-Event-Id"] = event_id
        sent.update(headers or {})
        return self.client.post(
            f"/webhooks/shopify/{code}/", data=body, content_type="application/json", headers=sent, **extra
        )

    def stripe(
        self,
        body: bytes,
        *,
        secret: str = STRIPE_SECRET,
        timestamp: int | None = None,
        code: str = "stripe-us",
        signature: str | None = None,
        **extra: Any,
    ) -> HttpResponse:
        header = (
            signature
            if signature is not None
            else stripe_signature.sign(body, secret, int(time.time()) if timestamp is None else timestamp)
        )
        return self.client.post(
            f"/webhooks/stripe/{code}/",
            data=body,
            content_type="application/json; charset=utf-8",
            headers={"Stripe-Signature": header, "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)"},
            **extra,
        )


def stripe_event(event_id: str = "evt_1QAbCdEfGhIjKlMn", kind: str = "charge.succeeded", **fields: Any) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": kind, "data": {"object": {}}, **fields}).encode()


@pytest.fixture(autouse=True)
def _endpoints_asked_every_time(settings: Any) -> None:
    # The tests change sources between deliveries; test_receiving proves what remembering does.
    settings.WEBHOOK_ENDPOINT_CACHE_SECONDS = 0


@pytest.fixture
def endpoints(db: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """US01 with a Shopify endpoint (shop-us) and a Stripe one (stripe-us), their secrets in the environment."""
    monkeypatch.setenv("SHOP_US_WEBHOOK_SECRET", SHOPIFY_SECRET)
    monkeypatch.setenv("STRIPE_US_WEBHOOK_SECRET", STRIPE_SECRET)
    entity = LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    made = {
        provider: webhook_endpoint_set(
            actor=Actor.system("test"),
            user=None,
            code=code,
            provider=provider,
            entity_code="US01",
            secret_env=variable,
        ).source
        for provider, code, variable in (
            ("shopify", "shop-us", "SHOP_US_WEBHOOK_SECRET"),
            ("stripe", "stripe-us", "STRIPE_US_WEBHOOK_SECRET"),
        )
    }
    return {"entity": entity, **made}


@pytest.fixture
def sender(endpoints: dict[str, Any]) -> Sender:
    return Sender(Client())


class DeliveryQueue:
    """The `sources.process_delivery` messages waiting in the embedded broker's folder."""

    def __init__(self) -> None:
        from django.conf import settings

        self.folder = Path(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]))

    def _messages(self) -> list[tuple[Path, list[Any]]]:
        found = []
        for path in sorted(self.folder.iterdir()) if self.folder.exists() else []:
            if path.name.endswith(".msg") and not path.name.startswith("."):
                message = json.loads(path.read_bytes())
                if message["headers"]["task"] == "sources.process_delivery":
                    args, _, _ = json.loads(base64.b64decode(message["body"]))
                    found.append((path, args))
        return found

    def ids(self) -> list[int]:
        return [int(args[0]) for _, args in self._messages()]

    def purge(self) -> None:
        for path, _ in self._messages():
            path.unlink(missing_ok=True)


@pytest.fixture
def delivery_queue() -> Iterator[DeliveryQueue]:
    queue = DeliveryQueue()
    queue.purge()
    yield queue
    queue.purge()
