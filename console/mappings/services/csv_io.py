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
    MAX_ODOO_ID,
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
from integrations.canonical import storable_problem

COLUMNS = ["kind", "source_value", "odoo_id", "odoo_label", "version", "valid_from"]
REQUIRED = {"source_value", "odoo_id"}
KNOWN = set(COLUMNS) | {"op"}
# The longest value a column holds is an Odoo label of 200 characters.
MAX_CELL = 200


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


def _cell_problems(line: int, record: dict[str, str | None]) -> list[RowProblem]:
    """Cells no column can hold: too long, or text PostgreSQL cannot store (NUL, bytes that
    were not UTF-8, read as lone surrogates), each named by its line and column."""
    problems = []
    for column, value in record.items():
        if not value:
            continue
        if len(value) > MAX_CELL:
            problems.append(RowProblem(line, column, f"is {len(value):,} characters long; at most {MAX_CELL}"))
            continue
        problem = storable_problem(value)
        if problem is not None:
            if "surrogate" in problem:
                problem = "holds bytes that are not UTF-8 text: save the file as CSV UTF-8"
            problems.append(RowProblem(line, column, problem))
    return problems


def _odoo_id(raw: str) -> int | None:
    """A whole number of ASCII digits within Odoo's ids, or None."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_ODOO_ID)):
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ODOO_ID else None


def parse_csv(data: bytes, kind: str) -> tuple[list[RowInput], list[RowProblem]]:
    """Rows (positioned by their line in the file) and every problem found reading it."""
    # Bytes that are not UTF-8 are kept as lone surrogates, so that the problem names its line and column.
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        raw_header = reader.fieldnames or []
    except csv.Error as err:
        return [], [RowProblem(1, "header", f"cannot be read as CSV: {err}")]
    header = [h.strip() for h in raw_header]
    if not header:
        return [], [RowProblem(1, "file", "the file is empty: the first line names the columns")]
    problems = _cell_problems(1, {f"column {n}": h for n, h in enumerate(header, start=1)})
    if problems:
        return [], problems
    reader.fieldnames = header
    problems = [RowProblem(1, "header", f"no column {c!r}") for c in sorted(REQUIRED - set(header))]
    problems += [
        RowProblem(1, "header", f"unknown column {c[:40]!r}; use {', '.join(sorted(KNOWN))}")
        for c in header
        if c not in KNOWN
    ]
    if problems:
        return [], problems
    rows: list[RowInput] = []
    records = iter(reader)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except csv.Error as err:  # a cell over the csv module's own limit, an unclosed quote
            problems.append(RowProblem(reader.line_num, "line", f"cannot be read as CSV: {err}"))
            break
        line = reader.line_num
        if None in record:
            problems.append(RowProblem(line, "line", "more cells than columns"))
            continue
        if not any((v or "").strip() for v in record.values()):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(RowProblem(line, "file", f"more than {MAX_ROWS} lines: split the file"))
            break
        found = _cell_problems(line, record)
        if found:
            problems += found
            continue
        row_kind = _text(record.get("kind")) or kind
        if row_kind != kind:
            problems.append(RowProblem(line, "kind", f"{row_kind!r} in a {kind} import"))
            continue
        raw_id = _text(record.get("odoo_id"))
        odoo_id: int | None = None
        if raw_id:
            odoo_id = _odoo_id(raw_id)
            if odoo_id is None:
                problems.append(
                    RowProblem(
                        line, "odoo_id", f"{raw_id[:40]!r} is not an Odoo id (a whole number from 1 to {MAX_ODOO_ID:,})"
                    )
                )
                continue
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
