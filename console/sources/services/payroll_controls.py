"""The controls finance checks on every pay run before it reaches Odoo.

- It agrees with itself (integrations.payroll.checks): debits = credits, net pay + taxes +
  deductions = gross pay, the company debit and tax debit add up, the taxes listed per
  agency add up, and it is not an external payroll that may be booked already. A run that
  fails one and still makes a balanced entry is recorded and held (sync's PostingHold on its
  correlation) with each difference in words: "pay run 2024-05-31 (f9e8...) does not agree:
  company debit 30,000.00 USD != net pay + ... (30,741.58 USD): difference -741.58 USD". A
  person releases it with a reason (posting_hold_release: a controller when it is material).
  A run whose lines do not balance is no journal entry at all (the canonical reader and Odoo
  refuse it): it is not recorded as an event, its file's page names the difference, and the
  corrected file posts it (its key is still free).
- Its total is near its past: run_total against the average of the last TRAILING_RUNS runs of
  the same entity, source, kind and currency with a pay date up to its own (the runs each
  first imported; a run seen again is not counted twice). Further than
  PAYROLL_DEVIATION_SHARE from it opens a case for a second look that holds nothing. With
  fewer than TRAILING_RUNS earlier runs nothing is flagged: an average of two or three runs
  flags every bonus run, and a source's first runs have nothing to be compared with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings

from console.audit.actors import Actor
from console.sources.payroll_models import PayrollRun, RunStatus
from console.sync.models import LegalEntity, PostingHold, SourceSystem
from console.sync.services.posting_holds import posting_hold_place
from integrations.canonical import CENT, PayloadError, parse_document
from integrations.payroll.checks import Problem, checks, money
from integrations.payroll.run import PayRun, journal_data, run_total

DISAGREES = "payrun_disagrees"
UNUSUAL = "payrun_unusual_total"
TRAILING_RUNS = 6


@dataclass(frozen=True)
class Past:
    """An earlier run, as the trailing average needs it."""

    kind: str
    currency: str
    pay_date: date
    total: Decimal


def run_label(run: PayRun) -> str:
    what = "pay run" if run.kind == "pay_run" else "funding"
    return f"{what} {run.pay_date:%Y-%m-%d} ({run.run_id})"


def run_problems(run: PayRun) -> list[Problem]:
    return checks(run)


def unusable_reason(run: PayRun, entity: LegalEntity) -> str:
    """Why the run cannot be recorded as a journal entry event at all ("" when it can)."""
    if run.currency != entity.currency:
        return (
            f"{run_label(run)} is in {run.currency}, entity {entity.code} books in {entity.currency}: "
            "foreign currency is not supported yet"
        )
    try:
        parse_document("journal_entry", journal_data(run))
    except PayloadError as err:
        return f"{run_label(run)} cannot post as it is ({err}): import the corrected file"
    return ""


def disagreement(run: PayRun, problems: Sequence[Problem]) -> str:
    return f"{run_label(run)} does not agree: " + "; ".join(p.message for p in problems)


def history(source: SourceSystem, entity: LegalEntity) -> list[Past]:
    """The entity's runs from this source each counted once (the import that created its event),
    in pay date order. A payroll runs weekly at most: years of them are a few thousand rows."""
    rows = (
        PayrollRun.objects.filter(source=source, entity=entity, status__in=(RunStatus.NEW, RunStatus.HELD))
        .order_by("pay_date", "pk")
        .values_list("kind", "currency", "pay_date", "total")
    )
    return [Past(kind, currency, day, total) for kind, currency, day, total in rows]


def trailing(past: Sequence[Past], run: PayRun) -> tuple[int, Decimal | None]:
    """How many earlier runs the average is of, and the average (None with fewer than TRAILING_RUNS)."""
    earlier = [p for p in past if p.kind == run.kind and p.currency == run.currency and p.pay_date <= run.pay_date]
    # `past` is in pay date order with this file's earlier runs appended: sort again, stably.
    last = sorted(earlier, key=lambda p: p.pay_date)[-TRAILING_RUNS:]
    if len(last) < TRAILING_RUNS:
        return len(last), None
    return len(last), (sum((p.total for p in last), Decimal("0")) / len(last)).quantize(CENT)


def deviation(run: PayRun, count: int, average: Decimal | None) -> str:
    """The second look the run asks for, in words; "" when it is near its average."""
    if average is None or average <= 0:
        return ""
    share: Decimal = settings.PAYROLL_DEVIATION_SHARE
    total = run_total(run)
    off = (total - average) / average
    if abs(off) <= share:
        return ""
    side = "above" if off > 0 else "below"
    allowed = (share * 100).quantize(Decimal("0.1")).normalize()
    return (
        f"{run_label(run)} totals {money(total, run.currency)}, {abs(off) * 100:.1f}% {side} the average of its "
        f"last {count} runs ({money(average, run.currency)}): more than the {allowed:f}% that asks for a "
        "second look"
    )


def payrun_hold(row: PayrollRun, run: PayRun, problems: Sequence[Problem], flag: str, *, actor: Actor) -> PostingHold:
    """Hold the run's event; the message names each difference (and the deviation, if any)."""
    message = disagreement(run, problems)
    if flag:
        message += f"; {flag}"
    return posting_hold_place(
        source=row.source,
        correlation_id=row.correlation_id,
        entity=row.entity,
        reason_code=DISAGREES,
        message=message,
        difference=max((p.difference for p in problems), key=abs),
        currency=run.currency,
        actor=actor,
    )
