"""The legal entity pages: everyone holding the entity reads it, nobody else finds it; its
integration admins change its settings; a materiality threshold is a proposal that holds only
once a controller of the entity, not the proposer, approves it, and until then every materiality
check reads the old one."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from console.access.models import User
from console.access.roles import Role
from console.access.services import user_create
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sync.models import LegalEntity, OdooConnection, PendingState, PostingHold, ThresholdChange
from console.sync.services.posting_holds import hold_is_material
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db

SETTINGS = {"name": "Acme Inc. (US)", "odoo_company_id": "1", "currency": "USD", "connection": "", "reason": "renamed"}
THRESHOLD = {"threshold": "2500.00", "reason": "the auditors' new rule"}


def us01() -> LegalEntity:
    return LegalEntity.objects.get(code="US01")


def url(entity: LegalEntity, action: str = "") -> str:
    return f"/config/entities/{entity.pk}/{action + '/' if action else ''}"


def proposed(client: Client | None = None) -> ThresholdChange:
    client = client or login(Client(), "admin")
    response = client.post(url(us01(), "threshold"), THRESHOLD)
    assert response.status_code == 302, response.content.decode()
    return ThresholdChange.objects.get(state=PendingState.PENDING)


def decide(role_or_client: str | Client, change: ThresholdChange, decision: str = "approve", note: str = "") -> Any:
    client = login(Client(), role_or_client) if isinstance(role_or_client, str) else role_or_client
    return client.post(f"/config/thresholds/{change.pk}/decide/", {"decision": decision, "note": note})


def a_hold_of(difference: str) -> PostingHold:
    """A hold as the materiality rule reads it (entity fresh from the database)."""
    return PostingHold(entity=us01(), difference=Decimal(difference))


def person(username: str, role: Role, *entities: str) -> Client:
    user_create(
        username=username, password="x-not-used-x", role=role, entity_codes=list(entities), actor=Actor.system("test")
    )
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("role", ["operator", "controller", "auditor", "admin"])
def test_every_role_reads_its_entities(configured: dict[str, Any], client: Client, role: str) -> None:
    login(client, role)
    listing = client.get("/config/entities/").content.decode()
    assert "US01" in listing and "$10,000.00" in listing
    page = client.get(url(us01())).content.decode()
    assert "Materiality threshold" in page and "the default connection" in page


@pytest.mark.parametrize("role", ["operator", "auditor"])
def test_readers_see_no_form(configured: dict[str, Any], client: Client, role: str) -> None:
    page = login(client, role).get(url(us01())).content.decode()
    assert '<form method="post" action="/config/' not in page


def test_an_entity_not_held_is_not_found(configured: dict[str, Any], client: Client) -> None:
    fr = LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    login(client, "admin")
    assert "FR01" not in client.get("/config/entities/").content.decode()
    assert client.get(url(fr)).status_code == 404
    with tables_unchanged():
        assert client.post(url(fr, "settings"), SETTINGS).status_code == 404
        assert client.post(url(fr, "threshold"), THRESHOLD).status_code == 404


def test_an_admin_changes_the_settings_with_one_audit_row(configured: dict[str, Any], client: Client) -> None:
    conn = OdooConnection.objects.create(
        name="odoo-us", url="https://odoo.example.com", database="prod", login="bot", password_env="ODOO_US_PASSWORD"
    )
    response = login(client, "admin").post(url(us01(), "settings"), {**SETTINGS, "connection": str(conn.pk)})
    assert response.status_code == 302 and response["Location"] == url(us01())
    entity = us01()
    assert entity.name == "Acme Inc. (US)" and entity.connection_id == conn.pk
    [row] = AuditEvent.objects.filter(action="entity.settings_changed")
    assert row.before_data == {"name": "Acme Inc.", "connection": None}
    assert row.after_data == {"name": "Acme Inc. (US)", "connection": "odoo-us"}
    assert row.reason == "renamed" and row.actor_label == "ian" and row.entity_code == "US01"


def test_settings_that_change_nothing_write_nothing(configured: dict[str, Any], client: Client) -> None:
    same = {**SETTINGS, "name": us01().name}
    login(client, "admin")
    with tables_unchanged():
        assert client.post(url(us01(), "settings"), same).status_code == 302


def test_a_currency_that_is_no_code_is_refused_naming_the_field(configured: dict[str, Any], client: Client) -> None:
    login(client, "admin")
    with tables_unchanged():
        response = client.post(url(us01(), "settings"), {**SETTINGS, "currency": "U$D"})
    # A form's errors are written by the Jinja2 form templates: MarkupSafe spells ' as &#39;.
    assert response.status_code == 400
    assert "currency: &#39;U$D&#39; is not an ISO 4217 code" in response.content.decode()


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_only_an_admin_changes_settings_or_proposes_a_threshold(
    configured: dict[str, Any], client: Client, role: str
) -> None:
    login(client, role)
    with tables_unchanged():
        assert client.post(url(us01(), "settings"), SETTINGS).status_code == 403
        assert client.post(url(us01(), "threshold"), THRESHOLD).status_code == 403


def test_the_threshold_holds_only_once_a_controller_approves(configured: dict[str, Any]) -> None:
    assert not hold_is_material(a_hold_of("-5000"))
    carl, trail = login(Client(), "controller"), AuditEvent.objects.count()
    change = proposed()
    assert AuditEvent.objects.count() == trail + 2  # ian's sign-in, then the proposal
    # Proposed, not approved: every check still reads 10,000.
    assert us01().materiality_threshold == Decimal("10000.00") and not hold_is_material(a_hold_of("-5000"))
    [row] = AuditEvent.objects.filter(action="entity.threshold_proposed")
    assert row.before_data == {"materiality_threshold": "10000.00"}
    assert row.after_data["materiality_threshold"] == "10000.00" and row.after_data["proposed"] == "2500.00"
    assert row.reason == "the auditors' new rule"
    page = login(Client(), "operator").get(url(us01())).content.decode()
    assert "Threshold change waiting for a controller" in page and "$2,500.00" in page

    trail = AuditEvent.objects.count()
    response = decide(carl, change, note="agreed with the auditors")
    assert response.status_code == 302 and response["Location"] == url(us01())
    assert AuditEvent.objects.count() == trail + 1
    assert us01().materiality_threshold == Decimal("2500.00") and hold_is_material(a_hold_of("-5000"))
    [approved] = AuditEvent.objects.filter(action="entity.threshold_approved")
    assert approved.before_data == {"materiality_threshold": "10000.00"}
    assert approved.after_data["materiality_threshold"] == "2500.00" and approved.actor_label == "carl"
    assert approved.reason == "agreed with the auditors"


def test_a_rejected_threshold_never_holds_and_needs_a_reason(configured: dict[str, Any]) -> None:
    change = proposed()
    carl = login(Client(), "controller")
    with tables_unchanged():
        assert decide(carl, change, "reject").status_code == 400
    assert decide(carl, change, "reject", "too low for a company this size").status_code == 302
    assert us01().materiality_threshold == Decimal("10000.00")
    [row] = AuditEvent.objects.filter(action="entity.threshold_rejected")
    assert row.after_data["materiality_threshold"] == "10000.00" and row.after_data["state"] == "rejected"
    assert row.reason == "too low for a company this size"


def test_nobody_approves_a_threshold_they_proposed(configured: dict[str, Any]) -> None:
    # A person holding both roles proposes as an admin, then tries to approve as a controller.
    both = person("bea", Role.ADMIN, "US01")
    User.objects.get(username="bea").groups.add(*User.objects.get(username="carl").groups.all())
    change = proposed(both)
    with tables_unchanged():
        assert decide(both, change).status_code == 403
    assert us01().materiality_threshold == Decimal("10000.00")


@pytest.mark.parametrize("role", ["operator", "auditor", "admin"])
def test_only_a_controller_decides_a_threshold(configured: dict[str, Any], role: str) -> None:
    change = proposed()
    who = login(Client(), role)
    with tables_unchanged():
        assert decide(who, change).status_code == 403


def test_a_controller_of_another_entity_does_not_find_the_change(configured: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    change = proposed()
    other = person("camille", Role.CONTROLLER, "FR01")
    with tables_unchanged():
        assert decide(other, change).status_code == 404


def test_a_second_proposal_waits_for_the_first(configured: dict[str, Any], client: Client) -> None:
    proposed()
    login(client, "admin")
    with tables_unchanged():
        response = client.post(url(us01(), "threshold"), {**THRESHOLD, "threshold": "3000"})
    assert response.status_code == 400 and "waits for a controller" in response.content.decode()


def test_the_approvals_list_shows_the_waiting_threshold_to_controllers(configured: dict[str, Any]) -> None:
    proposed()
    page = login(Client(), "controller").get("/config/approvals/").content.decode()
    assert "US01" in page and "$2,500.00" in page and "/config/thresholds/" in page
    mine = login(Client(), "admin").get("/config/approvals/").content.decode()
    assert "yours" in mine


def test_the_mapping_changes_list_tells_controllers_a_threshold_waits(configured: dict[str, Any]) -> None:
    proposed()
    page = login(Client(), "controller").get("/mappings/changes/").content.decode()
    assert "1 configuration change (materiality thresholds, Odoo connections) waits for a decision" in page
    assert "configuration change" not in login(Client(), "operator").get("/mappings/changes/").content.decode()


def test_the_database_keeps_a_proposal_and_a_decision_as_written(configured: dict[str, Any]) -> None:
    change = proposed()
    ian = User.objects.get(username="ian")
    carl = User.objects.get(username="carl")
    rows = ThresholdChange.objects.filter(pk=change.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(threshold_after=Decimal("1.00"))  # what the controller is asked to decide
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(state=PendingState.APPROVED, decided_by=ian, decided_at=timezone.now())  # the proposer
    assert decide("controller", change).status_code == 302
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(state=PendingState.REJECTED, decided_by=carl)  # decided once
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.delete()
