"""On PostgreSQL, whose columns and integers have limits SQLite does not enforce: a long
username at the sign-in fits the trail, and an out-of-range filter is the form's 400."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.audit.models import AuditEvent
from tests.conftest import login
from tests.tables import tables_unchanged

pytestmark = pytest.mark.django_db


def test_a_150_character_username_at_the_sign_in_is_recorded(configured: dict[str, Any]) -> None:
    typed = "a/" * 75
    response = Client().post("/accounts/login/", {"username": typed, "password": "wrong-password-guess"})
    assert response.status_code == 200
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.object_type == "username" and failed.object_id == typed[:64]
    assert login(Client(), "auditor").get("/audit/").status_code == 200


@pytest.mark.parametrize("query", ["before=9223372036854775808", "since=0001-01-01&until=9999-12-31"])
def test_filters_at_the_limits_of_bigint_and_the_calendar(configured: dict[str, Any], query: str) -> None:
    client = login(Client(), "auditor")
    status = client.get(f"/audit/?{query}").status_code
    assert status == (400 if query.startswith("before") else 200)
    from console.access.models import User

    ada = User.objects.get(username="ada").pk  # an object with a history: user.created
    assert client.get(f"/audit/object/?object_type=user&object_id={ada}&{query}").status_code == status


def test_a_5000_character_username_at_the_sign_in_is_refused_not_a_500(configured: dict[str, Any]) -> None:
    from axes.models import AccessAttempt

    with tables_unchanged():
        response = Client().post("/accounts/login/", {"username": "u" * 5000, "password": "wrong-password-guess"})
    assert response.status_code == 200 and not AccessAttempt.objects.exists()
