"""console.postgres: the webhook delivery's INSERT binds on the server and is prepared on its
connection after a few runs; the ORM's statements never are; DATABASE_PREPARED_STATEMENTS=false
keeps every statement unprepared (a pooler that cannot carry them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from console.audit.actors import Actor
from console.postgres import base
from console.sources.models import WebhookDelivery
from console.sources.services.endpoints import webhook_endpoint_set
from console.sync.models import LegalEntity, SourceSystem
from integrations.shopify import signature

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "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"
VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "vectors"
ORDER = (VECTORS / "shopify" / "order.json").read_bytes()


@pytest.fixture
def shop(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[Client]:
    monkeypatch.setenv("SHOP_US_WEBHOOK_SECRET", SECRET)
    LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    webhook_endpoint_set(
        actor=Actor.system("test"),
        user=None,
        code="shop-us",
        provider="shopify",
        entity_code="US01",
        secret_env="SHOP_US_WEBHOOK_SECRET",
    )
    connection.close()  # the tests count what one fresh connection prepares
    yield Client()
    connection.close()


def deliver(client: Client, event_id: str) -> None:
    headers = {
        "X-Shopify-Topic": "orders/paid",
        "X-Shopify-Hmac-Sha256": signature.sign(ORDER, SECRET),
        "X-Shopify-Event-Id": event_id,
    }
    response = client.post("/webhooks/shopify/shop-us/", data=ORDER, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.content


def prepared() -> list[tuple[str, int]]:
    """This connection's prepared statements: the start of each, and how often it ran prepared."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT left(statement, 40), generic_plans + custom_plans FROM pg_prepared_statements")
        return [(text, int(runs)) for text, runs in cursor.fetchall()]


def test_the_delivery_insert_is_prepared_after_a_few_runs_and_the_orms_statements_never(shop: Client) -> None:
    for n in range(base.PREPARE_AFTER):
        deliver(shop, f"evt-{n}")
    assert prepared() == []
    for n in range(base.PREPARE_AFTER, base.PREPARE_AFTER + 5):
        SourceSystem.objects.filter(code="shop-us").first()  # the ORM's, as often
        deliver(shop, f"evt-{n}")
    # Every run after the first PREPARE_AFTER skipped parsing and planning.
    assert prepared() == [("INSERT INTO sources_webhookdelivery (sou", 5)]
    assert WebhookDelivery.objects.filter(repeat_of=None).count() == base.PREPARE_AFTER + 5
    deliver(shop, "evt-0")  # a repeat: the prepared claim finds the first, then the repeat's own insert
    assert WebhookDelivery.objects.filter(provider_event_id="evt-0").count() == 2


def test_the_bound_insert_is_logged_with_its_values_and_is_the_deliverys_one_statement(shop: Client) -> None:
    deliver(shop, "evt-warm")  # the endpoint is remembered
    with CaptureQueriesContext(connection) as queries:
        deliver(shop, "evt-logged")
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1
    assert statements[0].startswith("INSERT INTO sources_webhookdelivery ") and "'evt-logged'" in statements[0]


def test_with_prepared_statements_off_nothing_is_prepared(shop: Client, settings: Any) -> None:
    settings.DATABASE_PREPARED_STATEMENTS = False
    for n in range(base.PREPARE_AFTER + 3):
        deliver(shop, f"evt-{n}")
    assert prepared() == []
    assert WebhookDelivery.objects.count() == base.PREPARE_AFTER + 3
