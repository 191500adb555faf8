"""Changing a person's roles and entities: integration admins only, never their own, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from console.access.models import User
from console.access.roles import Role
from console.access.selectors import user_access
from console.access.services import AccessError, user_access_set
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sync.models import LegalEntity
from tests.conftest import login

pytestmark = pytest.mark.django_db


def person(name: str) -> User:
    return User.objects.get(username=name)


def change(by: str, who: str, **kwargs: Any) -> Any:
    admin = person(by)
    values = {"roles": [Role.OPERATOR, Role.CONTROLLER], "entity_codes": ["US01"], "reason": "covers month end"}
    values.update(kwargs)
    return user_access_set(user=person(who), by=admin, actor=Actor.person(admin), **values)


def test_admin_changes_roles_with_one_audit_row(configured: dict[str, Any]) -> None:
    after = change("ian", "olivia")
    assert after.roles == {Role.OPERATOR, Role.CONTROLLER}
    assert user_access(person("olivia")).roles == {Role.OPERATOR, Role.CONTROLLER}
    row = AuditEvent.objects.get(action="user.access_changed")
    assert row.before_data["roles"] == ["operator"] and row.after_data["roles"] == ["controller", "operator"]
    assert row.reason == "covers month end" and row.actor_label == "ian"


def test_entity_grants_change_what_the_person_sees(configured: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    # ian cannot grant FR01: he does not hold it himself.
    with pytest.raises(AccessError, match="cannot grant: FR01"):
        change("ian", "olivia", entity_codes=["US01", "FR01"])
    change("ian", "olivia", roles=[Role.OPERATOR], entity_codes=[])
    assert user_access(person("olivia")).entity_codes == frozenset()
    assert AuditEvent.objects.filter(action="user.access_changed").count() == 1


@pytest.mark.parametrize("by", ["olivia", "carl", "ada"])
def test_other_roles_cannot_change_access(configured: dict[str, Any], by: str) -> None:
    with pytest.raises(PermissionDenied):
        change(by, "ian")
    assert not AuditEvent.objects.filter(action="user.access_changed").exists()


def test_nobody_changes_their_own_access(configured: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied, match="their own"):
        change("ian", "ian", roles=[Role.ADMIN, Role.CONTROLLER])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"reason": "  "}, "reason is required"), ({"roles": [Role.OPERATOR]}, "nothing to change")],
)
def test_refusals_name_the_problem(configured: dict[str, Any], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(AccessError, match=message):
        change("ian", "olivia", **kwargs)
    assert not AuditEvent.objects.filter(action="user.access_changed").exists()


def test_the_page_changes_access_and_shows_the_form_errors(configured: dict[str, Any]) -> None:
    client = login(Client(), "admin")
    olivia = person("olivia")
    page = client.get(f"/access/people/{olivia.pk}/")
    assert page.status_code == 200 and b'name="reason"' in page.content
    refused = client.post(f"/access/people/{olivia.pk}/", {"roles": ["operator"], "entities": ["US01"], "reason": "x"})
    assert b"nothing to change" in refused.content
    done = client.post(
        f"/access/people/{olivia.pk}/", {"roles": ["operator", "controller"], "entities": ["US01"], "reason": "cover"}
    )
    assert done.status_code == 302
    assert AuditEvent.objects.filter(action="user.access_changed", object_id=str(olivia.pk)).count() == 1


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_other_roles_get_403_and_no_link(configured: dict[str, Any], role: str) -> None:
    client = login(Client(), role)
    olivia = person("olivia")
    assert client.get("/access/people/").status_code == 403
    post = client.post(f"/access/people/{olivia.pk}/", {"roles": ["admin"], "entities": ["US01"], "reason": "x"})
    assert post.status_code == 403
    assert b"/access/people/" not in client.get("/").content
    assert not AuditEvent.objects.filter(action="user.access_changed").exists()
