"""The case list as a file: every case its filter selects (not one page), as CSV or XLSX.

The rows are read with one server-side cursor (QuerySet.iterator) and written to a temporary
file that stays in memory up to SPOOL_BYTES and moves to disk beyond, so 100,000 cases take
no more memory than 100: the file is complete before the response starts, and the audit row
states the exact number of rows sent. Text from sources is made formula-safe (a spreadsheet
never runs a cell); money stays a decimal beside its currency; times are UTC, ISO 8601."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from console.access.decorators import role_check
from console.access.roles import FINANCE_READERS
from console.audit.actors import Actor
from console.audit.exports import FORMULA_START, csv_cell
from console.audit.services import AuditEntry, audit_record
from console.casework.models import ExceptionCase

EXPORT_FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SPOOL_BYTES = 4 * 1024 * 1024
CHUNK = 2000

# (header, column read, kind): "text" cells are formula-guarded, "money" a Decimal, "time" UTC.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("case_id", "pk", "int"),
    ("entity", "entity__code", "text"),
    ("flow", "flow__name", "text"),
    ("category", "category", "text"),
    ("severity", "severity", "text"),
    ("state", "state", "text"),
    # The event's external id, or what a case about no event is about (a reconciliation difference).
    ("document", "document", "text"),
    ("amount", "amount", "money"),
    ("currency", "currency", "text"),
    ("opened_at (UTC)", "opened_at", "time"),
    ("sla_due_at (UTC)", "sla_due_at", "time"),
    ("resolved_at (UTC)", "resolved_at", "time"),
    ("assignee", "assignee__username", "text"),
    ("owner_team", "owner_team", "text"),
    ("cause", "cause_label", "text"),
    ("summary", "summary", "text"),
)
HEADER = [header for header, _, _ in COLUMNS]
# Excel keeps 15 significant digits of a number: a larger amount goes in as text, exactly.
EXACT_DIGITS = 15


class ExportError(ValueError):
    pass


@dataclass
class CaseExport:
    file: IO[bytes]
    content_type: str
    filename: str
    rows: int


def _utc(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat() if value is not None else ""


def _rows(cases: QuerySet[ExceptionCase]) -> Iterator[tuple[Any, ...]]:
    documents = cases.annotate(document=Coalesce(F("event__external_id"), F("subject")))
    return documents.values_list(*(column for _, column, _ in COLUMNS)).iterator(chunk_size=CHUNK)


def _write_csv(cases: QuerySet[ExceptionCase], out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(HEADER)
    n = 0
    for row in _rows(cases):
        cells = []
        for (_, _, kind), value in zip(COLUMNS, row, strict=True):
            if kind == "time":
                cells.append(_utc(value))
            elif kind == "text":
                cells.append(csv_cell(value))
            else:  # our own numbers and decimals: never a formula, kept as they are
                cells.append("" if value is None else str(value))
        writer.writerow(cells)
        n += 1
    text.flush()
    text.detach()  # leave `out` open for the response
    return n


def _write_xlsx(cases: QuerySet[ExceptionCase], out: IO[bytes]) -> int:
    import xlsxwriter

    # constant_memory: each row goes to disk as it is written. Strings stay strings: nothing is
    # read as a number, a formula or a link.
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet("cases")
    bold = book.add_format({"bold": True})
    # A text cell that looks like a formula carries Excel's quote prefix (what typing ' before it
    # does): shown and kept as text even when someone edits it.
    quoted = book.add_format({"quote_prefix": True})
    money = book.add_format({"num_format": "#,##0.00"})
    for col, header in enumerate(HEADER):
        sheet.write_string(0, col, header, bold)
    n = 0
    for n, row in enumerate(_rows(cases), start=1):
        for col, ((_, _, kind), value) in enumerate(zip(COLUMNS, row, strict=True)):
            if value is None or value == "":
                continue
            if kind == "int":
                sheet.write_number(n, col, value)
            elif kind == "money":
                amount = Decimal(value)
                if len(amount.as_tuple().digits) <= EXACT_DIGITS:
                    sheet.write_number(n, col, float(amount), money)
                else:
                    sheet.write_string(n, col, str(amount))
            elif kind == "time":
                sheet.write_string(n, col, _utc(value))
            else:
                text = str(value)
                sheet.write_string(n, col, text, quoted if text[:1] in FORMULA_START else None)
    book.close()
    return n


def _filter_text(query: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in query.items() if value not in ("", None)}


def cases_export(
    *, user: Any, actor: Actor, cases: QuerySet[ExceptionCase], query: Mapping[str, str], fmt: str
) -> CaseExport:
    """Every case of `cases` (the list's filtered queryset, already restricted to the user's
    entities) written as `fmt`; one `cases.exported` audit row with the filter, the format and
    the number of rows, in the transaction that read them."""
    role_check(user, *FINANCE_READERS, doing="exporting cases")
    if fmt not in EXPORT_FORMATS:
        raise ExportError("format must be csv or xlsx")
    out: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # closed by the response
    try:
        with transaction.atomic():
            rows = _write_csv(cases, out) if fmt == "csv" else _write_xlsx(cases, out)
            filters = _filter_text(query)
            audit_record(
                actor=actor,
                entry=AuditEntry(
                    action="cases.exported",
                    object_type="case_list",
                    object_id=fmt,
                    entity_code=filters.get("entity", ""),
                    after={"format": fmt, "filter": filters, "rows": rows},
                ),
            )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return CaseExport(out, CONTENT_TYPES[fmt], f"cases-{stamp}.{fmt}", rows)
