"""Personal API tokens: a person's token authenticates as them; its use is stamped once a minute."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from console.access.models import PersonalToken, User
from console.access.services import personal_token_create
from console.audit.actors import Actor
from console.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_token_use_is_stamped_at_most_once_a_minute(configured: dict[str, Any]) -> None:
    issued = personal_token_create(user=User.objects.get(username="ada"), actor=Actor.system("test"))
    assert AuditEvent.objects.filter(action="personal_token.created").count() == 1
    client = Client(HTTP_AUTHORIZATION=f"Token {issued.token}")
    assert client.get("/api/schema/").status_code == 200
    first = PersonalToken.objects.get().last_used_at
    assert first is not None
    assert client.get("/api/schema/").status_code == 200
    assert PersonalToken.objects.get().last_used_at == first
    PersonalToken.objects.filter(pk=PersonalToken.objects.get().pk).update(last_used_at=first - timedelta(minutes=2))
    assert client.get("/api/schema/").status_code == 200
    assert PersonalToken.objects.get().last_used_at > first


def test_a_wrong_token_is_refused(configured: dict[str, Any]) -> None:
    response = Client(HTTP_AUTHORIZATION="Token fop_not-a-real-token").get("/api/schema/")
    assert response.status_code in (401, 403)
