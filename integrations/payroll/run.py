"""A pay run as the readers give it, and the canonical journal entry it posts as.

Every reader (`gusto.py`, `gl_csv.py`) returns `PayRun`s: the run's own figures as the file
gives them (`totals`), and the journal lines built from them. A run whose figures do not
agree is returned as it is, never adjusted: its lines then do not balance, `checks.checks`
names the difference, and the console holds the run as a case instead of posting it.

The external id of a run (its idempotency key) is `payroll-run:<run id>` whatever the file's
shape: Gusto's payroll object and its list of processed payrolls name the same run by the
same `payroll_uuid`, so uploading both posts it once; a GL export's run id comes from its
run id column or the upload. A Gusto payroll receipt is another document, the funding of
the run (what the provider took from the company's bank account): `payroll-funding:<run id>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from integrations.webhooks import Draft

Kind = Literal["pay_run", "funding"]
JOURNAL_KEY = "payroll"
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class RunTotals:
    """The run's own figures, named as Gusto names them; None where the file gives none (a GL
    export gives none: its lines are all it says). `employer_benefits` is Gusto's `benefits`
    ("the total amount of company contributed benefits"); `taxes_listed` is the sum of a
    receipt's `taxes` (the amount paid to each agency)."""

    gross_pay: Decimal | None = None
    net_pay: Decimal | None = None
    employee_taxes: Decimal | None = None
    employer_taxes: Decimal | None = None
    employer_benefits: Decimal | None = None
    employee_benefits_deductions: Decimal | None = None
    other_deductions: Decimal | None = None
    reimbursements: Decimal | None = None
    employee_cash_tips: Decimal | None = None
    company_debit: Decimal | None = None
    net_pay_debit: Decimal | None = None
    tax_debit: Decimal | None = None
    reimbursement_debit: Decimal | None = None
    child_support_debit: Decimal | None = None
    taxes_listed: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PayLine:
    """One journal line: a payroll category (categories.py) or, from a GL export, the
    source's GL code; `@<department>` already in `account_code` when split."""

    account_code: str
    description: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    department: str = ""


@dataclass(frozen=True, slots=True)
class PayRun:
    source: Literal["gusto", "gl_csv"]
    kind: Kind
    run_id: str
    pay_date: date  # the check date of a pay run, the debit date of a funding
    currency: str
    lines: tuple[PayLine, ...]
    totals: RunTotals = field(default_factory=RunTotals)
    period_start: date | None = None
    period_end: date | None = None
    reference: str = ""  # the journal entry's reference: what a person reads in Odoo
    where: str = ""  # where in the file the run is (`payrolls[2]`, `lines 2-41`)
    journal: str = JOURNAL_KEY
    external: bool = False  # Gusto's `external`: a payroll run outside Gusto, entered for its tax filings

    @property
    def external_id(self) -> str:
        return external_id(self.kind, self.run_id)

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)


def external_id(kind: Kind, run_id: str) -> str:
    return f"payroll-{'run' if kind == 'pay_run' else 'funding'}:{run_id}"


def journal_data(run: PayRun) -> dict[str, Any]:
    """The canonical `journal_entry` data of the run (README, Ingestion API). A run whose
    lines do not balance gives data the canonical reader refuses: hold it on `checks`."""
    return {
        "currency": run.currency,
        "date": run.pay_date.isoformat(),
        "reference": run.reference,
        "journal": run.journal,
        "lines": [
            {
                "account_code": line.account_code,
                "description": line.description,
                "debit": f"{line.debit:.2f}",
                "credit": f"{line.credit:.2f}",
                "partner": None,
            }
            for line in run.lines
        ],
    }


def draft(run: PayRun) -> Draft:
    """The run as the canonical event the console records; it occurs on its pay date."""
    return Draft(
        kind="journal_entry",
        external_id=run.external_id,
        occurred_at=datetime.combine(run.pay_date, time(), tzinfo=UTC),
        data=journal_data(run),
    )


def run_total(run: PayRun) -> Decimal:
    """The figure the console compares with the trailing average of the run's last six:
    the entry's total debit. For a pay run that is what the run costs the company, gross pay +
    employer taxes + employer benefits + reimbursements (from a GL export, whatever its
    debit lines add up to); for a funding, what the provider debited for net pay, taxes,
    reimbursements and child support. Compare runs of one kind and source only."""
    return run.total_debit
