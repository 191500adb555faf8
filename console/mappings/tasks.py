from __future__ import annotations

from celery import shared_task

from console.mappings.services.requests import change_requests_apply_due


@shared_task(name="mappings.apply_due", acks_late=True)
def apply_due() -> list[int]:
    """Approved mapping changes whose time has come are applied (each in its own transaction)."""
    return change_requests_apply_due()
