"""Reading reconciliation: runs and their differences, within the user's legal entities.

These are the reads the run pages use and the close view builds on: `runs_of_period` (an
entity's runs of a period, by day and flow), `period_days` (each day's status over every flow),
`run_differences` (what a run found, with its cases) and `run_events` (the day's events a run's
received and posted figures count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from console.access.selectors import restrict_to_entities
from console.reconciliation.figures import Figures
from console.reconciliation.models import Difference, ReconciliationRun, RunStatus
from console.reconciliation.services.runs import day_bounds
from console.sync.models import EventState, SyncEvent


def runs_visible(user: Any) -> QuerySet[ReconciliationRun]:
    rows = ReconciliationRun.objects.select_related("entity", "flow", "flow__source")
    return restrict_to_entities(rows, user)


def runs_of_period(
    user: Any,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    entity_id: int | None = None,
    flow_id: int | None = None,
    status: str = "",
) -> QuerySet[ReconciliationRun]:
    """Runs of the user's entities whose day is in [start, end] (both included), newest day first."""
    rows = runs_visible(user)
    if start is not None:
        rows = rows.filter(day__gte=start)
    if end is not None:
        rows = rows.filter(day__lte=end)
    if entity_id is not None:
        rows = rows.filter(entity_id=entity_id)
    if flow_id is not None:
        rows = rows.filter(flow_id=flow_id)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-day", "entity__code", "flow__name", "pk")


def run_get(user: Any, run_id: int) -> ReconciliationRun | None:
    return runs_visible(user).filter(pk=run_id).first()


def run_for_case(user: Any, case_id: int) -> ReconciliationRun | None:
    """The run whose difference opened (or was noted on) the case, newest first."""
    found = Difference.objects.filter(case_id=case_id).order_by("-found_at", "-pk").values_list("run_id", flat=True)
    run_id = found.first()
    return run_get(user, run_id) if run_id is not None else None


def run_differences(run: ReconciliationRun, *, present: bool | None = None) -> QuerySet[Difference]:
    """What the run found: present (True), gone since (False) or both (None), with their cases."""
    rows = Difference.objects.filter(run=run).select_related("case", "event")
    if present is not None:
        rows = rows.filter(gone_at__isnull=present)
    return rows.order_by("category", "key")


def run_events(run: ReconciliationRun, *, state: str = "") -> QuerySet[SyncEvent]:
    """The events of the run's entity, flow and UTC day (occurred_at), the list its received
    figures count (and, with state=posted, its posted figures)."""
    start, end = day_bounds(run.day)
    rows = SyncEvent.objects.filter(entity=run.entity, flow=run.flow, occurred_at__gte=start, occurred_at__lt=end)
    if state:
        rows = rows.filter(state=state)
    return rows.only("pk", "external_id", "state", "amount", "currency", "occurred_at", "odoo_name").order_by("pk")


def events_figures(events: QuerySet[SyncEvent]) -> Figures:
    return Figures.of(events.values_list("amount", "currency"))


def posted_figures(run: ReconciliationRun) -> Figures:
    return events_figures(run_events(run, state=EventState.POSTED))


@dataclass
class DayStatus:
    """One day of a period over every flow that ran: reconciled when every run of it is."""

    day: dt.date
    runs: list[ReconciliationRun] = field(default_factory=list)

    @property
    def status(self) -> str:
        if not self.runs:
            return "not_run"
        states = {run.status for run in self.runs}
        if RunStatus.FAILED in states:
            return RunStatus.FAILED
        return RunStatus.DIFFERENCES if RunStatus.DIFFERENCES in states else RunStatus.RECONCILED

    @property
    def differences(self) -> int:
        return sum(run.differences_open for run in self.runs)


def period_days(user: Any, *, entity_id: int, start: dt.date, end: dt.date) -> list[DayStatus]:
    """Every day of [start, end] with the entity's runs of it (the close view's day by day)."""
    days: dict[dt.date, DayStatus] = {}
    day = start
    while day <= end:
        days[day] = DayStatus(day)
        day += dt.timedelta(days=1)
    for run in runs_of_period(user, start=start, end=end, entity_id=entity_id):
        days[run.day].runs.append(run)
    return list(days.values())


def reconciled_runs(user: Any, *, start: dt.date, end: dt.date, entity_ids: Iterable[int] | None = None) -> Any:
    """The reconciled days of the period, oldest first: what the auditor's evidence lists."""
    rows = runs_of_period(user, start=start, end=end, status=RunStatus.RECONCILED)
    if entity_ids is not None:
        rows = rows.filter(entity_id__in=list(entity_ids))
    return rows.order_by("day", "entity__code", "flow__name", "pk")
