"""Celery tasks of the sources app: thin, they take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from console.audit.actors import Actor
from console.sources.services.processing import deliveries_sweep, delivery_process
from console.sources.services.retention import deliveries_archive


@shared_task(
    name="sources.process_delivery",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=5,
)
def process_delivery(delivery_id: int) -> str:
    return delivery_process(delivery_id=int(delivery_id))


@shared_task(name="sources.sweep_deliveries", acks_late=True)
def sweep_deliveries() -> int:
    return deliveries_sweep()


@shared_task(name="sources.archive_deliveries", acks_late=True)
def archive_deliveries() -> int:
    """The beat's retention run (FINOPS_RETENTION_SCHEDULE_HOURS, off by default)."""
    return deliveries_archive(user=None, actor=Actor.system("archive_deliveries")).deliveries
