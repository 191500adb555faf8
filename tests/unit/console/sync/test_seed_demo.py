"""seed_demo: refused in production, a seed Odoo cannot answer leaves nothing half-seeded, every
configuration row it makes goes through its audited service, and a second run adds none."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from console.access.models import ServiceAccount, User
from console.audit.models import AuditEvent
from console.mappings.models import Mapping
from console.sync.models import Flow, LegalEntity, SourceSystem, ThresholdChange
from console.sync.services.demo import demo_seed, demo_token_path
from tests.conftest import PASSWORD
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_in_production(settings: Any, tmp_path: Path) -> None:
    settings.PRODUCTION, settings.VAR_DIR = True, tmp_path
    with tables_unchanged(), pytest.raises(CommandError, match="refuses to run with FINOPS_ENV=production"):
        call_command("seed_demo", stdout=StringIO())
    assert list(tmp_path.iterdir()) == []  # no token file either


def test_a_seed_odoo_cannot_answer_writes_nothing(sandbox: Any, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    sandbox.control.outage(30)
    try:
        refused = r"could not read res\.currency from Odoo at .*: Odoo answered HTTP 503"
        with tables_unchanged(), pytest.raises(CommandError, match=refused):
            call_command("seed_demo", stdout=StringIO())
    finally:
        sandbox.control.outage_off()
    assert list(tmp_path.iterdir()) == []


# What the seed creates through the configuration services, and the action each one's audit row has.
CREATED = {
    LegalEntity: ("legal_entity", "entity.created"),
    SourceSystem: ("source_system", "source.created"),
    Flow: ("flow", "flow.created"),
    ServiceAccount: ("service_account", "service_account.created"),
    User: ("user", "user.created"),
}


def test_every_seeded_configuration_row_has_its_audit_event(configured: dict[str, Any]) -> None:
    for model, (object_type, action) in CREATED.items():
        rows = list(model.objects.all())
        assert rows, model
        for row in rows:
            event = AuditEvent.objects.get(object_type=object_type, object_id=str(row.pk), action=action)
            assert event.actor_label == "system:seed_demo", (model, row)
            assert event.reason == "demo seed" or model is User, (model, row)
    for mapping in Mapping.objects.select_related("entity"):
        key = f"{mapping.kind}:{mapping.entity.code}:{mapping.source_value}"
        assert AuditEvent.objects.filter(action="mapping.version_added", object_id=key).count() == 1, key
    entity = AuditEvent.objects.get(action="entity.created")
    # Set at creation, not proposed: no controller approves a threshold nothing relied on yet.
    assert entity.after_data["materiality_threshold"] == "10000.00" and entity.entity_code == "US01"
    assert not ThresholdChange.objects.exists()
    flow = AuditEvent.objects.get(action="flow.created", after__contains='"customer_invoice"')
    assert flow.after_data["freshness_slo_seconds"] == 300 and flow.after_data["source"] == "shopify"


def test_a_second_seed_adds_no_configuration_row_and_no_audit_row_for_one(configured: dict[str, Any]) -> None:
    counted = [LegalEntity, SourceSystem, Flow, ServiceAccount, User, Mapping]
    before = {model: model.objects.count() for model in counted}
    audit_before = AuditEvent.objects.exclude(action="odoo.reference_refreshed").count()
    token = configured["token"]
    demo_seed(password=PASSWORD)
    assert {model: model.objects.count() for model in counted} == before
    assert AuditEvent.objects.exclude(action="odoo.reference_refreshed").count() == audit_before
    assert Path(demo_token_path()).read_text() == token


def test_a_token_lost_with_var_is_rotated_not_retired(configured: dict[str, Any]) -> None:
    old = configured["token"]
    Path(demo_token_path()).unlink()
    demo_seed(password=PASSWORD)
    new = Path(demo_token_path()).read_text()
    assert new != old
    assert ServiceAccount.objects.filter(name="demo-traffic").count() == 1
    rotated = AuditEvent.objects.get(action="service_account.token_rotated")
    assert rotated.actor_label == "system:seed_demo" and rotated.after_data["grace_seconds"] == 0
    # An event of nobody: the old token is not let in (401), the new one is and finds nothing (404).
    assert Client().get("/api/v1/events/999999/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert Client().get("/api/v1/events/999999/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 404
