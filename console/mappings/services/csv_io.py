"""A kind's mappings as CSV, out and in. An import becomes one draft change request: every
line is checked, each problem names its line and column, and nothing is written unless
every line holds. Lines that change nothing (the export read back) are left out."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction

from console.access.decorators import role_check
from console.audit.actors import Actor
from console.audit.exports import FORMULA_START, csv_cell
from console.audit.services import AuditEntry, audit_record
from console.mappings.models import ChangeOrigin, ChangeRequest, MappingKind
from console.mappings.selectors.browse import mappings_current
from console.mappings.services.reference import entity_for
from console.mappings.services.requests import (
    MAX_ROWS,
    PROPOSERS,
    READERS,
    ChangeError,
    ChangeInvalid,
    RowInput,
    RowProblem,
    change_request_create,
    rows_check,
)

COLUMNS = ["kind", "source_value", "odoo_id", "odoo_label", "version", "valid_from"]
REQUIRED = {"source_value", "odoo_id"}
KNOWN = set(COLUMNS) | {"op"}


@transaction.atomic
def mappings_export(*, user: Any, actor: Actor, entity_code: str, kind: str) -> str:
    """The mappings of a kind in force now, one line per code; the export is audited."""
    role_check(user, *READERS, doing="exporting mappings")
    entity = entity_for(user, entity_code)
    if kind not in MappingKind.values:
        raise ChangeError(f"unknown kind {kind!r}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = list(mappings_current(entity, kind))
    for m in rows:
        writer.writerow(
            [
                csv_cell(v)
                for v in (m.kind, m.source_value, m.odoo_id, m.odoo_label, m.version, m.valid_from.isoformat())
            ]
        )
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="mapping.exported",
            object_type="mapping",
            object_id=f"{kind}:{entity.code}",
            entity_code=entity.code,
            after={"rows": len(rows)},
        ),
    )
    return buffer.getvalue()


def _text(value: str | None) -> str:
    text = (value or "").strip()
    # Undo the export's guard against spreadsheet formulas ('=X was written for =X).
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def parse_csv(data: bytes, kind: str) -> tuple[list[RowInput], list[RowProblem]]:
    """Rows (positioned by their line in the file) and every problem found reading it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return [], [RowProblem(1, "file", f"not UTF-8 text (byte {err.start}): save the file as CSV UTF-8")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        return [], [RowProblem(1, "file", "the file is empty: the first line names the columns")]
    reader.fieldnames = header
    problems = [RowProblem(1, "header", f"no column {c!r}") for c in sorted(REQUIRED - set(header))]
    problems += [
        RowProblem(1, "header", f"unknown column {c!r}; use {', '.join(sorted(KNOWN))}")
        for c in header
        if c not in KNOWN
    ]
    if problems:
        return [], problems
    rows: list[RowInput] = []
    for record in reader:
        line = reader.line_num
        if None in record:
            problems.append(RowProblem(line, "line", "more cells than columns"))
            continue
        if not any((v or "").strip() for v in record.values()):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(RowProblem(line, "file", f"more than {MAX_ROWS} lines: split the file"))
            break
        row_kind = _text(record.get("kind")) or kind
        if row_kind != kind:
            problems.append(RowProblem(line, "kind", f"{row_kind!r} in a {kind} import"))
            continue
        raw_id = _text(record.get("odoo_id"))
        odoo_id: int | None = None
        if raw_id:
            if not raw_id.isdigit():
                problems.append(RowProblem(line, "odoo_id", f"{raw_id!r} is not an Odoo id (a whole number)"))
                continue
            odoo_id = int(raw_id)
        op = _text(record.get("op")) or None
        rows.append(
            RowInput(kind=kind, source_value=_text(record.get("source_value")), odoo_id=odoo_id, op=op, position=line)
        )
    return rows, problems


def _changes_something(row: RowInput, current: dict[str, int | None]) -> bool:
    code = row.source_value.strip()
    if row.op is not None:
        return True
    if row.odoo_id is None:
        return code in current  # an empty target retires a mapped code; for an unmapped one it asks nothing
    return current.get(code) != row.odoo_id


@transaction.atomic
def change_request_from_csv(
    *, user: Any, actor: Actor, entity_code: str, kind: str, title: str, data: bytes
) -> tuple[ChangeRequest, int]:
    """One draft request from a CSV file; returns it and how many lines changed nothing."""
    role_check(user, *PROPOSERS, doing="importing mappings")
    entity = entity_for(user, entity_code)
    if kind not in MappingKind.values:
        raise ChangeError(f"unknown kind {kind!r}")
    rows, problems = parse_csv(data, kind)
    current = {m.source_value: m.odoo_id for m in mappings_current(entity, kind)}
    changing = [r for r in rows if _changes_something(r, current)]
    if problems:
        # Name the other lines' problems too, so that the file is fixed in one go.
        try:
            rows_check(entity, changing)
        except ChangeInvalid as more:
            problems += more.problems
        raise ChangeInvalid(sorted(problems, key=lambda p: p.position))
    if not changing:
        raise ChangeError("the file changes nothing: every line matches the mappings in force")
    request = change_request_create(
        user=user, actor=actor, entity_code=entity_code, title=title, rows=changing, origin=ChangeOrigin.CSV
    )
    return request, len(rows) - len(changing)
