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
    from console.casework.services.tallies import open_case_tally_fold, open_cause_tally_fold

    return open_case_tally_fold() + open_cause_tally_fold()


@shared_task(name="casework.receipt_match", acks_late=True)
def receipt_match(match_id: int) -> str:
    from console.casework.services.receipts import receipt_match_run

    return receipt_match_run(match_id=int(match_id))


@shared_task(name="casework.sweep_receipt_matches", acks_late=True)
def sweep_receipt_matches() -> int:
    from console.casework.services.receipts import receipt_matches_sweep

    return receipt_matches_sweep()
