"""The reconciliation app's tasks. Celery finds an app's tasks in tasks.py: the nightly runs are
here, the matching's in tasks_matching.py, re-exported."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from console.audit.actors import Actor
from console.reconciliation.tasks_matching import match_all, match_entity

__all__ = ["match_all", "match_entity", "reconcile_previous_day"]


@shared_task(name="reconciliation.reconcile_previous_day", acks_late=True)
def reconcile_previous_day() -> int:
    """The beat's nightly run: every legal entity's active flows for the previous UTC day."""
    from console.reconciliation.services.runs import reconciliation_runs_for_day

    day = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    return len(reconciliation_runs_for_day(day=day, actor=Actor.system("reconciliation.nightly")))
