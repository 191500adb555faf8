"""Changing a person's roles and entities: integration admins only, never their own, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
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
from tests.tables import table_changes, tables_unchanged

pytestmark = pytest.mark.django_db


def person(name: str) -> User:
    return User.objects.get(username=name)


def change(by: str, who: str, **kwargs: Any) -> Any:
    admin = person(by)
    values = {"roles": [Role.OPERATOR, Role.AUDITOR], "entity_codes": ["US01"], "reason": "covers month end"}
    values.update(kwargs)
    return user_access_set(user=person(who), by=admin, actor=Actor.person(admin), **values)


def test_admin_changes_roles_with_one_audit_row(configured: dict[str, Any]) -> None:
    with table_changes() as changes:
        after = change("ian", "olivia")
    # Her groups gain Auditor, its field history and one audit row: nothing else moved.
    assert [row["group_id"] for row in changes.added["access.User_groups"]] == [Group.objects.get(name="Auditor").pk]
    assert changes.counts() == {
        "access.User_groups": (1, 0, 0),
        "audit.AuditChainHead": (0, 1, 0),
        "audit.AuditEvent": (1, 0, 0),
        "auditlog.LogEntry": (1, 0, 0),
    }
    assert after.roles == {Role.OPERATOR, Role.AUDITOR}
    assert user_access(person("olivia")).roles == {Role.OPERATOR, Role.AUDITOR}
    row = AuditEvent.objects.get(action="user.access_changed")
    assert row.before_data["roles"] == ["operator"] and row.after_data["roles"] == ["auditor", "operator"]
    assert row.reason == "covers month end" and row.actor_label == "ian"


def test_entity_grants_change_what_the_person_sees(configured: dict[str, Any]) -> None:
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=2, currency="EUR")
    # ian cannot grant FR01: he does not hold it himself; nor the roles asked beside it.
    with tables_unchanged(), pytest.raises(AccessError, match="cannot grant: FR01"):
        change("ian", "olivia", entity_codes=["US01", "FR01"])
    change("ian", "olivia", roles=[Role.OPERATOR], entity_codes=[])
    assert user_access(person("olivia")).entity_codes == frozenset()
    assert AuditEvent.objects.filter(action="user.access_changed").count() == 1


@pytest.mark.parametrize("by", ["olivia", "carl", "ada"])
def test_other_roles_cannot_change_access(configured: dict[str, Any], by: str) -> None:
    with tables_unchanged(), pytest.raises(PermissionDenied):
        change(by, "ian")


def test_nobody_changes_their_own_access(configured: dict[str, Any]) -> None:
    with tables_unchanged(), pytest.raises(PermissionDenied, match="their own"):
        change("ian", "ian", roles=[Role.ADMIN, Role.CONTROLLER])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"reason": "  "}, "reason is required"), ({"roles": [Role.OPERATOR]}, "nothing to change")],
)
def test_refusals_name_the_problem(configured: dict[str, Any], kwargs: dict[str, Any], message: str) -> None:
    with tables_unchanged(), pytest.raises(AccessError, match=message):
        change("ian", "olivia", **kwargs)


def test_the_page_changes_access_and_shows_the_form_errors(configured: dict[str, Any]) -> None:
    client = login(Client(), "admin")
    olivia = person("olivia")
    page = client.get(f"/access/people/{olivia.pk}/")
    assert page.status_code == 200 and b'name="reason"' in page.content
    with tables_unchanged():
        refused = client.post(
            f"/access/people/{olivia.pk}/", {"roles": ["operator"], "entities": ["US01"], "reason": "x"}
        )
    assert b"nothing to change" in refused.content
    done = client.post(
        f"/access/people/{olivia.pk}/", {"roles": ["operator", "auditor"], "entities": ["US01"], "reason": "cover"}
    )
    assert done.status_code == 302
    row = AuditEvent.objects.get(action="user.access_changed", object_id=str(olivia.pk))
    assert (row.after_data["roles"], row.reason, row.actor_label) == (["auditor", "operator"], "cover", "ian")
    assert user_access(person("olivia")).roles == {Role.OPERATOR, Role.AUDITOR}


@pytest.mark.parametrize("role", ["operator", "controller", "auditor"])
def test_other_roles_get_403_and_no_link(configured: dict[str, Any], role: str) -> None:
    client = login(Client(), role)
    olivia = person("olivia")
    with tables_unchanged():
        assert client.get("/access/people/").status_code == 403
        post = client.post(f"/access/people/{olivia.pk}/", {"roles": ["admin"], "entities": ["US01"], "reason": "x"})
        assert post.status_code == 403
        assert b"/access/people/" not in client.get("/").content


@pytest.fixture
def two_entities(configured: dict[str, Any]) -> dict[str, User]:
    """Two entities and their own admins: ian holds US01 only, dana (admin) holds DE01 only;
    olivia works US01, dieter (operator) DE01, and maria (operator) both."""
    from guardian.shortcuts import assign_perm

    from console.access.services import user_create
    from tests.conftest import PASSWORD

    de01 = LegalEntity.objects.create(code="DE01", name="Acme GmbH", odoo_company_id=3, currency="EUR")
    system = Actor.system("test")
    people = {
        "dana": user_create(username="dana", password=PASSWORD, role=Role.ADMIN, entity_codes=["DE01"], actor=system),
        "dieter": user_create(
            username="dieter", password=PASSWORD, role=Role.OPERATOR, entity_codes=["DE01"], actor=system
        ),
        "maria": user_create(
            username="maria", password=PASSWORD, role=Role.OPERATOR, entity_codes=["US01"], actor=system
        ),
    }
    assign_perm("sync.view_legalentity", people["maria"], de01)
    return people


def test_an_admin_of_one_entity_cannot_change_people_of_another(two_entities: dict[str, User]) -> None:
    for who in ("dieter", "maria"):  # maria also works DE01, which ian does not hold
        with tables_unchanged(), pytest.raises(PermissionDenied, match="holds legal entities you do not"):
            change("ian", who, roles=[Role.CONTROLLER], entity_codes=["US01"])
        assert user_access(person(who)).roles == {Role.OPERATOR}
    change("dana", "dieter", roles=[Role.OPERATOR, Role.AUDITOR], entity_codes=["DE01"])
    assert user_access(person("dieter")).roles == {Role.OPERATOR, Role.AUDITOR}


def test_the_people_page_lists_only_the_people_the_admin_may_manage(two_entities: dict[str, User]) -> None:
    client = login(Client(), "admin")
    page = client.get("/access/people/").content.decode()
    assert "olivia" in page and "carl" in page
    assert "dieter" not in page and "maria" not in page and "dana" not in page and "DE01" not in page
    for who in ("dieter", "maria", "dana"):
        assert client.get(f"/access/people/{two_entities[who].pk}/").status_code == 404
        with tables_unchanged():
            posted = client.post(
                f"/access/people/{two_entities[who].pk}/",
                {"roles": ["controller"], "entities": ["US01"], "reason": "x"},
            )
        assert posted.status_code == 404
