"""Heartbeats of the beat and the workers, written in the database every process can read.

The beat sends `ops.heartbeat` every HEARTBEAT_INTERVAL_SECONDS: sending it stamps "beat"
(before_task_publish, in the beat's own process: only the beat sends this task), and the
worker that runs it stamps "worker". So a beat that stopped leaves "beat" old, and workers
that are all gone (or none consuming the default queue) leave "worker" old while "beat" is
fresh: the two failures are told apart.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import signals
from django.db import DatabaseError
from django.utils import timezone

from console.operations.models import Heartbeat

logger = logging.getLogger(__name__)

TASK = "ops.heartbeat"
BEAT = "beat"
WORKER = "worker"


def heartbeat_stamp(*, name: str, by: str = "", at: datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": at or timezone.now(), "by": by[:200]})


def heartbeats_read() -> dict[str, datetime]:
    return dict(Heartbeat.objects.values_list("name", "at"))


def _sent(sender: Any = None, **_: Any) -> None:
    if sender != TASK:
        return
    try:
        heartbeat_stamp(name=BEAT)
    except DatabaseError:
        # The task still goes out; readiness will say the database is down.
        logger.warning("could not stamp the beat's heartbeat", exc_info=True)


def connect() -> None:
    signals.before_task_publish.connect(_sent, weak=False, dispatch_uid="console.operations.heartbeat.sent")
