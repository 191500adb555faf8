"""The matcher's tasks: thin, each loads its run by id and calls one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="reconciliation.match_entity", acks_late=True)
def match_entity(run_id: int) -> str:
    from console.reconciliation.models import MatchingRun
    from console.reconciliation.services.matching import matching_run_execute

    if not MatchingRun.objects.filter(pk=run_id).exists():
        return "gone"
    return matching_run_execute(int(run_id)).state


@shared_task(name="reconciliation.match_all", acks_late=True)
def match_all() -> int:
    from console.reconciliation.services.matching import matching_runs_schedule

    return len(matching_runs_schedule())
