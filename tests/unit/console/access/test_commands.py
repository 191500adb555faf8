"""create_user and create_service_account: tokens shown once, stored hashed, each creation audited once."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from console.access.models import PersonalToken, ServiceAccount, User
from console.access.selectors import entity_ids_visible, user_roles
from console.access.tokens import token_digest
from console.audit.models import AuditEvent
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def run(name: str, *args: str, stdin: str = "") -> str:
    out = io.StringIO()
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(name, *args, stdout=out, stderr=io.StringIO())
    finally:
        sys.stdin = old
    return out.getvalue().strip()


def test_create_user_with_role_entity_and_token(sources: dict[str, Any]) -> None:
    from django.contrib.auth.models import Group

    from console.access.roles import ROLE_GROUPS

    for name in ROLE_GROUPS.values():
        Group.objects.get_or_create(name=name)
    token = run(
        "create_user", "olga", "--role", "controller", "--entity", "US01", "--token", stdin="a-long-passphrase-42\n"
    )
    user = User.objects.get(username="olga")
    assert {r.value for r in user_roles(user)} == {"controller"}
    assert entity_ids_visible(user) == [sources["entity"].pk]
    assert token.startswith("fop_") and PersonalToken.objects.get(user=user).token_digest == token_digest(token)
    assert AuditEvent.objects.filter(action="user.created", object_id=str(user.pk)).count() == 1
    assert AuditEvent.objects.filter(action="personal_token.created").count() == 1
    assert token not in str(list(AuditEvent.objects.values_list("after", flat=True)))


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["x", "--role", "operator"], "", "give the password on standard input"),
        (
            ["x", "--role", "operator", "--entity", "ZZ99"],
            "a-long-passphrase-42\n",
            "unknown legal entity code(s): ZZ99",
        ),
        (["x", "--role", "operator"], "short\n", "too short"),
    ],
)
def test_create_user_refuses_bad_input(sources: dict[str, Any], args: list[str], stdin: str, message: str) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match=re.escape(message)):
        run("create_user", *args, stdin=stdin)


def test_create_service_account_prints_the_token_once(sources: dict[str, Any]) -> None:
    before = AuditEvent.objects.filter(action="service_account.created").count()
    token = run("create_service_account", "stripe-prod", "--source", "stripe", "--entity", "US01", "--entity", "FR01")
    account = ServiceAccount.objects.get(name="stripe-prod")
    assert token.startswith("fos_") and account.token_digest == token_digest(token)
    assert list(account.sources.values_list("code", flat=True)) == ["stripe"]
    assert sorted(account.entities.values_list("code", flat=True)) == ["FR01", "US01"]
    created = AuditEvent.objects.filter(action="service_account.created")
    assert created.count() == before + 1
    assert '"entities":["FR01","US01"]' in created.latest("sequence").after


def test_create_service_account_refuses_an_unknown_source(sources: dict[str, Any]) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match="unknown source system"):
        run("create_service_account", "x", "--source", "netsuite", "--entity", "US01")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "stripe"], "the following arguments are required: --entity"),
        (["--source", "stripe", "--entity", "DE01"], "unknown legal entity code(s): DE01"),
    ],
)
def test_create_service_account_needs_known_entities(sources: dict[str, Any], args: list[str], message: str) -> None:
    with tables_unchanged(), pytest.raises(CommandError, match=re.escape(message)):
        run("create_service_account", "x", *args)
