"""The auditor's evidence of a period: every reconciled day with its three sets of figures and
the audit rows that recorded them. CSV, the header row first; the chain range (the first and
last audit row's sequence and hash) in the file's name and, in full, in a last row whose first
cell is "# chain range" (as the audit trail's own export). Every cell is formula-safe."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from console.access.decorators import role_check
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.exports import RANGE_MARK, csv_cell
from console.audit.models import AuditEvent
from console.audit.services import AuditEntry, audit_record
from console.reconciliation.errors import ReconciliationError
from console.reconciliation.models import ReconciliationRun
from console.reconciliation.selectors.runs import reconciled_runs

MAX_DAYS = 400
HEADER = (
    "day",
    "entity",
    "flow",
    "status",
    "source_count",
    "source_amounts",
    "source_origin",
    "received_count",
    "received_amounts",
    "posted_count",
    "posted_amounts",
    "odoo_count",
    "odoo_amounts",
    "runs",
    "finished_at (UTC)",
    "audit_sequence",
    "audit_hash",
)


@dataclass(frozen=True)
class Evidence:
    body: str
    filename: str
    rows: int


def _amounts(figures: dict[str, Any] | None) -> str:
    if figures is None:
        return ""
    return "; ".join(f"{amount} {currency}" for currency, amount in sorted(dict(figures.get("amounts", {})).items()))


def _count(figures: dict[str, Any] | None) -> str:
    return "" if figures is None else str(figures.get("count", 0))


def _row(run: ReconciliationRun, hashes: dict[int, str]) -> list[str]:
    cells = [
        run.day.isoformat(),
        run.entity.code,
        run.flow.name,
        run.status,
        _count(run.source_figures),
        _amounts(run.source_figures) if run.source_figures is not None else "no control total",
        run.source_origin,
        _count(run.received),
        _amounts(run.received),
        _count(run.posted),
        _amounts(run.posted),
        _count(run.odoo),
        _amounts(run.odoo),
        str(run.runs),
        run.finished_at.astimezone(dt.UTC).isoformat(),
        str(run.audit_sequence or ""),
        hashes.get(run.audit_sequence or 0, ""),
    ]
    return [csv_cell(cell) for cell in cells]


def evidence_export(*, user: Any, actor: Actor, start: dt.date, end: dt.date) -> Evidence:
    role_check(user, Role.AUDITOR, doing="exporting reconciliation evidence")
    if end < start:
        raise ReconciliationError("the period ends before it starts")
    if (end - start).days >= MAX_DAYS:
        raise ReconciliationError(f"a period of at most {MAX_DAYS} days")
    with transaction.atomic():
        runs = list(reconciled_runs(user, start=start, end=end))
        sequences = sorted({run.audit_sequence for run in runs if run.audit_sequence})
        hashes = dict(AuditEvent.objects.filter(sequence__in=sequences).values_list("sequence", "hash"))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        for run in runs:
            writer.writerow(_row(run, hashes))
        chain: dict[str, int | str] = {"rows": len(runs)}
        if sequences:
            chain |= {
                "first_sequence": sequences[0],
                "first_hash": hashes.get(sequences[0], ""),
                "last_sequence": sequences[-1],
                "last_hash": hashes.get(sequences[-1], ""),
            }
        writer.writerow([RANGE_MARK, *(csv_cell(f"{name}={value}") for name, value in chain.items())])
        span = f"{sequences[0]}-{sequences[-1]}" if sequences else "none"
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="reconciliation.evidence_exported",
                object_type="reconciliation_evidence",
                object_id=f"{start.isoformat()}..{end.isoformat()}",
                after={"start": start.isoformat(), "end": end.isoformat(), **chain},
            ),
        )
    return Evidence(buffer.getvalue(), f"reconciled-days_{start}_{end}_chain-{span}.csv", len(runs))
