from __future__ import annotations

from celery import shared_task

from console.casework.services.escalation import cases_escalate


@shared_task(name="casework.escalate", acks_late=True)
def escalate() -> int:
    return cases_escalate()
