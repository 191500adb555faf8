"""Creating a legal entity, a source system and a flow (config_create.py): one audit row each, the
initial threshold set without a proposal, an admin creating an entity granted it, and every role
but the integration admin refused with nothing written."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from console.access.models import User
from console.access.selectors import entity_codes_visible
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sync.errors import ConfigError
from console.sync.models import BusinessProcess, Flow, FlowMode, LegalEntity
from console.sync.services.config_create import entity_create, flow_create, source_create
from console.sync.services.entity_config import EntitySettings
from console.sync.services.flow_settings import FlowSettings
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

FR = EntitySettings(name="Acme SAS", odoo_company_id=2, currency="eur", connection_id=None)
SLOW = FlowSettings(
    name="CRM orders", business_process=BusinessProcess.ORDER_TO_CASH, mode=FlowMode.BATCH, freshness_slo_seconds=7200
)


def person(username: str) -> tuple[User, Actor]:
    user = User.objects.get(username=username)
    return user, Actor.person(user)


def test_an_admin_creates_an_entity_and_holds_it(configured: dict[str, Any]) -> None:
    ian, actor = person("ian")
    entity = entity_create(
        user=ian, actor=actor, code="FR01", settings=FR, materiality_threshold="5000", reason="new subsidiary"
    )
    assert (entity.currency, entity.materiality_threshold) == ("EUR", Decimal("5000.00"))
    assert "FR01" in entity_codes_visible(ian)
    created = AuditEvent.objects.get(action="entity.created", object_id=str(entity.pk))
    assert created.actor_label == "ian" and created.entity_code == "FR01" and created.reason == "new subsidiary"
    assert created.after_data == {
        "code": "FR01",
        "name": "Acme SAS",
        "odoo_company_id": 2,
        "currency": "EUR",
        "connection": None,
        "materiality_threshold": "5000.00",
        "granted_to": ["ian"],
    }


def test_an_admin_creates_a_source_and_a_flow(configured: dict[str, Any]) -> None:
    ian, actor = person("ian")
    source = source_create(user=ian, actor=actor, code="hubspot", name="HubSpot", kind="crm", reason="CRM orders")
    flow = flow_create(
        user=ian, actor=actor, source_code="hubspot", event_kind="customer_invoice", settings=SLOW, reason="CRM orders"
    )
    assert flow.source == source and flow.freshness_slo_seconds == 7200 and flow.mode == FlowMode.BATCH
    assert AuditEvent.objects.get(action="source.created", object_id=str(source.pk)).after_data["kind"] == "crm"
    assert AuditEvent.objects.get(action="flow.created", object_id=str(flow.pk)).actor_label == "ian"


@pytest.mark.parametrize("who", ["olivia", "carl", "ada"])
def test_creating_needs_the_admin_role(configured: dict[str, Any], who: str) -> None:
    user, actor = person(who)
    with tables_unchanged():
        with pytest.raises(PermissionDenied, match="needs the role"):
            entity_create(user=user, actor=actor, code="FR01", settings=FR, materiality_threshold="1", reason="r")
        with pytest.raises(PermissionDenied, match="needs the role"):
            source_create(user=user, actor=actor, code="crm", name="CRM", kind="crm", reason="r")
        with pytest.raises(PermissionDenied, match="needs the role"):
            flow_create(user=user, actor=actor, source_code="coupa", event_kind="payment", settings=SLOW, reason="r")


def test_a_flow_of_a_source_feeding_an_entity_the_admin_does_not_hold_is_refused(configured: dict[str, Any]) -> None:
    entity_create(user=None, actor=Actor.system("t"), code="FR01", settings=FR, materiality_threshold="1", reason="r")
    from tests.conftest import feed_token

    feed_token("FR01")  # every source now feeds FR01 too, which ian does not hold
    ian, actor = person("ian")
    with tables_unchanged(), pytest.raises(PermissionDenied, match="needs every legal entity"):
        flow_create(user=ian, actor=actor, source_code="coupa", event_kind="payment", settings=SLOW, reason="r")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda a: entity_create(
                user=None, actor=a, code="us01", settings=FR, materiality_threshold="1", reason="r"
            ),
            "exists already",
        ),
        (
            lambda a: entity_create(user=None, actor=a, code="F R", settings=FR, materiality_threshold="1", reason="r"),
            "code",
        ),
        (
            lambda a: entity_create(
                user=None, actor=a, code="FR01", settings=FR, materiality_threshold="0", reason="r"
            ),
            "above 0",
        ),
        (
            lambda a: entity_create(
                user=None, actor=a, code="FR01", settings=FR, materiality_threshold="1", reason=" "
            ),
            "reason",
        ),
        (
            lambda a: source_create(user=None, actor=a, code="shop2", name="S", kind="shopify", reason="r"),
            "webhook_source",
        ),
        (
            lambda a: source_create(user=None, actor=a, code="stripe", name="S", kind="other", reason="r"),
            "exists already",
        ),
        (
            lambda a: flow_create(
                user=None, actor=a, source_code="shopify", event_kind="customer_invoice", settings=SLOW, reason="r"
            ),
            "exists already",
        ),
        (
            lambda a: flow_create(
                user=None, actor=a, source_code="nope", event_kind="payment", settings=SLOW, reason="r"
            ),
            "no source system",
        ),
        (
            lambda a: flow_create(
                user=None, actor=a, source_code="coupa", event_kind="refund", settings=SLOW, reason="r"
            ),
            "kind",
        ),
    ],
)
def test_creation_says_what_is_wrong(configured: dict[str, Any], call: Any, message: str) -> None:
    with tables_unchanged(), pytest.raises(ConfigError, match=message):
        call(Actor.system("t"))
    assert LegalEntity.objects.count() == 1 and not Flow.objects.filter(source__code="nope").exists()
