"""Integration tests: PostgreSQL, Redis, real Celery worker processes and the Odoo sandbox.

`make test` starts PostgreSQL and Redis (scripts/services.sh) and exports
DATABASE_URL and CELERY_BROKER_URL; the workers are started here, as separate
processes, against pytest-django's test database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _require_real_services() -> None:
    if connection.vendor != "postgresql":
        pytest.fail("integration tests need DATABASE_URL=postgres://... (make test starts PostgreSQL)")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("integration tests need CELERY_BROKER_URL=redis://... (make test starts Redis)")


@pytest.fixture
def redis_clean() -> None:
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.5, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")


class Workers:
    """Celery worker processes (each with the sweeper via -B) on the test database."""

    def __init__(self, tmp: Path, sandbox_url: str) -> None:
        self.tmp = tmp
        self.sandbox_url = sandbox_url
        self.procs: list[subprocess.Popen[bytes]] = []
        self.overrides: dict[str, str] = {}

    def env(self) -> dict[str, str]:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        env = dict(os.environ)
        env.update(
            FINOPS_ENV="test",
            FINOPS_VAR_DIR=str(self.tmp),
            DATABASE_URL=url,
            CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
            ODOO_URL=self.sandbox_url,
            ODOO_DB="sandbox",
            ODOO_LOGIN="admin",
            ODOO_PASSWORD="admin",
            ODOO_TIMEOUT_SECONDS="5",
            POSTING_LEASE_SECONDS="10",
            SWEEP_INTERVAL_SECONDS="1",
            SWEEP_STALE_QUEUED_SECONDS="5",
            POSTING_BACKOFF_BASE_SECONDS="1",
            POSTING_BACKOFF_MAX_SECONDS="8",
            POSTING_MAX_ATTEMPTS="15",
            LOG_LEVEL="WARNING",
        )
        env.update(self.overrides)
        return env

    def start(self, name: str = "w1", concurrency: int = 2) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"{name}.log", "ab")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "console",
                "worker",
                "-B",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "WARNING",
                "--schedule",
                str(self.tmp / f"{name}-beat"),
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes the pool children too
        )
        self.procs.append(proc)
        return proc

    def kill9(self, proc: subprocess.Popen[bytes]) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in sorted(self.tmp.glob("w*.log")))


@pytest.fixture
def workers(tmp_path: Path, sandbox: Any, redis_clean: None) -> Iterator[Workers]:
    pool = Workers(tmp_path, sandbox.url)
    yield pool
    pool.stop_all()


@pytest.fixture(autouse=True)
def _audit_triggers_around_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """Transactional tests end with a flush (TRUNCATE), which the audit triggers refuse.

    The test database user is a superuser here, so it may skip triggers for the
    flush with session_replication_role; the application's role cannot.
    """
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        marker = request.node.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            yield
            return
    request.getfixturevalue("transactional_db")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
