from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from console.access.services import service_account_create
from console.audit.actors import Actor
from console.sync.models import BusinessProcess, Flow, LegalEntity, SourceKind, SourceSystem


@pytest.fixture
def sources(db: None) -> dict[str, Any]:
    """Entities, sources and flows only: enough to ingest, nothing to post with."""
    entity = LegalEntity.objects.create(code="US01", name="Acme Inc.", odoo_company_id=1, currency="USD")
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    shopify = SourceSystem.objects.create(code="shopify", name="Shopify", kind=SourceKind.ECOMMERCE)
    stripe = SourceSystem.objects.create(code="stripe", name="Stripe", kind=SourceKind.PAYMENTS)
    Flow.objects.create(
        source=shopify, event_kind="customer_invoice", name="Orders", business_process=BusinessProcess.ORDER_TO_CASH
    )
    Flow.objects.create(
        source=stripe, event_kind="payment", name="Charges", business_process=BusinessProcess.ORDER_TO_CASH
    )
    _, issued = service_account_create(
        name="shopify-app", source_codes=["shopify"], entity_codes=["US01"], actor=Actor.system("test")
    )
    return {"entity": entity, "token": issued.token}


@pytest.fixture
def api(sources: dict[str, Any]) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {sources['token']}")
    return client
