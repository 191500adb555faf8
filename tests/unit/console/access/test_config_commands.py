"""service_token and people: the configuration pages' services from the shell. A token is printed
once and works; rotation keeps the old one for its grace; revocation stops it; an invitation is a
person without a password; deactivation ends them. Each change one audit row, under the person
--by names (or the shell), and a person lacking the role is refused with nothing written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from console.access.models import ServiceAccount, User
from console.access.selectors import user_roles
from console.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def signs_in(token: str) -> bool:
    # An event of nobody: a token let in finds nothing (404), one refused is 401.
    status = Client().get("/api/v1/events/999999/", HTTP_AUTHORIZATION=f"Token {token}").status_code
    assert status in (401, 404)
    return status == 404


def test_service_token_create_rotate_and_revoke_by_an_admin(configured: dict[str, Any]) -> None:
    token, said = run(
        "service_token", "create", "stripe", "stripe-eu", "--entity", "US01", "--reason", "EU shop", "--by", "ian"
    )
    assert "not shown again" in said and token not in said and signs_in(token)
    account = ServiceAccount.objects.get(name="stripe-eu")
    assert token not in AuditEvent.objects.get(action="service_account.created", object_id=str(account.pk)).after

    new, said = run("service_token", "rotate", "stripe-eu", "--grace", "1h", "--reason", "yearly", "--by", "ian")
    assert new != token and "keeps working until" in said
    assert signs_in(new) and signs_in(token)  # the old one, within its grace
    rotated = AuditEvent.objects.get(action="service_account.token_rotated")
    assert rotated.actor_label == "ian" and rotated.after_data["grace_seconds"] == 3600 and rotated.reason == "yearly"

    out, said = run("service_token", "revoke", "stripe-eu", "--reason", "shop closed", "--by", "ian")
    assert out == "" and "revoked" in said
    assert not signs_in(new) and not signs_in(token)
    assert AuditEvent.objects.get(action="service_account.revoked").actor_label == "ian"


def test_service_token_from_the_shell_is_the_shell(configured: dict[str, Any]) -> None:
    token, _ = run("service_token", "create", "coupa", "coupa-2", "--entity", "US01", "--reason", "second feed")
    assert signs_in(token)
    created = AuditEvent.objects.get(action="service_account.created", after__contains='"coupa-2"')
    assert created.actor_label == "system:service_token"
    new, _ = run("service_token", "rotate", "coupa-2", "--grace", "0", "--reason", "it leaked")
    assert signs_in(new) and not signs_in(token)  # no grace: the leaked one stops now


@pytest.mark.parametrize("who", ["olivia", "carl", "ada"])
def test_service_token_refuses_a_person_lacking_the_admin_role(configured: dict[str, Any], who: str) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match="needs the role"):
        run("service_token", "create", "stripe", "x", "--entity", "US01", "--reason", "r", "--by", who)
    with tables_unchanged(), pytest.raises(CommandError, match="needs the role"):
        run("service_token", "revoke", "demo-traffic", "--reason", "r", "--by", who)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rotate", "nobody-at-all", "--grace", "1h", "--reason", "r"], "no service account 'nobody-at-all'"),
        (["rotate", "demo-traffic", "--grace", "2h", "--reason", "r"], "invalid choice: '2h'"),
        (["rotate", "demo-traffic", "--grace", "1h", "--reason", "  "], "reason"),
        (["create", "stripe", "x", "--entity", "ZZ99", "--reason", "r", "--by", "ian"], "cannot grant: ZZ99"),
        (["create", "stripe", "webhook:x", "--entity", "US01", "--reason", "r"], "name the sources' own accounts"),
        (["revoke", "demo-traffic", "--reason", "r", "--by", "nobody"], "--by: no active user 'nobody'"),
        (["revoke", "webhook:none", "--reason", "r"], "no service account"),
    ],
)
def test_service_token_says_what_is_wrong(configured: dict[str, Any], args: list[str], message: str) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match=message):
        run("service_token", *args)


def test_people_invite_and_deactivate_by_an_admin(configured: dict[str, Any]) -> None:
    path, said = run(
        "people", "invite", "dora", "--role", "auditor", "--entity", "US01", "--email", "dora@example.com",
        "--name", "Dora Keller", "--reason", "year-end audit", "--by", "ian",
    )  # fmt: skip
    dora = User.objects.get(username="dora")
    assert not dora.has_usable_password() and dora.last_name == "Keller"
    assert {r.value for r in user_roles(dora)} == {"auditor"}
    invited = AuditEvent.objects.get(action="user.invited")
    assert invited.actor_label == "ian" and invited.reason == "year-end audit" and "not shown again" in said
    page = Client().get(path, follow=True)  # the link works: it asks for the password
    assert page.status_code == 200 and b'name="new_password1"' in page.content

    _, said = run("people", "deactivate", "dora", "--reason", "audit done", "--by", "ian")
    dora.refresh_from_db()
    assert not dora.is_active and "deactivated" in said
    assert AuditEvent.objects.get(action="user.deactivated").actor_label == "ian"


def test_a_deactivated_person_cannot_sign_in(configured: dict[str, Any]) -> None:
    run("people", "deactivate", "ada", "--reason", "left", "--by", "ian")
    assert Client().post("/accounts/login/", {"username": "ada", "password": PASSWORD}).status_code == 200
    assert Client().post("/accounts/login/", {"username": "carl", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("who", ["olivia", "carl", "ada"])
def test_people_refuses_a_person_lacking_the_admin_role(configured: dict[str, Any], who: str) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match="needs the role"):
        run("people", "invite", "eve", "--role", "auditor", "--entity", "US01", "--reason", "r", "--by", who)
    with tables_unchanged(), pytest.raises(CommandError, match="needs the role"):
        run("people", "deactivate", "olivia" if who != "olivia" else "carl", "--reason", "r", "--by", who)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["invite", "eve", "--role", "auditor", "--reason", "r"], "the following arguments are required: --by"),
        (
            ["invite", "eve", "--role", "operator", "--role", "controller", "--reason", "r", "--by", "ian"],
            "maker and checker",
        ),
        (["invite", "olivia", "--role", "auditor", "--reason", "r", "--by", "ian"], "'olivia' is taken"),
        (
            ["invite", "eve", "--role", "auditor", "--entity", "ZZ99", "--reason", "r", "--by", "ian"],
            "cannot grant: ZZ99",
        ),
        (["deactivate", "ian", "--reason", "r", "--by", "ian"], "nobody deactivates themselves"),
        (["deactivate", "nobody", "--reason", "r", "--by", "ian"], "no active person 'nobody'"),
        (["deactivate", "ada", "--reason", "", "--by", "ian"], "reason"),
    ],
)
def test_people_says_what_is_wrong(configured: dict[str, Any], args: list[str], message: str) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match=message):
        run("people", *args)
