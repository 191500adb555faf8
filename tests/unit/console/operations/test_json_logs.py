"""LOG_FORMAT=json: one parseable line per request and per task, with the correlation id and
the events touched; never the token, the cookie, the query string or the body."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from console import log_context
from console.access.models import User
from console.json_logging import JsonFormatter
from console.sync.models import SyncEvent
from console.sync.services.demo import SERVICE_ACCOUNT
from console.sync.tasks import post_events
from tests.conftest import PASSWORD, login
from tests.factories import invoice_event

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[4]
BODY_MARKER = "body-text-never-logged-5e1f"


def lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    """Every record captured, as the JSON formatter writes it: each must parse."""
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in caplog.records]


def of_kind(parsed: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [line for line in parsed if line.get("kind") == kind]


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    # As LOG_FORMAT=json sets them (the text default keeps them quiet).
    caplog.set_level(logging.INFO, logger="console.requests")
    caplog.set_level(logging.INFO, logger="console.tasks")
    return caplog


def test_an_ingest_request_is_one_line_without_its_token_or_body(
    token: str, everything_logged: pytest.LogCaptureFixture
) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    event = invoice_event("order-log-1")
    event["data"]["lines"][0]["description"] = BODY_MARKER
    response = api.post(f"/api/v1/events/?token={token}", data=json.dumps(event), content_type="application/json")
    assert response.status_code == 201
    event_id = SyncEvent.objects.get(external_id="order-log-1").pk

    parsed = lines(everything_logged)
    [line] = of_kind(parsed, "request")
    assert line["method"] == "POST" and line["path"] == "/api/v1/events/" and line["status"] == 201
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["service_account"] == SERVICE_ACCOUNT and "user_id" not in line
    assert line["event_ids"] == [event_id] and line["event_count"] == 1
    assert line["correlation_id"] == response["X-Correlation-ID"]
    written = "\n".join(JsonFormatter().format(record) for record in everything_logged.records)
    assert token not in written and BODY_MARKER not in written and "order-log-1" not in written


def test_a_person_is_named_by_id_and_their_cookie_never(
    configured: dict[str, Any], everything_logged: pytest.LogCaptureFixture
) -> None:
    client = Client()
    assert client.post("/accounts/login/", {"username": "olivia", "password": PASSWORD}).status_code == 302
    session = client.cookies["sessionid"].value
    everything_logged.clear()
    assert client.get("/cases/").status_code == 200
    [line] = of_kind(lines(everything_logged), "request")
    assert line["user_id"] == User.objects.get(username="olivia").pk and line["path"] == "/cases/"
    written = "\n".join(JsonFormatter().format(record) for record in everything_logged.records)
    assert session not in written and PASSWORD not in written


def test_the_sign_in_form_is_logged_without_its_password(
    configured: dict[str, Any], everything_logged: pytest.LogCaptureFixture
) -> None:
    Client().post("/accounts/login/", {"username": "olivia", "password": "wrong-" + PASSWORD})
    written = "\n".join(JsonFormatter().format(record) for record in everything_logged.records)
    assert PASSWORD not in written
    [line] = of_kind(lines(everything_logged), "request")
    assert line["method"] == "POST" and line["path"] == "/accounts/login/"


def test_a_callers_correlation_id_is_kept_and_a_hostile_one_replaced(
    configured: dict[str, Any], everything_logged: pytest.LogCaptureFixture
) -> None:
    client = login(Client(), "operator")
    kept = client.get("/cases/", headers={"X-Correlation-ID": "req-42.a"})
    assert kept["X-Correlation-ID"] == "req-42.a"
    hostile = client.get("/cases/", headers={"X-Correlation-ID": '<script>"x"</script> ' + "a" * 200})
    assert hostile["X-Correlation-ID"] != "req-42.a" and len(hostile["X-Correlation-ID"]) == 32
    ids = [line["correlation_id"] for line in of_kind(lines(everything_logged), "request")]
    assert ids == ["req-42.a", hostile["X-Correlation-ID"]]
    assert "<script>" not in "\n".join(JsonFormatter().format(r) for r in everything_logged.records)


def test_a_posting_task_is_one_line_with_its_event_ids(token: str, everything_logged: pytest.LogCaptureFixture) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api.post("/api/v1/events/", data=json.dumps(invoice_event("order-log-2")), content_type="application/json")
    event_id = SyncEvent.objects.get(external_id="order-log-2").pk
    everything_logged.clear()
    result = post_events.apply(args=([event_id],))
    assert SyncEvent.objects.get(pk=event_id).state == "posted"
    parsed = lines(everything_logged)
    [line] = of_kind(parsed, "task")
    assert line["task"] == "sync.post_events" and line["state"] == "SUCCESS"
    assert line["task_id"] == result.id and line["correlation_id"] == result.id
    assert line["event_ids"] == [event_id] and line["duration_ms"] >= 0


def test_any_line_written_within_a_request_or_task_carries_its_correlation_id() -> None:
    record = logging.LogRecord("console.sync", logging.WARNING, __file__, 1, "odoo said %s", ("no",), None)
    tokens = log_context.work_start("corr-7")
    try:
        inside = json.loads(JsonFormatter().format(record))
    finally:
        log_context.work_end(tokens)
    assert inside == {**inside, "correlation_id": "corr-7", "message": "odoo said no", "level": "WARNING"}
    assert "correlation_id" not in json.loads(JsonFormatter().format(record))


def test_health_and_metrics_are_not_logged(db: None, everything_logged: pytest.LogCaptureFixture) -> None:
    Client().get("/health/live")
    Client().get("/metrics")
    assert of_kind(lines(everything_logged), "request") == []


def _logging_of(tmp_path: Path, **env_vars: str) -> dict[str, Any]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LOG_FORMAT", "DJANGO_SETTINGS_MODULE")}
    clean.update(DJANGO_SETTINGS_MODULE="console.settings", FINOPS_VAR_DIR=str(tmp_path), **env_vars)
    script = "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps(s.LOGGING))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True, check=True
    )
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


def test_text_stays_the_default_and_json_is_a_setting(tmp_path: Path) -> None:
    text = _logging_of(tmp_path)
    assert text["handlers"]["console"]["formatter"] == "plain"
    assert text["loggers"]["console.requests"]["level"] == "WARNING"
    json_logging = _logging_of(tmp_path, LOG_FORMAT="json")
    assert json_logging["handlers"]["console"]["formatter"] == "json"
    assert json_logging["loggers"]["console.requests"]["level"] == "INFO"
    assert json_logging["loggers"]["console.tasks"]["level"] == "INFO"
