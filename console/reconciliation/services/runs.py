"""A reconciliation run: one entity, flow and UTC day compared three ways, its differences
turned into cases, its outcome in the audit trail.

"The day" is the UTC day of the events' occurred_at (when the source says the document
happened), the same day a control total names. Odoo is read first, outside any transaction
(integrations/odoo/readback.py); then the figures, the differences, their cases and the audit
row are written in one transaction. Running a day again replaces its figures: a difference
found again keeps its case, one no longer found resolves its case. Odoo unreachable leaves the
day's differences as they were and records the run as failed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.casework.services.differences import (
    Difference as CaseDifference,
)
from console.casework.services.differences import (
    case_difference_again,
    case_difference_gone,
    case_open_for_difference,
)
from console.reconciliation.comparing import (
    Comparison,
    DayEvent,
    Found,
    events_compare,
    source_total_compare,
    unknown_add,
)
from console.reconciliation.errors import ReconciliationError
from console.reconciliation.figures import Figures
from console.reconciliation.models import ControlTotal, Difference, ReconciliationRun, RunStatus, TotalOrigin
from console.sources.file_totals import payrun_totals_of_day, statement_totals_of_day
from console.sync.models import EventState, Flow, LegalEntity, SyncEvent
from console.sync.services.connections import odoo_client_for
from integrations.canonical import CENT
from integrations.odoo.errors import OdooError
from integrations.odoo.readback import OdooRecord, Posted, ReadBack

logger = logging.getLogger(__name__)

RUNNERS = (Role.OPERATOR, Role.CONTROLLER)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC day as a half-open range of occurred_at."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def day_events(entity: LegalEntity, flow: Flow, day: dt.date) -> list[DayEvent]:
    start, end = day_bounds(day)
    rows = SyncEvent.objects.filter(entity=entity, flow=flow, occurred_at__gte=start, occurred_at__lt=end)
    return [
        DayEvent(*values)
        for values in rows.order_by("pk").values_list("pk", "external_id", "state", "amount", "currency", "odoo_name")
    ]


def _odoo_read(
    entity: LegalEntity, flow: Flow, day: dt.date, events: list[DayEvent]
) -> tuple[dict[str, OdooRecord], list[OdooRecord]]:
    """What Odoo holds of the day's events (by event id), and the records with the source's
    marker created that day that no event of ours explains."""
    client = odoo_client_for(entity)
    reader = ReadBack(client, company_id=entity.odoo_company_id, kind=flow.event_kind)
    source = flow.source.code
    odoo_ids = dict(
        SyncEvent.objects.filter(pk__in=[e.pk for e in events], odoo_id__isnull=False).values_list("pk", "odoo_id")
    )
    live = [e for e in events if e.state != EventState.DISMISSED]
    posted = [Posted(str(e.pk), source, flow.event_kind, e.external_id, odoo_ids.get(e.pk)) for e in live]
    records = reader.records_of(posted)
    seen = {r.odoo_id for r in records.values()}
    marked = [r for r in reader.marked_on(source=source, day=day) if r.odoo_id not in seen and r.in_books]
    prefix = f"{source}/"
    candidates = {r.marker[len(prefix) :] for r in marked}
    ours = set(
        SyncEvent.objects.filter(source=flow.source, kind=flow.event_kind, external_id__in=candidates).values_list(
            "external_id", flat=True
        )
    )
    return records, [r for r in marked if r.marker[len(prefix) :] not in ours]


@dataclass(frozen=True)
class SourceFigures:
    figures: Figures
    origin: TotalOrigin
    reference: str


def source_figures(entity: LegalEntity, flow: Flow, day: dt.date) -> SourceFigures | None:
    """What the source says it sent that day: its control total through the API; else, for a
    bank feed or a payroll flow, what its statement or payroll files of that day say."""
    total = ControlTotal.objects.filter(entity=entity, flow=flow, day=day).first()
    if total is not None:
        figures = Figures.from_json({"count": total.count, "amounts": total.amounts})
        assert figures is not None
        return SourceFigures(figures, TotalOrigin(total.origin), f"control total {total.pk} from {total.sent_by}")
    reads = {"bank_statement_line": statement_totals_of_day, "journal_entry": payrun_totals_of_day}
    read = reads.get(flow.event_kind)
    found = read(entity_id=entity.pk, source_id=flow.source_id, day=day) if read else None
    if found is None:
        return None
    figures = Figures(found.count, {c: a.quantize(CENT) for c, a in found.amounts.items()})
    return SourceFigures(figures, TotalOrigin(found.origin), "files: " + ", ".join(found.files))


def reconciliation_run(
    *, entity_id: int, flow_id: int, day: dt.date, actor: Actor, user: Any = None
) -> ReconciliationRun:
    """Run (or re-run) one day. With `user`, a person asked: an operator or controller of the entity."""
    if user is not None:
        role_check(user, *RUNNERS, doing="running a reconciliation")
        if entity_id not in entity_ids_visible(user):
            raise PermissionDenied("this legal entity is not yours")
    entity = LegalEntity.objects.filter(pk=entity_id).first()
    flow = Flow.objects.select_related("source").filter(pk=flow_id).first()
    if entity is None or flow is None:
        raise ReconciliationError("no such legal entity or flow", status=404, code="not_found")
    if day >= timezone.now().date() + dt.timedelta(days=1):
        raise ReconciliationError(f"{day} has not begun yet (days are UTC days)")
    started = timezone.now()
    events = day_events(entity, flow, day)
    source = source_figures(entity, flow, day)
    try:
        records, unknown = _odoo_read(entity, flow, day, events)
    except OdooError as err:
        logger.warning("reconciliation of %s %s %s: Odoo could not be read: %s", entity.code, flow.pk, day, err)
        return _record_failed(entity, flow, day, events, source, actor, started, err.message)
    comparison = events_compare(events, records, dismissed=EventState.DISMISSED, posted=EventState.POSTED)
    unknown_add(comparison, unknown, flow_name=flow.name)
    said = source.figures if source else None
    source_total_compare(comparison, said, flow_name=flow.name, day=day.isoformat(), currency=entity.currency)
    try:
        return _record(entity, flow, day, comparison, source, actor, started)
    except IntegrityError:
        # Another run of the same day (the beat's and a person's) made its row first: this one
        # now finds it, waits for its lock, and replaces its figures.
        return _record(entity, flow, day, comparison, source, actor, started)


def _source_set(run: ReconciliationRun, source: SourceFigures | None) -> None:
    run.source_figures = source.figures.as_json() if source else None
    run.source_origin = source.origin.value if source else ""
    run.source_reference = source.reference if source else ""


def _run_row(entity: LegalEntity, flow: Flow, day: dt.date, started: dt.datetime, actor: Actor) -> ReconciliationRun:
    run = ReconciliationRun.objects.select_for_update().filter(entity=entity, flow=flow, day=day).first()
    if run is None:
        return ReconciliationRun(entity=entity, flow=flow, day=day, started_at=started, runs=0, started_by=actor.label)
    run.started_at, run.started_by = started, actor.label
    return run


def _outcome(run: ReconciliationRun, actor: Actor, reason: str) -> None:
    row = audit_record(
        actor=actor,
        entry=AuditEntry(
            action=f"reconciliation.{run.status}",
            object_type="reconciliation_run",
            object_id=str(run.pk),
            entity_code=run.entity.code,
            after={
                "day": run.day.isoformat(),
                "flow": run.flow_id,
                "status": run.status,
                "source": run.source_figures,
                "source_origin": run.source_origin,
                "received": run.received,
                "posted": run.posted,
                "odoo": run.odoo,
                "differences": run.differences_open,
                "run": run.runs,
            },
            reason=reason,
        ),
    )
    run.audit_sequence = row.sequence
    run.save(update_fields=["audit_sequence"])


@transaction.atomic
def _record_failed(
    entity: LegalEntity,
    flow: Flow,
    day: dt.date,
    events: list[DayEvent],
    source: SourceFigures | None,
    actor: Actor,
    started: dt.datetime,
    error: str,
) -> ReconciliationRun:
    run = _run_row(entity, flow, day, started, actor)
    run.status, run.error, run.odoo = RunStatus.FAILED, error, None
    _source_set(run, source)
    run.received = Figures.of((e.amount, e.currency) for e in events).as_json()
    run.posted = Figures.of((e.amount, e.currency) for e in events if e.state == EventState.POSTED).as_json()
    run.finished_at, run.runs = timezone.now(), run.runs + 1
    run.differences_open = run.differences.filter(gone_at__isnull=True).count() if run.pk else 0
    run.save()
    _outcome(run, actor, f"{flow.name}, {day}: Odoo could not be read ({error}); the day's differences stand")
    return run


@transaction.atomic
def _record(
    entity: LegalEntity,
    flow: Flow,
    day: dt.date,
    comparison: Comparison,
    source: SourceFigures | None,
    actor: Actor,
    started: dt.datetime,
) -> ReconciliationRun:
    now = timezone.now()
    run = _run_row(entity, flow, day, started, actor)
    _source_set(run, source)
    run.received, run.posted = comparison.received.as_json(), comparison.posted.as_json()
    run.odoo, run.error = comparison.odoo.as_json(), ""
    run.status = RunStatus.DIFFERENCES if comparison.differences else RunStatus.RECONCILED
    run.differences_open = len(comparison.differences)
    run.finished_at, run.runs = now, run.runs + 1
    run.save()
    _differences_apply(run, comparison.differences, actor, now)
    if run.status == RunStatus.RECONCILED:
        words = (
            f"{flow.name}, {day}: reconciled. Source {source.figures.words() if source else 'sent no total'}; received "
            f"{comparison.received.words()}; posted {comparison.posted.words()}; Odoo {comparison.odoo.words()}"
        )
    else:
        words = f"{flow.name}, {day}: {len(comparison.differences)} difference(s)"
    _outcome(run, actor, words)
    return run


def _differences_apply(run: ReconciliationRun, found: list[Found], actor: Actor, now: dt.datetime) -> None:
    existing = {d.key: d for d in Difference.objects.select_for_update().filter(run=run)}
    events = SyncEvent.objects.in_bulk([f.event_id for f in found if f.event_id is not None])
    for item in found:
        row = existing.get(item.key)
        fresh = row is None or row.gone_at is not None or row.category != item.category
        if row is None:
            row = Difference(run=run, key=item.key)
        record = item.record
        row.category, row.message, row.currency = item.category.value, item.message, item.currency
        row.event_id = item.event_id
        row.odoo_model = record.model if record else ""
        row.odoo_id = record.odoo_id if record else None
        row.odoo_name = record.name if record else ""
        row.expected, row.found = item.expected, (record.amount if record else None)
        row.gone_at = None
        if fresh:
            row.found_at = now
            row.case = _case_open(run, item, events.get(item.event_id) if item.event_id else None, actor)
        elif row.case_id is not None:
            case = case_difference_again(actor=actor, case_id=row.case_id, message=item.message)
            if case is None or not case.is_open:
                row.case = _case_open(run, item, events.get(item.event_id) if item.event_id else None, actor)
        row.save()
    keys = {f.key for f in found}
    for key, row in existing.items():
        if key in keys or row.gone_at is not None:
            continue
        row.gone_at = now
        row.save(update_fields=["gone_at"])
        if row.case_id is not None:
            case_difference_gone(
                actor=actor,
                case_id=row.case_id,
                text=f"Re-run of {run.day}: the difference is gone ({row.message})",
            )


def _case_open(run: ReconciliationRun, item: Found, event: SyncEvent | None, actor: Actor) -> Any:
    unknown = item.record is not None and item.event_id is None
    return case_open_for_difference(
        actor=actor,
        found=CaseDifference(
            category=item.category,
            entity=run.entity,
            flow=run.flow,
            message=item.message,
            amount=item.amount,
            currency=item.currency,
            scope=run.flow.source.code if unknown else str(run.flow_id),
            scope_label=run.flow.source.code if unknown else run.flow.name,
            event=event,
            subject=item.subject,
        ),
    )


def reconciliation_runs_for_day(*, day: dt.date, actor: Actor) -> list[ReconciliationRun]:
    """Every legal entity and active flow for one day (the beat's nightly run); one that fails
    never stops the others."""
    done = []
    for entity in LegalEntity.objects.order_by("code"):
        for flow in Flow.objects.filter(is_active=True).order_by("pk"):
            try:
                done.append(reconciliation_run(entity_id=entity.pk, flow_id=flow.pk, day=day, actor=actor))
            except Exception:  # one entity's or flow's failure must not stop the night's others
                logger.exception("reconciliation of %s, flow %s, %s failed", entity.code, flow.pk, day)
    return done
