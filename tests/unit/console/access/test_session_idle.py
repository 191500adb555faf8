"""The idle timeout: a session's expiry moves forward with use, at most once per resolution."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from console.access.session_idle import SAVED_AT
from tests.conftest import login

pytestmark = pytest.mark.django_db


def expiry(client: Client) -> Any:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def age_last_save(client: Client, seconds: int) -> None:
    """As if the session had last been saved `seconds` ago (its row and its stamp)."""
    session = client.session
    session[SAVED_AT] = int(timezone.now().timestamp()) - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=seconds) + timedelta(seconds=1800)
    )


def test_requests_within_the_resolution_do_not_write_the_session(configured: dict[str, Any], settings: Any) -> None:
    settings.SESSION_COOKIE_AGE, settings.SESSION_IDLE_RESOLUTION_SECONDS = 1800, 60
    client = login(Client(), "operator")
    client.get("/cases/")  # the first page after signing in stamps the session
    stamped = expiry(client)
    response = client.get("/cases/")
    assert response.status_code == 200
    assert expiry(client) == stamped
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_request_after_the_resolution_moves_the_expiry_forward(configured: dict[str, Any], settings: Any) -> None:
    settings.SESSION_COOKIE_AGE, settings.SESSION_IDLE_RESOLUTION_SECONDS = 1800, 60
    client = login(Client(), "operator")
    age_last_save(client, 90)
    before = expiry(client)
    response = client.get("/cases/")
    assert response.status_code == 200
    after = expiry(client)
    assert after - before >= timedelta(seconds=89)
    assert abs((after - timezone.now()) - timedelta(seconds=1800)) < timedelta(seconds=5)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800


def test_an_idle_session_signs_the_person_out(configured: dict[str, Any], settings: Any) -> None:
    settings.SESSION_COOKIE_AGE, settings.SESSION_IDLE_RESOLUTION_SECONDS = 1800, 60
    client = login(Client(), "operator")
    age_last_save(client, 1801)
    response = client.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_visitors_get_no_session(configured: dict[str, Any]) -> None:
    client = Client()
    client.get("/accounts/login/")
    client.get("/cases/")
    assert Session.objects.count() == 0
