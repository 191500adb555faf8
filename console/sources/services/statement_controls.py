"""The controls finance checks on every statement before any of its lines reaches Odoo.

- It balances: opening + the sum of its entries = closing (when the file gives both).
- It follows the account's statement before it: the next sequence number, and opening at
  the balance that one closed at.

A statement that fails one holds its lines (sync's PostingHold on its correlation), with the
difference in words: "statement 2026-11-14 of account ...1234 does not balance: difference
-434.16 EUR". The hold lifts by itself when the file that completes it is imported (the
missing statement before it, or a complete copy of the same statement), or when a person
releases it with a reason (posting_hold_release: a controller when the difference is material).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from console.audit.actors import Actor
from console.sources.file_models import BankStatement
from console.sync.services.posting_holds import posting_hold_place, posting_hold_release

UNBALANCED = "statement_unbalanced"
GAP = "statement_sequence_gap"
DISCONTINUOUS = "statement_discontinuous"
ZERO = Decimal("0")


@dataclass(frozen=True)
class Problem:
    reason_code: str
    message: str
    difference: Decimal


def statement_name(account: str, sequence: str, statement_id: str) -> str:
    number = sequence or statement_id
    tail = f"account ...{account[-4:]}"
    return f"#{number} of {tail}" if number else tail


def _described(row: BankStatement) -> str:
    day = row.closing_date or row.last_booking or row.opening_date
    when = f" {day:%Y-%m-%d}" if day else ""
    number = f" #{row.sequence}" if row.sequence else ""
    return f"statement{when}{number} of account ...{row.account[-4:]}"


def _number(sequence: str) -> int | None:
    head = sequence.split("/")[0].strip()
    return int(head) if head.isdigit() else None


def _same_statement(row: BankStatement) -> Q:
    return Q(statement_id=row.statement_id, sequence=row.sequence, closing_date=row.closing_date)


def previous_statement(row: BankStatement) -> BankStatement | None:
    """The account's statement that closed last on or before this one opened (another copy of
    this very statement excluded)."""
    opened = row.opening_date or row.first_booking
    if opened is None:
        return None
    return (
        BankStatement.objects.filter(
            source_id=row.source_id, account=row.account, closing_date__isnull=False, closing_date__lte=opened
        )
        .exclude(pk=row.pk)
        .exclude(_same_statement(row))
        .order_by("-closing_date", "-pk")
        .first()
    )


def statement_problems(row: BankStatement) -> list[Problem]:
    problems = []
    money = f"{{:,.2f}} {row.currency}"
    if row.difference:
        problems.append(
            Problem(
                UNBALANCED,
                f"{_described(row)} does not balance: difference {money.format(row.difference)}",
                row.difference,
            )
        )
    before = previous_statement(row)
    if before is not None:
        this, last = _number(row.sequence), _number(before.sequence)
        if this is not None and last is not None and this > last + 1:
            missing = f"#{last + 1}" if this == last + 2 else f"#{last + 1} to #{this - 1}"
            problems.append(Problem(GAP, f"{_described(row)} follows {_described(before)}: {missing} missing", ZERO))
        if row.opening is not None and before.closing is not None and row.opening != before.closing:
            gap = row.opening - before.closing
            problems.append(
                Problem(
                    DISCONTINUOUS,
                    f"{_described(row)} opens at {money.format(row.opening)} but {_described(before)} closed at "
                    f"{money.format(before.closing)}: difference {money.format(gap)}",
                    gap,
                )
            )
    return problems


def statement_judge(row: BankStatement, *, actor: Actor) -> list[Problem]:
    """Check a statement just imported, hold its new lines if a control fails, and lift the
    holds this statement was the missing piece of."""
    problems = statement_problems(row)
    row.problems = [p.message for p in problems]
    if problems and row.new_count:
        first = problems[0]
        row.hold = posting_hold_place(
            source=row.source,
            correlation_id=row.correlation_id,
            entity=row.entity,
            reason_code=first.reason_code,
            message="; ".join(row.problems),
            difference=max((p.difference for p in problems), key=abs),
            currency=row.currency,
            actor=actor,
        )
    row.save(update_fields=["problems", "hold"])
    _lift_holds_completed_by(row, actor=actor)
    return problems


def _held(row: BankStatement) -> list[BankStatement]:
    return list(
        BankStatement.objects.filter(
            source_id=row.source_id, account=row.account, hold__isnull=False, hold__released_at__isnull=True
        )
        .exclude(pk=row.pk)
        .select_related("hold", "file")
    )


def _lift_holds_completed_by(row: BankStatement, *, actor: Actor) -> None:
    where = f"file {row.file.name} ({row.file.sha256[:12]})"
    for held in _held(row):
        assert held.hold is not None
        if held.hold.reason_code == UNBALANCED:
            complete_copy = (
                not row.difference
                and row.difference is not None
                and (
                    (held.statement_id, held.sequence, held.closing_date)
                    == (row.statement_id, row.sequence, row.closing_date)
                )
            )
            if complete_copy:
                posting_hold_release(
                    hold_id=held.hold.pk, user=None, actor=actor, reason=f"a complete copy of it arrived in {where}"
                )
            continue
        if not statement_problems(held):
            posting_hold_release(
                hold_id=held.hold.pk, user=None, actor=actor, reason=f"the statement before it arrived in {where}"
            )
