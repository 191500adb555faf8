"""One log line per Celery task: its name, id, state, duration and the event ids among its
arguments (`event_id`, `event_ids`) or noted while it ran. Never its other arguments or its
result: a delivery's id is fine, but a task may one day be handed text.

Connected by OperationsConfig.ready() in every process that runs tasks (workers; a web
process running them eagerly in tests).
"""

from __future__ import annotations

import inspect
import logging
import time
from typing import Any

from celery import signals

from console import log_context

logger = logging.getLogger("console.tasks")

# task id -> (monotonic start, the context tokens): a worker process runs one task at a time
# per thread, and prerun and postrun of a task come in the same thread.
_running: dict[str, tuple[float, Any]] = {}


def _argument_events(task: Any, args: Any, kwargs: Any) -> list[int]:
    try:
        bound = inspect.signature(task.run).bind_partial(*(args or ()), **(kwargs or {}))
    except (TypeError, ValueError):
        return []
    found: list[int] = []
    one = bound.arguments.get("event_id")
    if isinstance(one, int) or (isinstance(one, str) and one.isdigit()):
        found.append(int(one))
    many = bound.arguments.get("event_ids")
    if isinstance(many, list | tuple):
        found.extend(int(i) for i in many if isinstance(i, int) or (isinstance(i, str) and i.isdigit()))
    return found


def _prerun(task_id: str, task: Any, args: Any = None, kwargs: Any = None, **_: Any) -> None:
    tokens = log_context.work_start(task_id)
    log_context.events_touched(_argument_events(task, args, kwargs))
    _running[task_id] = (time.perf_counter(), tokens)


def _postrun(task_id: str, task: Any, state: str | None = None, **_: Any) -> None:
    started, tokens = _running.pop(task_id, (None, None))
    try:
        if started is None or not logger.isEnabledFor(logging.INFO):
            return
        ids = log_context.event_ids()
        fields: dict[str, Any] = {
            "kind": "task",
            "correlation_id": task_id,
            "task": task.name,
            "task_id": task_id,
            "state": state or "",
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if ids:
            fields["event_ids"] = ids[: log_context.MAX_EVENT_IDS]
            fields["event_count"] = len(ids)
        logger.info("task %s %s", task.name, state or "", extra={"fields": fields})
    finally:
        if tokens is not None:
            log_context.work_end(tokens)


def connect() -> None:
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="console.operations.task_log.prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="console.operations.task_log.postrun")
