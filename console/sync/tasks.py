"""Celery tasks of the sync app: thin, they take ids and call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from console.audit.actors import Actor
from console.sync.services.post_message import posting_message_handle
from console.sync.services.posting import events_post_batch
from console.sync.services.retention import events_archive
from console.sync.services.sweeper import posting_sweep

logger = logging.getLogger(__name__)


@shared_task(
    name="sync.post_events",
    bind=True,
    acks_late=True,
    # Only the database going away is retried here; Odoo's transient errors are
    # recorded per event and retried on the event's own schedule by the sweeper.
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def post_events(self, event_ids: list[int]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    summary = posting_message_handle(event_ids=[int(i) for i in event_ids], worker=str(self.request.hostname or ""))
    if summary.claimed == 0:
        logger.debug("post_events: nothing left to claim among %d ids", len(event_ids))
    return {"claimed": summary.claimed, "posted": summary.posted, "failed": summary.failed}


@shared_task(
    name="sync.post_event", acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def post_event(event_id: int) -> None:
    events_post_batch(event_ids=[int(event_id)])


@shared_task(name="sync.sweep_posting", acks_late=True)
def sweep_posting() -> int:
    return posting_sweep()


@shared_task(name="sync.archive_events", acks_late=True)
def archive_events() -> int:
    """The beat's retention run (FINOPS_RETENTION_SCHEDULE_HOURS, off by default)."""
    return events_archive(user=None, actor=Actor.system("archive_events")).events
