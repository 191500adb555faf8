"""/health/live and /health/ready: answered to anyone without a session, each dependency
checked and named ok or fail, 503 when one fails, and nothing in them that tells an outsider
what runs where (no version, host, database or connection name). The worker, the beat and the
Odoo connections are optional by default (HEALTH_OPTIONAL_CHECKS): one of them failing answers
200 "degraded"; set required, 503."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import django
import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from console.celery import app
from console.operations.heartbeat import BEAT, WORKER, heartbeat_stamp
from console.operations.models import Heartbeat
from console.sync.models import LegalEntity, OdooConnection
from integrations.odoo.sandbox.server import SandboxServer

pytestmark = pytest.mark.django_db

EVERYTHING_UP = {"database": "ok", "broker": "ok", "worker": "ok", "beat": "ok", "odoo:default": "ok"}


def ready(client: Client | None = None, **extra: Any) -> tuple[int, dict[str, Any], bytes]:
    response = (client or Client()).get("/health/ready", **extra)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content), response.content


def assert_tells_nothing(body: bytes, sandbox: Any) -> None:
    text = body.decode()
    for secret in ("127.0.0.1", "localhost", str(sandbox.url), "sandbox", "admin", django.get_version(), "18.0"):
        assert secret not in text, secret
    answer = json.loads(body)
    assert set(answer) <= {"status", "checks"}
    assert set(answer.get("checks", {}).values()) <= {"ok", "fail"}


def test_live_answers_ok_and_asks_nothing(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        response = Client().get("/health/live")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_probes_pass_before_the_host_check_the_https_redirect_and_the_address_guard(settings: Any) -> None:
    # A Kubernetes probe: plain http, the pod's address as Host, whatever the query holds.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["finops.example"]
    client = Client(HTTP_HOST="10.1.2.3:8000")
    assert client.get("/health/live?probe=%00").status_code == 200
    assert client.get("/health/live/").status_code == 200
    assert client.get("/health/ready").status_code in (200, 503)
    # The rest of the console is still behind all of it.
    assert client.get("/").status_code in (301, 400)


def test_ready_with_everything_up(configured: dict[str, Any], worker_ran: None) -> None:
    status, answer, body = ready()
    assert (status, answer) == (200, {"status": "ok", "checks": EVERYTHING_UP})
    assert_tells_nothing(body, configured["sandbox"])


def test_ready_needs_no_sign_in_and_sets_no_cookie(configured: dict[str, Any], worker_ran: None) -> None:
    response = Client().get("/health/ready")
    assert response.status_code == 200
    assert not response.cookies


@pytest.fixture
def database_down() -> Iterator[str]:
    """A second database alias, PostgreSQL on a port where nothing listens."""
    alias = "unreachable"
    configured = connections.configure_settings(
        {
            "default": connections.settings["default"],
            alias: {
                "ENGINE": "django.db.backends.postgresql",
                "HOST": "127.0.0.1",
                "PORT": "9",
                "NAME": "finops",
                "USER": "finops",
                "PASSWORD": "never-sent-anywhere",
                "OPTIONS": {"connect_timeout": 1},
            },
        }
    )
    connections.settings[alias] = configured[alias]
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


def test_ready_fails_with_the_database_unreachable(
    configured: dict[str, Any], worker_ran: None, database_down: str, settings: Any
) -> None:
    settings.HEALTH_DATABASE_ALIAS = database_down
    status, answer, body = ready()
    assert (status, answer["status"]) == (503, "fail")
    assert answer["checks"] == {**EVERYTHING_UP, "database": "fail"}
    assert b"never-sent-anywhere" not in body and b"finops" not in body
    assert_tells_nothing(body, configured["sandbox"])


def test_ready_fails_with_the_embedded_broker_folder_gone(
    configured: dict[str, Any], worker_ran: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setitem(app.conf.broker_transport_options, "data_folder_in", str(tmp_path / "gone"))
        status, answer, _ = ready()
    assert (status, answer["checks"]) == (503, {**EVERYTHING_UP, "broker": "fail"})


def test_ready_fails_with_redis_unreachable(configured: dict[str, Any], worker_ran: None, redis_down: None) -> None:
    status, answer, body = ready()
    assert (status, answer["checks"]) == (503, {**EVERYTHING_UP, "broker": "fail"})
    assert b"redis" not in body and b":9" not in body


def test_no_worker_heard_from_is_degraded_and_fails_where_required(
    configured: dict[str, Any], beat_sent: None, settings: Any
) -> None:
    assert not Heartbeat.objects.filter(name=WORKER).exists()
    status, answer, body = ready()
    assert (status, answer) == (200, {"status": "degraded", "checks": {**EVERYTHING_UP, "worker": "fail"}})
    assert_tells_nothing(body, configured["sandbox"])
    settings.HEALTH_OPTIONAL_CHECKS = frozenset()
    status, answer, _ = ready()
    assert (status, answer) == (503, {"status": "fail", "checks": {**EVERYTHING_UP, "worker": "fail"}})


def test_a_stale_beat_is_degraded_and_fails_where_required(
    configured: dict[str, Any], worker_ran: None, settings: Any
) -> None:
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 120
    heartbeat_stamp(name=BEAT, at=timezone.now() - timedelta(seconds=121))
    status, answer, _ = ready()
    assert (status, answer["status"], answer["checks"]) == (200, "degraded", {**EVERYTHING_UP, "beat": "fail"})
    settings.HEALTH_OPTIONAL_CHECKS = frozenset({"worker", "odoo"})
    assert ready()[:2] == (503, {"status": "fail", "checks": {**EVERYTHING_UP, "beat": "fail"}})
    heartbeat_stamp(name=BEAT, at=timezone.now() - timedelta(seconds=100))
    assert ready()[:2] == (200, {"status": "ok", "checks": EVERYTHING_UP})


def test_a_required_check_failing_fails_however_many_optional_ones_fail_too(
    configured: dict[str, Any], worker_ran: None, redis_down: None, settings: Any
) -> None:
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 120
    heartbeat_stamp(name=BEAT, at=timezone.now() - timedelta(seconds=121))
    status, answer, _ = ready()
    assert (status, answer["status"]) == (503, "fail")
    assert answer["checks"] == {**EVERYTHING_UP, "broker": "fail", "beat": "fail"}
    settings.HEALTH_OPTIONAL_CHECKS = frozenset({"broker", "beat"})  # the broker made optional too
    assert ready()[:2] == (200, {"status": "degraded", "checks": answer["checks"]})


def test_the_beat_stamps_when_it_sends_and_a_worker_when_it_runs(beat_sent: None) -> None:
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {BEAT}
    from console.operations.tasks import heartbeat

    heartbeat.apply()
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {BEAT, WORKER}


@pytest.fixture
def second_odoo(db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    """A second Odoo of its own (the shared sandbox serves the other tests), used by FR01."""
    server = SandboxServer(host="127.0.0.1", port=0, db="fr", login="admin", password="admin")
    server.start()
    monkeypatch.setenv("FR_ODOO_PASSWORD", "admin")
    connection = OdooConnection.objects.create(
        name="odoo-fr.internal.example", url=server.url, database="fr", login="admin", password_env="FR_ODOO_PASSWORD"
    )
    LegalEntity.objects.create(code="FR01", name="Acme SAS", odoo_company_id=1, currency="EUR", connection=connection)
    yield server
    server.stop()


def test_an_odoo_connection_that_stops_answering_is_degraded_and_fails_where_required(
    configured: dict[str, Any], worker_ran: None, second_odoo: SandboxServer, settings: Any
) -> None:
    settings.HEALTH_ODOO_CACHE_SECONDS = 0  # asked at every probe
    key = f"odoo:{OdooConnection.objects.get().pk}"
    status, answer, body = ready()
    assert (status, answer) == (200, {"status": "ok", "checks": {**EVERYTHING_UP, key: "ok"}})
    assert b"odoo-fr" not in body

    second_odoo.stop()
    # One Odoo down keeps the web processes in the load balancer: the others' entities still post.
    status, answer, body = ready()
    assert (status, answer) == (200, {"status": "degraded", "checks": {**EVERYTHING_UP, key: "fail"}})
    assert_tells_nothing(body, configured["sandbox"])
    assert b"odoo-fr" not in body
    settings.HEALTH_OPTIONAL_CHECKS = frozenset({"worker", "beat"})
    status, answer, body = ready()
    assert (status, answer) == (503, {"status": "fail", "checks": {**EVERYTHING_UP, key: "fail"}})
    assert b"odoo-fr" not in body


def test_a_probe_storm_asks_odoo_once_per_cache_period(
    configured: dict[str, Any], worker_ran: None, second_odoo: SandboxServer, settings: Any
) -> None:
    settings.HEALTH_ODOO_CACHE_SECONDS = 60
    assert ready()[0] == 200
    second_odoo.stop()  # within the period the answer is the one remembered: Odoo is not asked
    for _ in range(20):
        assert ready()[0] == 200
