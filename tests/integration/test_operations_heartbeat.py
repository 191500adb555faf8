"""The heartbeats of real processes: a worker started with its beat (-B) on Redis stamps both,
/health/ready then says ok for the worker and the beat; the worker stopped, both go stale and
readiness answers 200 "degraded" (they are optional by default), 503 where they are required.
With LOG_FORMAT=json the worker writes its task lines as JSON."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from console.operations.heartbeat import BEAT, WORKER
from console.operations.models import Heartbeat
from tests.integration.conftest import Workers, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def checks() -> tuple[int, dict[str, str]]:
    response = Client().get("/health/ready")
    return response.status_code, json.loads(response.content)["checks"]


def test_a_real_worker_and_beat_are_heard_then_missed(workers: Workers, settings: Any) -> None:
    settings.HEALTH_HEARTBEAT_STALE_SECONDS = 4
    workers.overrides.update(HEARTBEAT_INTERVAL_SECONDS="1", LOG_FORMAT="json")
    proc = workers.start("w1", concurrency=1)
    wait_until(
        lambda: set(Heartbeat.objects.values_list("name", flat=True)) == {BEAT, WORKER},
        timeout=60,
        what="the beat's and the worker's heartbeats",
    )
    status, answer = checks()
    assert answer["worker"] == "ok" and answer["beat"] == "ok" and answer["broker"] == "ok"
    assert answer["database"] == "ok", answer

    # The worker's own lines are JSON, one per task, with its id.
    wait_until(lambda: '"task": "ops.heartbeat"' in workers.logs(), timeout=30, what="a JSON task line")
    task_lines = [
        json.loads(line) for line in workers.logs().splitlines() if line.startswith("{") and '"kind": "task"' in line
    ]
    assert task_lines and task_lines[-1]["state"] == "SUCCESS" and task_lines[-1]["correlation_id"]

    workers.kill9(proc)
    time.sleep(settings.HEALTH_HEARTBEAT_STALE_SECONDS + 1)
    status, answer = checks()
    assert status == 200 and answer["worker"] == "fail" and answer["beat"] == "fail"
    assert json.loads(Client().get("/health/ready").content)["status"] == "degraded"
    settings.HEALTH_OPTIONAL_CHECKS = frozenset({"odoo"})
    status, answer = checks()
    assert status == 503 and answer["worker"] == "fail" and answer["beat"] == "fail"
