"""The heartbeat task: the beat sends it, any worker of the default queue runs it."""

from __future__ import annotations

from celery import shared_task

from console.operations.heartbeat import TASK, WORKER, heartbeat_stamp


@shared_task(name=TASK, bind=True, acks_late=True, ignore_result=True)
def heartbeat(self) -> None:  # type: ignore[no-untyped-def]
    heartbeat_stamp(name=WORKER, by=str(self.request.hostname or ""))
