"""The flow pages: everyone of a role reads them, integration admins change the settings (the SLO
in minutes or hours), whoever may pauses and resumes; every write refused to a role lacking it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.audit.models import AuditEvent
from console.sync.models import Flow
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

SETTINGS = {
    "name": "Shopify orders → invoices",
    "business_process": "order_to_cash",
    "mode": "batch",
    "slo_amount": "2",
    "slo_unit": "hours",
    "reason": "posted nightly from now on",
}


def invoices_flow() -> Flow:
    return Flow.objects.get(source__code="shopify", event_kind="customer_invoice")


def url(flow: Flow, action: str = "") -> str:
    return f"/flows/{flow.pk}/{action + '/' if action else ''}"


@pytest.mark.parametrize("role", ["operator", "controller", "auditor", "admin"])
def test_every_role_reads_the_list_and_the_page_with_the_slo_in_minutes(
    configured: dict[str, Any], client: Client, role: str
) -> None:
    login(client, role)
    listing = client.get("/flows/").content.decode()
    assert "Shopify orders → invoices" in listing and "5 minutes" in listing and "24 hours" in listing
    page = client.get(url(invoices_flow())).content.decode()
    assert "5 minutes" in page and "300" not in page


def test_an_auditor_sees_no_form(configured: dict[str, Any], client: Client) -> None:
    page = login(client, "auditor").get(url(invoices_flow())).content.decode()
    assert '<form method="post" action="/flows/' not in page


def test_an_admin_changes_the_settings_with_the_slo_in_hours(configured: dict[str, Any], client: Client) -> None:
    flow = invoices_flow()
    response = login(client, "admin").post(url(flow, "settings"), SETTINGS)
    assert response.status_code == 302 and response["Location"] == url(flow)
    flow.refresh_from_db()
    assert flow.mode == "batch" and flow.freshness_slo_seconds == 7200
    changed = AuditEvent.objects.get(action="flow.settings_changed", object_id=str(flow.pk))
    assert changed.before_data == {"mode": "real_time", "freshness_slo_seconds": 300}
    assert changed.after_data == {"mode": "batch", "freshness_slo_seconds": 7200}
    assert changed.reason == "posted nightly from now on" and changed.actor_label == "ian"
    assert "2 hours" in client.get(url(flow)).content.decode()


def test_settings_that_change_nothing_write_nothing(configured: dict[str, Any], client: Client) -> None:
    same = {**SETTINGS, "mode": "real_time", "slo_amount": "5", "slo_unit": "minutes"}
    login(client, "admin")
    with tables_unchanged():
        response = client.post(url(invoices_flow(), "settings"), same)
    assert response.status_code == 302


def test_an_slo_too_short_is_refused_naming_why(configured: dict[str, Any], client: Client) -> None:
    login(client, "admin")
    with tables_unchanged():
        response = client.post(url(invoices_flow(), "settings"), {**SETTINGS, "slo_amount": "0"})
    assert response.status_code == 400 and "greater than or equal to 1" in response.content.decode()


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_only_an_admin_may_change_the_settings(configured: dict[str, Any], client: Client, role: str) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.post(url(invoices_flow(), "settings"), SETTINGS).status_code == 403


def test_an_auditor_may_not_pause(configured: dict[str, Any], client: Client) -> None:
    login(client, "auditor")
    with tables_unchanged():
        assert client.post(url(invoices_flow(), "pause"), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("role", ["operator", "auditor"])
def test_operators_and_auditors_may_not_resume(configured: dict[str, Any], client: Client, role: str) -> None:
    login(client, "operator").post(url(invoices_flow(), "pause"), {"reason": "the close"})
    other = login(Client(), role)
    with tables_unchanged():
        response = other.post(url(invoices_flow(), "resume"), {"reason": "x"})
    assert response.status_code == 403


def test_a_pause_without_a_reason_re_renders_the_page(configured: dict[str, Any], client: Client) -> None:
    login(client, "operator")
    with tables_unchanged():
        response = client.post(url(invoices_flow(), "pause"), {"reason": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_the_dashboard_shows_a_paused_flow_with_who_when_and_why_and_its_lag(
    configured: dict[str, Any], client: Client
) -> None:
    flow = invoices_flow()
    response = login(client, "operator").post(url(flow, "pause"), {"reason": "Q4 close: hold until Monday"})
    assert response.status_code == 302
    flow.refresh_from_db()
    page = login(Client(), "controller").get("/").content.decode()
    row = next(r for r in page.split("<tr>") if "Shopify orders → invoices" in r)
    assert "paused" in row and "by olivia" in row and "Q4 close: hold until Monday" in row
    assert flow.paused_at is not None and flow.paused_at.strftime("%Y-%m-%d %H:%M") in row
    assert 'class="status status-' in row  # its lag and status still show
    detail = client.get(url(flow)).content.decode()
    assert "Paused" in detail and "Resume posting" not in detail  # olivia may not resume
    resumed = login(Client(), "controller").post(url(flow, "resume"), {"reason": "close done"})
    assert resumed.status_code == 302
    assert "by olivia" not in login(Client(), "controller").get("/").content.decode()


def test_a_flow_of_a_foreign_entity_is_not_found(configured: dict[str, Any], client: Client) -> None:
    from console.sync.models import LegalEntity, SourceKind, SourceSystem

    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    shop = SourceSystem.objects.create(code="shop-fr", name="Shop FR", kind=SourceKind.SHOPIFY, entity=fr)
    flow = Flow.objects.create(
        source=shop, event_kind="customer_invoice", name="FR secret orders", business_process="order_to_cash"
    )
    login(client, "admin")
    assert client.get(url(flow)).status_code == 404
    with tables_unchanged():
        assert client.post(url(flow, "pause"), {"reason": "x"}).status_code == 404
    assert "FR secret orders" not in client.get("/flows/").content.decode()
    assert "FR secret orders" not in client.get("/").content.decode()
