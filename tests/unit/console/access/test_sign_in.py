"""Signing in through the form: audited, throttled by django-axes, and behind a CSP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from console.access.models import User
from console.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.tables import tables_unchanged

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
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        sign_in(client, "olivia", "wrong-password-guess")
    locked = sign_in(client, "olivia", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The right password behind the lock signs nobody in: no sign-in on the trail, none stamped.
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    assert User.objects.get(username="olivia").last_login is None


def test_pages_carry_a_csp_without_unsafe_eval(configured: dict[str, Any]) -> None:
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy
    assert b'"allowEval": false' in response.content


PROXY = "10.0.0.2"


def sign_in_via_proxy(client: Client, username: str, password: str, forwarded: str) -> Any:
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_without_trusted_proxies_the_forwarded_header_is_ignored(configured: dict[str, Any], settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    sign_in_via_proxy(Client(), "olivia", PASSWORD, forwarded="198.51.100.66")
    assert AuditEvent.objects.get(action="auth.login").request_ip == PROXY


@pytest.mark.parametrize(
    ("count", "forwarded", "seen"),
    [
        (1, "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # the client wrote 192.0.2.1 itself
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.1", "198.51.100.7"),  # two proxies: the second hop from the right
        (2, "198.51.100.7", PROXY),  # fewer hops than proxies: not through them, the header is not trusted
        (1, "not-an-address", PROXY),
        (1, "::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_client_is_the_address_that_many_proxies_from_the_right(
    configured: dict[str, Any], settings: Any, count: int, forwarded: str, seen: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    sign_in_via_proxy(Client(), "olivia", PASSWORD, forwarded=forwarded)
    assert AuditEvent.objects.get(action="auth.login").request_ip == seen


def test_behind_a_proxy_bad_tries_from_elsewhere_do_not_lock_a_person_out(
    configured: dict[str, Any], settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        sign_in_via_proxy(Client(), "olivia", "wrong-password-guess", forwarded="192.0.2.50")
    assert sign_in_via_proxy(Client(), "olivia", PASSWORD, forwarded="192.0.2.50").status_code == 429
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    client = Client()
    assert sign_in_via_proxy(client, "olivia", PASSWORD, forwarded="198.51.100.7").status_code == 302
    assert "_auth_user_id" in client.session
    assert AuditEvent.objects.get(action="auth.login").request_ip == "198.51.100.7"
    failed = AuditEvent.objects.filter(action="auth.login_failed")
    assert set(failed.values_list("request_ip", flat=True)) == {"192.0.2.50"}


def test_spraying_usernames_from_one_address_is_throttled(configured: dict[str, Any], settings: Any) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for n in range(7):
        assert sign_in(Client(), f"someone-{n}", "Spring2026!spring").status_code == 200
    # Each username failed once, far under the per-username limit; the eighth reaches the address's.
    assert sign_in(Client(), "someone-7", "Spring2026!spring").status_code == 429
    assert sign_in(Client(), "olivia", PASSWORD).status_code == 429
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    elsewhere = Client().post("/accounts/login/", {"username": "olivia", "password": PASSWORD}, REMOTE_ADDR="192.0.2.8")
    assert elsewhere.status_code == 302
    signed_in = AuditEvent.objects.get(action="auth.login")
    assert (signed_in.actor_label, signed_in.request_ip) == ("olivia", "192.0.2.8")


def test_a_success_forgets_only_that_persons_failures_from_that_address(
    configured: dict[str, Any], settings: Any
) -> None:
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(3):
        sign_in(Client(), f"someone-{n}", "wrong-password-guess")
    for _ in range(2):
        sign_in(Client(), "olivia", "wrong-password-guess")
    assert sign_in(Client(), "olivia", PASSWORD).status_code == 302
    # olivia's two failures are forgotten, the spray's three are not: three more lock the address.
    for n in range(3, 5):
        assert sign_in(Client(), f"someone-{n}", "wrong-password-guess").status_code == 200
    assert sign_in(Client(), "someone-9", "wrong-password-guess").status_code == 429


def test_the_lockout_page_says_why_in_the_consoles_layout(configured: dict[str, Any], settings: Any) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(Client(), "olivia", "wrong-password-guess")
    page = sign_in(Client(), "olivia", PASSWORD)
    assert page.status_code == 429
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    html = page.content.decode()
    assert 'class="topbar"' in html and "Too many failed sign-ins" in html
    assert "<strong>olivia</strong>" in html and "Try again in 15 minutes" in html
    assert 'href="/accounts/login/"' in html


def test_a_username_longer_than_any_users_is_the_forms_error_and_tries_nothing(configured: Any) -> None:
    from axes.models import AccessAttempt

    with tables_unchanged():
        response = Client().post("/accounts/login/", {"username": "a" * 5000, "password": "wrong-password-guess"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()
    assert not AccessAttempt.objects.exists()  # nothing tried, nothing the throttle could not store
