"""Secrets (the Odoo password, ingestion and personal tokens) never appear in logs,
pages, API answers, exports, posting attempts or either audit trail, on the paths
where they are most likely to leak: a refused Odoo login and token use."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from rest_framework.test import APIClient

from console.access.models import User
from console.access.services import personal_token_create
from console.audit.actors import Actor
from console.audit.models import AuditEvent
from console.sync.models import PostingAttempt, SyncEvent
from console.sync.services.drain import events_drain
from tests.conftest import login
from tests.factories import invoice_event

pytestmark = pytest.mark.django_db

ODOO_PASSWORD = "Odoo-Pa55word-never-shown-7f3a"


def test_no_secret_leaks_anywhere(configured: dict[str, Any], settings: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    service_token = configured["token"]
    settings.ODOO_PASSWORD = ODOO_PASSWORD  # refused by Odoo: the failure path is the one that leaks
    personal = personal_token_create(user=User.objects.get(username="ada"), actor=Actor.system("test")).token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {service_token}")
    answers = [api.post("/api/v1/events/", invoice_event("leak-1"), format="json").content]
    events_drain()
    event = SyncEvent.objects.get(external_id="leak-1")
    assert event.reason_code == "login_refused"
    answers.append(api.get(f"/api/v1/events/{event.pk}/").content)
    answers.append(Client().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {personal}").content)

    for role, urls in {
        "operator": ["/"],
        "auditor": [
            "/audit/",
            "/audit/export.json",
            "/audit/export.csv",
            f"/audit/object/?object_type=sync_event&object_id={event.pk}",
        ],
        "admin": ["/access/people/"],
    }.items():
        client = login(Client(), role)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            answers.append(response.content)

    stored = [
        json.dumps(list(AuditEvent.objects.values_list("before", "after", "reason", "object_id"))),
        json.dumps(list(LogEntry.objects.values_list("changes", flat=True)), default=str),
        json.dumps(list(PostingAttempt.objects.values_list("message", "detail")), default=str),
        json.dumps(list(SyncEvent.objects.values_list("reason_message", "payload")), default=str),
    ]
    logs = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
    for secret in (ODOO_PASSWORD, service_token, personal):
        assert not any(secret.encode() in a for a in answers), "a page or answer shows a secret"
        assert not any(secret in s for s in stored), "a stored record holds a secret"
        assert secret not in logs, "a log line holds a secret"
