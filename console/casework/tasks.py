from __future__ import annotations

from celery import shared_task

from console.casework.services.escalation import cases_escalate


@shared_task(name="casework.escalate", acks_late=True)
def escalate() -> int:
    return cases_escalate()


@shared_task(name="casework.bulk_run", acks_late=True)
def bulk_run(run_id: int) -> str:
    from console.casework.services.bulk import bulk_execute

    return bulk_execute(run_id).state


@shared_task(name="casework.fold_tallies", acks_late=True)
def fold_tallies() -> int:
    from console.casework.services.tallies import open_case_tally_fold

    return open_case_tally_fold()
