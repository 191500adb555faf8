"""The auditor's pages: role-gated, entity-scoped, filterable, exportable, escaped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.audit.services import AuditEntry, audit_record_many
from console.sync.models import LegalEntity
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(configured: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[
                AuditEntry("event.failed", "sync_event", "7", "US01", {"state": "posting"}, {"state": "failed"}),
                AuditEntry("event.posted", "sync_event", "8", "US01", None, {"state": "posted"}),
                AuditEntry("event.posted", "sync_event", "9", "FR01", None, {"state": "posted"}, "secret FR business"),
                AuditEntry("event.failed", "sync_event", "10", "US01", None, None, "<script>alert('x')</script>"),
            ],
        )


@pytest.mark.parametrize("role", ["operator", "controller", "admin"])
def test_only_auditors_read_the_trail(trail: None, client: Client, role: str) -> None:
    login(client, role)
    with tables_unchanged():  # an export refused is not an export on the trail
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403
        assert client.get("/audit/export.json").status_code == 403
        assert client.get("/audit/object/?object_type=sync_event&object_id=7").status_code == 403


def test_anonymous_is_sent_to_sign_in(trail: None) -> None:
    assert Client().get("/audit/").status_code == 302


def test_auditor_sees_granted_entities_and_console_rows_only(trail: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/").content.decode()
    assert "sync_event 7" in html and "sync_event 8" in html
    assert "secret FR business" not in html and "sync_event 9" not in html
    assert "user.created" in html  # console rows (no entity) are everyone's


def test_filters_narrow_the_rows(trail: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/?action=event.failed&entity=US01").content.decode()
    assert "sync_event 7" in html and "sync_event 10" in html and "sync_event 8" not in html


def test_filter_on_an_entity_not_granted_is_refused(trail: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/?entity=FR01").content.decode()
    assert "Select a valid choice" in html and "secret FR business" not in html


def test_hostile_text_is_escaped(trail: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_object_history(trail: None, client: Client) -> None:
    html = login(client, "auditor").get("/audit/object/?object_type=sync_event&object_id=7").content.decode()
    assert "event.failed" in html and "sync_event 8" not in html


def test_json_export_carries_the_hash_range_and_is_audited(trail: None, client: Client) -> None:
    response = login(client, "auditor").get("/audit/export.json?entity=US01&object_type=sync_event")
    assert response.status_code == 200
    body = json.loads(response.content)
    rows = body["rows"]
    assert [r["object_id"] for r in rows] == ["7", "8", "10"]
    assert body["range"]["last_hash"] == rows[-1]["hash"] and body["range"]["rows"] == 3
    exported = AuditEvent.objects.filter(action="audit.exported")
    assert exported.count() == 1 and exported.get().actor_label == "ada"


def test_csv_export_defuses_formulas(trail: None, client: Client) -> None:
    with transaction.atomic():
        audit_record_many(
            actor=Actor.system("test"),
            entries=[AuditEntry("event.failed", "sync_event", "11", "US01", reason="=HYPERLINK(1)")],
        )
    text = login(client, "auditor").get("/audit/export.csv").content.decode()
    assert text.startswith("sequence,occurred_at,")  # the header first (test_exports.py: the range)
    assert "'=HYPERLINK(1)" in text
    assert AuditEvent.objects.filter(action="audit.exported").count() == 1


def test_older_events_by_keyset(trail: None, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("console.audit.selectors.PAGE_SIZE", 2)
    first = login(client, "auditor").get("/audit/?entity=US01&object_type=sync_event").content.decode()
    assert "sync_event 10" in first and "before=" in first
    eighth = AuditEvent.objects.get(object_type="sync_event", object_id="8").sequence
    older = client.get(
        f"/audit/?entity=US01&object_type=sync_event&before={eighth}", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "sync_event 7" in older and "sync_event 8" not in older


def test_period_filter(trail: None, client: Client) -> None:
    from django.utils import timezone

    today = timezone.now().date()
    login(client, "auditor")
    html = client.get(f"/audit/?since={today}&until={today}&object_type=sync_event").content.decode()
    assert "sync_event 7" in html and "sync_event 10" in html
    later = today.replace(year=today.year + 1)
    html = client.get(f"/audit/?since={later}").content.decode()
    assert "No audit events match." in html
    assert "is after" in client.get(f"/audit/?since={later}&until={today}").content.decode()
