"""The controls finance checks on every pay run before it posts.

Each `Problem` names the difference in money, always the left figure minus the right:
- `balanced`: the entry's debits = its credits (every run; for a receipt's funding this is
  company debit = net pay + taxes + reimbursements + child support);
- `gross_to_net`: net pay + employee taxes + employee deductions (benefit deductions, other
  deductions, child support) + cash tips = gross pay, where the file gives the figures.
  Cash tips are in Gusto's gross pay but never in its net pay ("net pay = gross pay -
  employee taxes - employee deductions or garnishments - cash tips");
- `company_debit`: company debit = net pay debit + tax debit (employee + employer taxes) +
  reimbursement debit + child support debit, where the file gives the company debit;
- `tax_debit`: tax debit = employee taxes + employer taxes, where the file gives both;
- `taxes_listed`: the receipt's taxes paid to each agency add up to its tax debit;
- `empty`: a run whose every figure is zero books nothing (a journal entry needs two lines);
- `external`: Gusto's external payroll, run outside Gusto and entered for its tax filings: its
  own provider's run may be booked already, so a person decides (the run's total at stake).

A run that fails one is still returned by its reader, as the file says it: the console holds
it as a case naming the difference, and never fixes the figures itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from integrations.canonical import currency_quantum
from integrations.payroll.run import ZERO, PayRun


@dataclass(frozen=True, slots=True)
class Problem:
    control: str
    message: str
    difference: Decimal
    currency: str


def money(amount: Decimal, currency: str) -> str:
    """15370.81 USD as "15,370.81 USD"; a currency without minor unit without decimals."""
    exponent = currency_quantum(currency).as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{amount:,.{places}f} {currency}"


def _figure(label: str, amount: Decimal, currency: str) -> str:
    # A sum's figure in parentheses, so the reader sees which words it adds up.
    shown = money(amount, currency)
    return f"{label} ({shown})" if " + " in label else f"{label} {shown}"


def checks(run: PayRun) -> list[Problem]:
    """Every control the run fails, in the order above; [] when it agrees with itself."""
    problems: list[Problem] = []
    currency = run.currency
    totals = run.totals

    def compare(control: str, left_label: str, left: Decimal, right_label: str, right: Decimal) -> None:
        if left != right:
            difference = left - right
            problems.append(
                Problem(
                    control,
                    f"{_figure(left_label, left, currency)} != {_figure(right_label, right, currency)}: "
                    f"difference {money(difference, currency)}",
                    difference,
                    currency,
                )
            )

    if not run.lines:
        problems.append(
            Problem("empty", f"the run books nothing: every figure is {money(ZERO, currency)}", ZERO, currency)
        )
    compare("balanced", "debits", run.total_debit, "credits", run.total_credit)

    gross_parts = (totals.net_pay, totals.employee_taxes, totals.employee_benefits_deductions)
    if totals.gross_pay is not None and _known(gross_parts):
        left = _sum((*gross_parts, totals.other_deductions, totals.child_support_debit, totals.employee_cash_tips))
        compare(
            "gross_to_net",
            "net pay + employee taxes + employee deductions",
            left,
            "gross pay",
            totals.gross_pay,
        )

    debit_parts = (totals.net_pay_debit, totals.tax_debit, totals.reimbursement_debit)
    if run.kind == "pay_run" and totals.company_debit is not None and _known(debit_parts):
        parts = (*debit_parts, totals.child_support_debit)
        compare(
            "company_debit",
            "company debit",
            totals.company_debit,
            "net pay + taxes + reimbursements + child support debited",
            _sum(parts),
        )

    if totals.tax_debit is not None and _known((totals.employee_taxes, totals.employer_taxes)):
        compare(
            "tax_debit",
            "tax debit",
            totals.tax_debit,
            "employee taxes + employer taxes",
            _sum((totals.employee_taxes, totals.employer_taxes)),
        )

    if totals.taxes_listed is not None and totals.tax_debit is not None:
        compare("taxes_listed", "taxes listed per agency", totals.taxes_listed, "tax debit", totals.tax_debit)

    if run.external:
        at_stake = run.total_debit
        problems.append(
            Problem(
                "external",
                f"payroll {run.run_id} is external (run outside Gusto, entered for its tax filings): "
                f"its {money(at_stake, currency)} may be booked already from the provider that ran it",
                at_stake,
                currency,
            )
        )
    return problems


def _known(values: Iterable[Decimal | None]) -> bool:
    return all(value is not None for value in values)


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((value for value in values if value is not None), ZERO)
