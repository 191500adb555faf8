"""What a statement file or a payroll file itself says a day holds, for reconciliation to take
as the source's figures: plain values, read from the files kept here.

A bank statement vouches for its entries with its balances: its count is its booked entries
and its sum the move from opening to closing balance (the entries' own sum when it gives no
balances). It speaks for one UTC day only when every entry of it was booked that day (its
events occur on their booking date); a statement over several days says nothing of each.
A pay run's total (its journal entry's debits) is what its payroll system says it paid on its
pay date; a run found in several files counts once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from console.sources.file_models import BankStatement
from console.sources.payroll_models import PayrollRun


@dataclass
class FileTotal:
    origin: str  # "bank_statement" or "payroll_run"
    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def add(self, count: int, amount: Decimal, currency: str, file: str) -> None:
        self.count += count
        self.amounts[currency] = self.amounts.get(currency, Decimal(0)) + amount
        if file not in self.files:
            self.files.append(file)


def statement_totals_of_day(*, entity_id: int, source_id: int, day: dt.date) -> FileTotal | None:
    statements = (
        BankStatement.objects.filter(
            entity_id=entity_id, source_id=source_id, first_booking=day, last_booking=day, file__repeat_of__isnull=True
        )
        .select_related("file")
        .order_by("pk")
    )
    found, seen = FileTotal("bank_statement"), set()
    for statement in statements:
        identity = (statement.account, statement.statement_id, statement.sequence)
        if (statement.statement_id or statement.sequence) and identity in seen:
            continue  # the same statement in a second file
        seen.add(identity)
        moved = statement.total
        if statement.opening is not None and statement.closing is not None:
            moved = statement.closing - statement.opening
        found.add(statement.entry_count, moved, statement.currency, statement.file.name)
    return found if found.files else None


def payrun_totals_of_day(*, entity_id: int, source_id: int, day: dt.date) -> FileTotal | None:
    runs = (
        # Unusable runs too: the payroll system paid them, whether or not they could post.
        PayrollRun.objects.filter(entity_id=entity_id, source_id=source_id, pay_date=day)
        .select_related("file")
        .order_by("pk")
    )
    found, seen = FileTotal("payroll_run"), set()
    for run in runs:
        if run.external_id in seen:
            continue
        seen.add(run.external_id)
        found.add(1, run.total, run.currency, run.file.name)
    return found if found.files else None
