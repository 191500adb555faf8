"""Service accounts are scoped to legal entities as well as sources: a token for
shopify/US01 can neither write nor read DE01's events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from console.access.models import ServiceAccount
from console.access.services import AccessError, service_account_create
from console.audit.actors import Actor
from console.sync.models import IngestRejection, LegalEntity
from tests.factories import invoice_event
from tests.tables import tables_unchanged

URL = "/api/v1/events/"


@pytest.fixture
def de01(sources: dict[str, Any]) -> APIClient:
    """DE01 and a token of its own for shopify/DE01."""
    LegalEntity.objects.create(code="DE01", name="Acme GmbH", odoo_company_id=3, currency="EUR")
    _, issued = service_account_create(
        name="shopify-de", source_codes=["shopify"], entity_codes=["DE01"], actor=Actor.system("test")
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
    return client


def post(client: APIClient, body: Any) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def test_a_us01_token_cannot_write_a_de01_event(api: APIClient, de01: APIClient) -> None:
    with tables_unchanged(besides=[IngestRejection]):
        response = post(api, invoice_event("de-order", entity="DE01"))
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == "entity_not_allowed"
    assert error["message"] == "entity: this token may not ingest for 'DE01'"
    assert IngestRejection.objects.get(reason="entity_not_allowed").source_code == "shopify"


def test_a_us01_token_cannot_read_a_de01_event(api: APIClient, de01: APIClient) -> None:
    created = post(de01, invoice_event("de-order", entity="DE01"))
    assert created.status_code == 201, created.content
    event_id = created.json()["event_id"]
    assert de01.get(f"{URL}{event_id}/").json()["entity"] == "DE01"
    response = api.get(f"{URL}{event_id}/")
    assert response.status_code == 404
    assert b"de-order" not in response.content


def test_each_token_writes_and_reads_its_own_entity(api: APIClient, de01: APIClient) -> None:
    us = post(api, invoice_event("us-order")).json()["event_id"]
    assert api.get(f"{URL}{us}/").json()["entity"] == "US01"
    assert de01.get(f"{URL}{us}/").status_code == 404
    with tables_unchanged(besides=[IngestRejection]):
        assert post(de01, invoice_event("us-order-2")).status_code == 403


def test_a_batch_with_one_event_of_another_entity_is_refused_whole(api: APIClient, de01: APIClient) -> None:
    with tables_unchanged(besides=[IngestRejection]):
        response = post(api, {"events": [invoice_event("o-1"), invoice_event("o-2", entity="DE01")]})
    assert response.status_code == 403
    assert [(i["index"], i["code"]) for i in response.json()["error"]["items"]] == [(1, "entity_not_allowed")]


def test_a_service_account_needs_a_known_entity(sources: dict[str, Any]) -> None:
    with tables_unchanged():
        with pytest.raises(AccessError, match="at least one legal entity"):
            service_account_create(name="x", source_codes=["shopify"], entity_codes=[], actor=Actor.system("test"))
        with pytest.raises(AccessError, match="unknown legal entity code"):
            service_account_create(
                name="x", source_codes=["shopify"], entity_codes=["ZZ01"], actor=Actor.system("test")
            )


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_accounts_the_entities_their_flows_fed() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("access", "0003_roles")])
    old = executor.loader.project_state([("access", "0003_roles")]).apps
    entity = old.get_model("sync", "LegalEntity")
    us = entity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    entity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    source = old.get_model("sync", "SourceSystem")
    shopify = source.objects.create(code="shopify", name="Shopify", kind="ecommerce")
    stripe = source.objects.create(code="stripe", name="Stripe", kind="payments")
    flow = old.get_model("sync", "Flow").objects.create(
        source=shopify, event_kind="customer_invoice", name="Orders", business_process="order_to_cash"
    )
    account = old.get_model("access", "ServiceAccount")
    fed = account.objects.create(name="fed", token_digest="a" * 64, token_prefix="fos_a")
    fed.sources.set([shopify])
    idle = account.objects.create(name="idle", token_digest="b" * 64, token_prefix="fos_b")
    idle.sources.set([stripe])
    old.get_model("sync", "SyncEvent").objects.create(
        source=shopify,
        flow=flow,
        entity=us,
        kind="customer_invoice",
        external_id="o-1",
        occurred_at="2026-11-20T10:00:00Z",
        received_at="2026-11-20T10:00:00Z",
        payload={},
        payload_hash="x",
        amount="1.00",
        currency="USD",
        state_changed_at="2026-11-20T10:00:00Z",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(ServiceAccount.objects.get(name="fed").entities.values_list("code", flat=True)) == ["US01"]
    # No event yet: it could feed every entity before, and still can until it is replaced.
    assert sorted(ServiceAccount.objects.get(name="idle").entities.values_list("code", flat=True)) == ["FR01", "US01"]
