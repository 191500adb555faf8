"""What /health/ready checks: the database, the broker, a worker and the beat heard from
recently, and each Odoo connection in use. Each check says only ok or fail: why it failed
goes to the log (with the exception), never into the answer, which anyone can read. The
checks named in HEALTH_OPTIONAL_CHECKS are reported without failing readiness (degraded)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.utils import timezone

from console.celery import broker_reachable
from console.operations.heartbeat import BEAT, WORKER, heartbeats_read
from console.operations.odoo_reach import odoo_connections_used, odoo_reachable

logger = logging.getLogger(__name__)

OK = "ok"
FAIL = "fail"
DEGRADED = "degraded"


def database_ok() -> bool:
    with connections[settings.HEALTH_DATABASE_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return bool(cursor.fetchone() == (1,))


def broker_ok() -> bool:
    return broker_reachable(timeout=settings.HEALTH_ODOO_TIMEOUT_SECONDS)


def _fresh(name: str) -> Callable[[], bool]:
    def check() -> bool:
        at = heartbeats_read().get(name)
        limit = timedelta(seconds=settings.HEALTH_HEARTBEAT_STALE_SECONDS)
        return at is not None and timezone.now() - at <= limit

    return check


def _run(name: str, check: Callable[[], bool]) -> str:
    try:
        return OK if check() else FAIL
    except Exception:  # any failure is this check's "fail"; the others still run
        logger.warning("readiness check %s failed", name, exc_info=True)
        return FAIL


def readiness() -> dict[str, str]:
    """Every check by name, in a fixed order; the Odoo connections as odoo:<key>."""
    checks: dict[str, str] = {
        "database": _run("database", database_ok),
        "broker": _run("broker", broker_ok),
        "worker": _run("worker", _fresh(WORKER)),
        "beat": _run("beat", _fresh(BEAT)),
    }
    try:
        used = odoo_connections_used()
    except Exception:  # the database is down: the connections cannot be listed
        logger.warning("readiness: the Odoo connections could not be listed", exc_info=True)
        checks["odoo"] = FAIL
        return checks
    for key, credentials in used.items():
        checks[f"odoo:{key}"] = _run(f"odoo:{key}", lambda c=credentials: odoo_reachable(c))  # type: ignore[misc]
    return checks


def readiness_status(checks: dict[str, str]) -> str:
    """ok: every check ok; degraded: only optional ones failed (odoo:<key> is of "odoo"); fail."""
    failed = {name.split(":", 1)[0] for name, value in checks.items() if value != OK}
    if not failed:
        return OK
    return DEGRADED if failed <= settings.HEALTH_OPTIONAL_CHECKS else FAIL
