"""A payroll system's GL export (CSV) into pay runs, read through a `GLProfile`.

Each row is one GL line of a run: the source's GL account code (which the console's account
mapping resolves, as for any account code), a debit or a credit, a description and the
department or cost centre. The run is named by a run id column or by the upload (one run per
file then), its pay date likewise; a file with a run id column may hold several runs.

A run's rows are summed per account into one journal line each (per account and department
when split by department: `<code>@<department>`), debits less credits, so a run of any size
stays one entry within the journal line limit and posts the balances the export gives. Rows
are never dropped or adjusted: a run whose rows do not balance is returned as it is, and
`checks` names the difference.

A bad row refuses the file (a journal entry without one of its lines is a wrong entry):
`line 7, column debit: '12.345' has more than 2 decimal places ...`. Line numbers are the
file's, counting the rows skipped and the header.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from integrations.canonical import MAX_CODE, MAX_LINES, MAX_TEXT, currency_quantum, storable_problem
from integrations.iso4217 import ACTIVE_CURRENCIES, minor_unit_words
from integrations.payroll.categories import split_code
from integrations.payroll.errors import FileRefused
from integrations.payroll.gl_profile import GLProfile
from integrations.payroll.json_values import MAX_ID, in_range
from integrations.payroll.run import JOURNAL_KEY, ZERO, PayLine, PayRun
from integrations.tabular import Dialect, Row, TableRefused, table_rows

RUN_FIELDS = ("pay_date", "period_start", "period_end")


@dataclass(slots=True)
class _Account:
    code: str
    department: str
    net: Decimal = ZERO
    descriptions: set[str] = field(default_factory=set)
    rows: int = 0


@dataclass(slots=True)
class _Run:
    run_id: str
    first_line: int
    last_line: int = 0
    dates: dict[str, tuple[date, int]] = field(default_factory=dict)
    accounts: dict[str, _Account] = field(default_factory=dict)
    rows: int = 0


def read_gl_csv(
    content: bytes,
    profile: GLProfile,
    *,
    currency: str,
    run_id: str = "",
    pay_date: date | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    split_by_department: bool = False,
    journal: str = JOURNAL_KEY,
) -> list[PayRun]:
    """The runs of the file in the order they first appear. `run_id`, `pay_date` and the
    period are the upload's, for a profile without those columns."""
    if currency not in ACTIVE_CURRENCIES:
        raise FileRefused("", f"the currency {currency!r} is not an active ISO 4217 code")
    if not profile.run_id and not run_id.strip():
        raise FileRefused("", f"profile {profile.name} has no run id column: the upload must name the run")
    if not profile.pay_date and pay_date is None:
        raise FileRefused("", f"profile {profile.name} has no pay date column: the upload must give the pay date")
    dialect = profile.dialect()
    rows = list(_rows(content, profile, dialect))
    if len(rows) < 2:
        raise FileRefused("", "has no lines after its header")
    header_line, header, _ = rows[0]
    index = _header(header, profile, header_line)
    upload = {"pay_date": pay_date, "period_start": period_start, "period_end": period_end}
    runs: dict[str, _Run] = {}
    for line, cells, _ in rows[1:]:
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            raise FileRefused(f"line {line}", f"has {len(cells)} fields, the header {len(header)}")
        cell = _Cells(cells, index, profile, dialect, line)
        debit, credit = cell.amount("debit", currency), cell.amount("credit", currency)
        account = cell.text("account", limit=MAX_CODE)
        if not account:
            if debit or credit:
                raise FileRefused(cell.where("account"), "is required")
            continue  # a blank or subtotal row: no account, no amount
        if debit and credit:
            raise FileRefused(
                f"line {line}, columns {profile.debit} and {profile.credit}", "a line has a debit or a credit, not both"
            )
        key = cell.text("run_id", limit=MAX_ID) if profile.run_id else run_id.strip()
        if not key:
            raise FileRefused(cell.where("run_id"), "is required")
        run = runs.setdefault(key, _Run(key, first_line=line))
        run.last_line, run.rows = line, run.rows + 1
        for name in RUN_FIELDS:
            if name in index:
                _agree(run, name, cell, required=name == "pay_date")
        department = cell.text("department", limit=MAX_CODE) if split_by_department else ""
        try:
            code = split_code(account, department)
        except ValueError as err:
            raise FileRefused(cell.where("department"), str(err)) from None
        entry = run.accounts.setdefault(code, _Account(code, department))
        entry.net += debit - credit
        entry.rows += 1
        entry.descriptions.add(cell.text("description", limit=MAX_TEXT))
    if not runs:
        raise FileRefused("", "has no lines with an account after its header")
    return [_pay_run(run, profile, currency, upload, journal) for run in runs.values()]


def _rows(content: bytes, profile: GLProfile, dialect: Dialect) -> Iterator[Row]:
    """The file's non-empty rows after the skipped lines and before the footer rows."""
    try:
        yield from table_rows(io.BytesIO(content), dialect, label=f"profile {profile.name}")
    except TableRefused as err:
        raise FileRefused(err.where, err.message) from None


def _header(header: list[str], profile: GLProfile, line: int) -> dict[str, int]:
    names = [name.strip().casefold() for name in header]
    index: dict[str, int] = {}
    for name, column in profile.columns().items():
        wanted = column.strip().casefold()
        if wanted not in names:
            shown = ", ".join(name.strip() for name in header)
            raise FileRefused(f"line {line}", f"has no column {column!r} (profile {profile.name}); it has: {shown}")
        index[name] = names.index(wanted)
    return index


class _Cells:
    """One row's cells by field, and where each is (`line 7, column debit`)."""

    def __init__(
        self, cells: list[str], index: dict[str, int], profile: GLProfile, dialect: Dialect, line: int
    ) -> None:
        self.cells, self.index, self.profile, self.dialect, self.line = cells, index, profile, dialect, line

    def where(self, name: str) -> str:
        return f"line {self.line}, column {self.profile.columns().get(name, name)}"

    def raw(self, name: str) -> str:
        position = self.index.get(name)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position]

    def text(self, name: str, *, limit: int) -> str:
        value = self.raw(name).strip()
        problem = storable_problem(value)
        if problem is not None:
            raise FileRefused(self.where(name), problem)
        if len(value) > limit:
            raise FileRefused(self.where(name), f"is longer than {limit} characters")
        return value

    def amount(self, name: str, currency: str) -> Decimal:
        try:
            value = self.dialect.amount(self.raw(name))
        except ValueError as err:
            raise FileRefused(self.where(name), str(err)) from None
        if value < 0:
            raise FileRefused(self.where(name), f"{value} must not be negative: the other column takes it")
        if value != value.quantize(currency_quantum(currency)):
            raise FileRefused(
                self.where(name), f"{currency} has {minor_unit_words(currency)}: {value} is not an amount in it"
            )
        return value

    def day(self, name: str) -> date | None:
        value = self.raw(name).strip()
        if not value:
            return None
        try:
            parsed = self.dialect.day(value)
        except ValueError as err:
            raise FileRefused(self.where(name), str(err)) from None
        return in_range(parsed, self.where(name))


def _agree(run: _Run, name: str, cell: _Cells, *, required: bool) -> None:
    """A run's date from a column: every row of the run that gives it gives the same."""
    value = cell.day(name)
    if value is None:
        if required:
            raise FileRefused(cell.where(name), "is required")
        return
    first = run.dates.setdefault(name, (value, cell.line))
    if first[0] != value:
        raise FileRefused(cell.where(name), f"{value} is not the run's {first[0]} (line {first[1]})")


def _pay_run(run: _Run, profile: GLProfile, currency: str, upload: dict[str, date | None], journal: str) -> PayRun:
    where = f"line {run.first_line}" if run.first_line == run.last_line else f"lines {run.first_line}-{run.last_line}"
    dates = {name: run.dates[name][0] if name in run.dates else upload[name] for name in RUN_FIELDS}
    pay_date, start, end = dates["pay_date"], dates["period_start"], dates["period_end"]
    assert pay_date is not None
    if start and end and end < start:
        raise FileRefused(where, f"the period ends {end}, before it starts {start}")
    lines = []
    for account in run.accounts.values():
        if not account.net:
            continue
        described = sorted(account.descriptions - {""})
        description = described[0] if len(described) == 1 else f"{account.rows} rows of {account.code}"
        if account.net > 0:
            lines.append(PayLine(account.code, description, debit=account.net, department=account.department))
        else:
            lines.append(PayLine(account.code, description, credit=-account.net, department=account.department))
    if len(lines) > MAX_LINES:
        raise FileRefused(
            where,
            f"run {run.run_id} has {len(lines)} accounts, more than the {MAX_LINES} lines a journal entry may have",
        )
    return PayRun(
        source="gl_csv",
        kind="pay_run",
        run_id=run.run_id,
        pay_date=pay_date,
        currency=currency,
        lines=tuple(lines),
        period_start=start,
        period_end=end,
        reference=f"Payroll run {run.run_id} (GL export, {run.rows} rows)",
        where=where,
        journal=journal,
    )
