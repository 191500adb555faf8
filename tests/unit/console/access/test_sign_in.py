"""Signing in through the form: audited, throttled by django-axes, and behind a CSP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="203.0.113.9")


def test_sign_in_and_out_are_audited_with_the_address(configured: dict[str, Any]) -> None:
    client = Client()
    response = sign_in(client, "olivia", PASSWORD)
    assert response.status_code == 302
    login = AuditEvent.objects.get(action="auth.login")
    assert login.actor_label == "olivia" and login.request_ip == "203.0.113.9"
    client.post("/accounts/logout/", REMOTE_ADDR="203.0.113.9")
    assert AuditEvent.objects.filter(action="auth.logout", actor_label="olivia").count() == 1


def test_failed_sign_in_is_audited_without_the_password(configured: dict[str, Any]) -> None:
    response = sign_in(Client(), "olivia", "wrong-password-guess")
    assert response.status_code == 200 and b"didn't match" in response.content
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.actor_label == "anonymous:olivia"
    assert "wrong-password-guess" not in str(failed.after)


def test_repeated_failures_lock_the_username_from_that_address(configured: dict[str, Any], settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        sign_in(client, "olivia", "wrong-password-guess")
    locked = sign_in(client, "olivia", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_pages_carry_a_csp_without_unsafe_eval(configured: dict[str, Any]) -> None:
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    assert b'"allowEval": false' in response.content
