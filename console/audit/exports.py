"""Evidence exports of a period: every row with its hashes, and the chain range it covers.

The range (the first row's sequence and the hash before it, the last row's sequence and its
hash) is in the file's name (sequences and the hashes' first 16 digits) and, in full, in the
file: the JSON's "range"; in CSV the last row, after the data, so that line 1 is the header a
spreadsheet or a CSV reader expects. That row's first cell is "# chain range" and each other
cell is name=value: no cell of it starts a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from console.audit.actors import Actor
from console.audit.chain import STORED_FIELDS
from console.audit.models import AuditEvent
from console.audit.selectors import AuditFilter, audit_events_filtered
from console.audit.services import AuditEntry, audit_record_atomic

COLUMNS = tuple(name for name in STORED_FIELDS if name != "actor_user_id")
MAX_EXPORT_ROWS = 200_000
EXPORT_FORMATS = ("csv", "json")


RANGE_MARK = "# chain range"
NAME_HASH_DIGITS = 16


class ExportTooLarge(Exception):
    pass


@dataclass(frozen=True)
class AuditExport:
    body: str
    content_type: str
    filename: str


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_type": event.actor_type,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "entity_code": event.entity_code,
        "before": event.before_data,
        "after": event.after_data,
        "reason": event.reason,
        "correlation_id": event.correlation_id,
        "request_ip": event.request_ip,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def _hash_range(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"rows": 0}
    first, last = rows[0], rows[-1]
    return {
        "rows": len(rows),
        "first_sequence": first["sequence"],
        "first_prev_hash": first["prev_hash"],
        "last_sequence": last["sequence"],
        "last_hash": last["hash"],
    }


def export_filename(summary: dict[str, Any], fmt: str) -> str:
    """audit-trail_7-1f2e…_10-9a8b….csv: from row #7 (the hash before it) to row #10 (its hash)."""
    if not summary.get("rows"):
        return f"audit-trail_empty.{fmt}"
    first = f"{summary['first_sequence']}-{summary['first_prev_hash'][:NAME_HASH_DIGITS]}"
    last = f"{summary['last_sequence']}-{summary['last_hash'][:NAME_HASH_DIGITS]}"
    return f"audit-trail_{first}_{last}.{fmt}"


def _range_row(summary: dict[str, Any]) -> list[str]:
    return [RANGE_MARK, *(f"{name}={value}" for name, value in summary.items())]


def audit_export(*, user: Any, actor: Actor, f: AuditFilter, fmt: str) -> AuditExport:
    """The export's text, content type and file name; the export itself goes on the trail, in
    its own row."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError("format must be csv or json")
    query = audit_events_filtered(user, f).order_by("sequence")
    events = list(query[: MAX_EXPORT_ROWS + 1])
    if len(events) > MAX_EXPORT_ROWS:
        raise ExportTooLarge(f"more than {MAX_EXPORT_ROWS} rows: narrow the period")
    rows = [_row(e) for e in events]
    summary = _hash_range(rows)
    audit_record_atomic(
        actor=actor,
        entry=AuditEntry(
            action="audit.exported",
            object_type="audit_trail",
            object_id=f"{summary.get('first_sequence', '-')}..{summary.get('last_sequence', '-')}",
            after={
                "format": fmt,
                "filter": {k: str(v) for k, v in vars(f).items() if v not in ("", None, False)},
                **summary,
            },
        ),
    )
    filename = export_filename(summary, fmt)
    if fmt == "json":
        body = json.dumps({"range": summary, "rows": rows}, indent=1, ensure_ascii=False)
        return AuditExport(body, "application/json", filename)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                csv_cell(json.dumps(row[c], ensure_ascii=False)) if c in ("before", "after") else csv_cell(row[c])
                for c in COLUMNS
            ]
        )
    writer.writerow(_range_row(summary))
    return AuditExport(buffer.getvalue(), "text/csv", filename)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection: a cell starting with these is shown as text.
    return "'" + text if text[:1] in FORMULA_START else text
