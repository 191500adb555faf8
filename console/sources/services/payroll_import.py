"""Bringing a payroll file in: a preview that stores nothing, then the import.

Both judge the file's runs the same way (`_judge`): each run is checked (payroll_controls),
looked up by its business key (`run.external_id`: `payroll-run:<run id>` whatever the file's
shape, so the same run in a second file, or in a Gusto JSON and later a GL export, is the same
key) and compared with the trailing average of the runs before it. The import records each new
run as ONE journal entry event through the one ingestion service, as the correlation of its run
row, and places the holds its controls call for before the transaction ends: a held run never
reaches Odoo before a person releases it.

Dedupe rule: a key already recorded with the same total, currency, pay date and entity is
"imported before" and creates nothing; with other figures it is a conflict: the ingestion
service keeps the first version and records the second beside it (a DuplicateAttempt and a
"same key sent again with different content" case for a person to compare). The key's first
import stays the one that posts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.models import ServiceAccount
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.access.services import source_account_ensure
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sources.payroll_models import PayrollFile, PayrollRun, RunStatus
from console.sources.services.payroll_controls import (
    UNUSUAL,
    Past,
    deviation,
    history,
    payrun_hold,
    run_problems,
    trailing,
    unusable_reason,
)
from console.sources.services.statement_import import ImportRefused
from console.sync.models import EventKind, LegalEntity, SourceSystem, SyncEvent
from console.sync.services.flags import event_flag
from console.sync.services.ingest import IngestError, events_ingest
from integrations.payroll.checks import Problem
from integrations.payroll.run import PayRun, draft, run_total

KIND = EventKind.JOURNAL_ENTRY
IMPORTERS = (Role.OPERATOR, Role.ADMIN)
RECORDED = (RunStatus.NEW, RunStatus.HELD)


@dataclass
class RunFigures:
    position: int
    run: PayRun
    status: str
    problems: list[Problem] = field(default_factory=list)
    unusable: str = ""  # why it cannot be an event at all
    event_id: int | None = None  # of the same key, found (known, conflict)
    history: int = 0
    average: Decimal | None = None
    flag: str = ""

    @property
    def total(self) -> Decimal:
        return run_total(self.run)

    @property
    def label(self) -> str:
        return str(RunStatus(self.status).label)

    @property
    def messages(self) -> list[str]:
        return [p.message for p in self.problems]


@dataclass
class PayrollFigures:
    sha256: str
    size: int
    runs: list[RunFigures] = field(default_factory=list)
    repeat_of: PayrollFile | None = None

    def _count(self, *statuses: str) -> int:
        return sum(1 for r in self.runs if r.status in statuses)

    @property
    def new(self) -> int:
        return self._count(*RECORDED)

    @property
    def held(self) -> int:
        return self._count(RunStatus.HELD)

    @property
    def known(self) -> int:
        return self._count(RunStatus.KNOWN)

    @property
    def conflict(self) -> int:
        return self._count(RunStatus.CONFLICT)

    @property
    def unusable(self) -> int:
        return self._count(RunStatus.UNUSABLE)

    @property
    def flagged(self) -> int:
        return sum(1 for r in self.runs if r.flag)

    def totals(self) -> dict[str, Decimal]:
        """The runs' totals (run_total) per currency."""
        sums: dict[str, Decimal] = {}
        for r in self.runs:
            sums[r.run.currency] = sums.get(r.run.currency, Decimal("0")) + r.total
        return sums


def payroll_import_check(user: Any | None, entity: LegalEntity) -> None:
    """PermissionDenied unless `user` may bring payroll files in for `entity` (None: the shell or the system)."""
    if user is None:
        return
    role_check(user, *IMPORTERS, doing="importing a payroll file")
    if entity.pk not in entity_ids_visible(user):
        raise PermissionDenied(f"importing a payroll file needs access to entity {entity.code}")


def _check_size(content: bytes) -> None:
    limit = settings.STATEMENT_FILE_MAX_BYTES
    if len(content) > limit:
        raise ImportRefused(f"the file is {len(content):,} bytes, over the limit of {limit:,}")
    if not content.strip():
        raise ImportRefused("the file is empty")


def _repeat_of(source: SourceSystem, sha256: str) -> PayrollFile | None:
    return PayrollFile.objects.filter(source=source, sha256=sha256, repeat_of=None).order_by("pk").first()


def _judge(source: SourceSystem, entity: LegalEntity, runs: Sequence[PayRun]) -> list[RunFigures]:
    found = {
        e["external_id"]: e
        for e in SyncEvent.objects.filter(
            source=source, kind=KIND, external_id__in=[r.external_id for r in runs]
        ).values("pk", "external_id", "entity_id", "amount", "currency", "occurred_at")
    }
    past = history(source, entity)
    judged: list[RunFigures] = []
    for position, run in enumerate(runs, 1):
        figures = RunFigures(position=position, run=run, status=RunStatus.NEW, problems=run_problems(run))
        judged.append(figures)
        figures.unusable = unusable_reason(run, entity)
        earlier = found.get(run.external_id)
        if figures.unusable:
            figures.status = RunStatus.UNUSABLE
            continue
        if earlier is not None:
            same = (
                earlier["entity_id"] == entity.pk
                and earlier["amount"] == run_total(run)
                and earlier["currency"] == run.currency
                and earlier["occurred_at"].astimezone(UTC).date() == run.pay_date
            )
            figures.status = RunStatus.KNOWN if same else RunStatus.CONFLICT
            figures.event_id = earlier["pk"]
            continue
        figures.status = RunStatus.HELD if figures.problems else RunStatus.NEW
        figures.history, figures.average = trailing(past, run)
        figures.flag = deviation(run, figures.history, figures.average)
        past.append(Past(run.kind, run.currency, run.pay_date, run_total(run)))
    return judged


def payroll_file_preview(
    *, source: SourceSystem, entity: LegalEntity, content: bytes, runs: Sequence[PayRun], user: Any | None
) -> PayrollFigures:
    """What importing the file would do, storing nothing."""
    payroll_import_check(user, entity)
    _check_size(content)
    sha256 = hashlib.sha256(content).hexdigest()
    figures = PayrollFigures(sha256=sha256, size=len(content), repeat_of=_repeat_of(source, sha256))
    figures.runs = _judge(source, entity, runs)
    return figures


def payroll_file_import(
    *,
    source: SourceSystem,
    entity: LegalEntity,
    name: str,
    fmt: str,
    profile: str,
    content: bytes,
    runs: Sequence[PayRun],
    user: Any | None,
    actor: Actor,
) -> PayrollFile:
    """Import the file in one transaction: its runs, the new ones as events, the holds and the
    second looks its controls call for, and the audit record."""
    payroll_import_check(user, entity)
    _check_size(content)
    if not source.flows.filter(event_kind=KIND, is_active=True).exists():
        raise ImportRefused(f"source {source.code} has no active flow of journal entries: add one first")
    sha256 = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        account = source_account_ensure(source=source, entity=entity, actor=actor)
        file = PayrollFile.objects.create(
            source=source,
            entity=entity,
            format=fmt,
            profile=profile,
            name=name[:255],
            sha256=sha256,
            size=len(content),
            content=content,
            uploaded_by=user,
            uploaded_by_label=actor.label,
            uploaded_at=timezone.now(),
            repeat_of=_repeat_of(source, sha256),
        )
        judged = _judge(source, entity, runs)
        rows = [_row(file, figures) for figures in judged]
        sent = [(row, figures) for row, figures in zip(rows, judged, strict=True) if figures.status != RunStatus.KNOWN]
        sent = [(row, figures) for row, figures in sent if figures.status != RunStatus.UNUSABLE]
        for (row, figures), result in zip(sent, _ingest(account, source, entity, sent), strict=True):
            row.event_id = result.event_id
            if figures.status in RECORDED and result.result != "created":
                # Recorded by another import since this one looked: that one's, as any repeat.
                row.status = RunStatus.KNOWN if result.result == "duplicate" else RunStatus.CONFLICT
                row.flag, row.average, row.history = "", None, 0
            elif row.status == RunStatus.HELD:
                row.hold = payrun_hold(row, figures.run, figures.problems, figures.flag, actor=actor)
            if row.status in RECORDED and row.flag:
                event_flag(event_id=result.event_id, reason_code=UNUSUAL, message=row.flag, actor=actor)
            row.save(update_fields=["event", "status", "hold", "flag", "average", "history"])
        _count(file, rows)
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="payroll_file.imported",
                object_type="payroll_file",
                object_id=str(file.pk),
                entity_code=entity.code,
                after={
                    "name": file.name,
                    "sha256": sha256,
                    "format": fmt,
                    "profile": profile,
                    "runs": file.run_count,
                    "new": file.new_count,
                    "held": file.held_count,
                    "known": file.known_count,
                    "conflict": file.conflict_count,
                    "unusable": file.unusable_count,
                    "flagged": file.flagged_count,
                },
            ),
        )
    return file


def _row(file: PayrollFile, figures: RunFigures) -> PayrollRun:
    run = figures.run
    return PayrollRun.objects.create(
        file=file,
        source=file.source,
        entity=file.entity,
        position=figures.position,
        where=run.where[:200],
        kind=run.kind,
        run_id=run.run_id[:200],
        external_id=run.external_id[:200],
        pay_date=run.pay_date,
        period_start=run.period_start,
        period_end=run.period_end,
        currency=run.currency,
        total=run_total(run),
        total_credit=run.total_credit,
        line_count=len(run.lines),
        status=figures.status,
        event_id=figures.event_id,
        problems=([figures.unusable] if figures.unusable else []) + figures.messages,
        average=figures.average,
        history=figures.history,
        flag=figures.flag,
    )


def _count(file: PayrollFile, rows: list[PayrollRun]) -> None:
    def count(*statuses: str) -> int:
        return sum(1 for row in rows if row.status in statuses)

    file.run_count = len(rows)
    file.new_count, file.held_count = count(*RECORDED), count(RunStatus.HELD)
    file.known_count, file.conflict_count = count(RunStatus.KNOWN), count(RunStatus.CONFLICT)
    file.unusable_count = count(RunStatus.UNUSABLE)
    file.flagged_count = sum(1 for row in rows if row.flag)
    file.save()


def _ingest(
    account: ServiceAccount,
    source: SourceSystem,
    entity: LegalEntity,
    sent: list[tuple[PayrollRun, RunFigures]],
) -> list[Any]:
    if not sent:
        return []
    drafts = [(row, draft(figures.run)) for row, figures in sent]
    items = [
        {
            "source": source.code,
            "kind": d.kind,
            "external_id": d.external_id,
            "entity": entity.code,
            "occurred_at": d.occurred_at.isoformat(),
            "correlation_id": row.correlation_id,
            "data": d.data,
        }
        for row, d in drafts
    ]
    try:
        return events_ingest(account=account, items=items)
    except IngestError as err:
        # Each run was checked alone already; what the service still refuses (a flow) is the file's.
        raise ImportRefused(err.message) from err
