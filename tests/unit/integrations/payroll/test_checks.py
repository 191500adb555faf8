"""The controls on a pay run, each naming its difference in money (left figure minus right)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from integrations.payroll.checks import checks, money
from integrations.payroll.run import PayLine, PayRun, RunTotals

D = Decimal


def run(*lines: PayLine, totals: RunTotals | None = None, currency: str = "USD", kind: str = "pay_run") -> PayRun:
    return PayRun(
        source="gusto",
        kind=kind,  # type: ignore[arg-type]
        run_id="r-1",
        pay_date=date(2026, 1, 15),
        currency=currency,
        lines=lines,
        totals=totals or RunTotals(),
    )


BALANCED = (
    PayLine("payroll.gross_wages", "gross", debit=D("100.00")),
    PayLine("payroll.net_pay", "net", credit=D("100.00")),
)


def test_money_is_shown_with_thousands_and_the_currencys_decimals() -> None:
    assert money(D("15370.81"), "USD") == "15,370.81 USD"
    assert money(D("-156.21"), "USD") == "-156.21 USD"
    assert money(D("300000.00"), "JPY") == "300,000 JPY"
    assert money(D("1.50"), "KWD") == "1.50 KWD"  # amounts keep two decimals, KWD's third is never used


def test_a_run_that_agrees_with_itself_has_no_problem() -> None:
    totals = RunTotals(
        gross_pay=D("100.00"), net_pay=D("80.00"), employee_taxes=D("20.00"), employee_benefits_deductions=D("0.00")
    )
    assert checks(run(*BALANCED, totals=totals)) == []


def test_gross_to_net_counts_other_deductions_child_support_and_cash_tips() -> None:
    totals = RunTotals(
        gross_pay=D("1000.00"),
        net_pay=D("700.00"),
        employee_taxes=D("200.00"),
        employee_benefits_deductions=D("50.00"),
        other_deductions=D("20.00"),
        child_support_debit=D("20.00"),
        employee_cash_tips=D("5.00"),
    )

    (problem,) = checks(run(*BALANCED, totals=totals))

    assert (problem.control, problem.difference, problem.currency) == ("gross_to_net", D("-5.00"), "USD")
    assert problem.message == (
        "net pay + employee taxes + employee deductions (995.00 USD) != gross pay 1,000.00 USD: difference -5.00 USD"
    )


def test_a_control_whose_figures_the_file_does_not_give_is_not_run() -> None:
    # Gross pay without net pay, a company debit without its parts: nothing to compare.
    totals = RunTotals(gross_pay=D("100.00"), company_debit=D("999.00"), tax_debit=D("5.00"))
    assert checks(run(*BALANCED, totals=totals)) == []


def test_the_company_debit_control_adds_child_support_debited() -> None:
    totals = RunTotals(
        company_debit=D("1000.00"),
        net_pay_debit=D("700.00"),
        tax_debit=D("250.00"),
        reimbursement_debit=D("10.00"),
        child_support_debit=D("30.00"),
    )

    (problem,) = checks(run(*BALANCED, totals=totals))

    assert problem.message == (
        "company debit 1,000.00 USD != net pay + taxes + reimbursements + child support debited (990.00 USD): "
        "difference 10.00 USD"
    )


def test_a_funding_is_checked_by_its_balance_not_twice() -> None:
    totals = RunTotals(
        company_debit=D("101.00"), net_pay_debit=D("100.00"), tax_debit=D("0.00"), reimbursement_debit=D("0.00")
    )
    funding = run(
        PayLine("payroll.net_pay", "net pay debited", debit=D("100.00")),
        PayLine("payroll.company_debit", "company debit", credit=D("101.00")),
        totals=totals,
        kind="funding",
    )

    assert [problem.message for problem in checks(funding)] == [
        "debits 100.00 USD != credits 101.00 USD: difference -1.00 USD"
    ]


def test_taxes_listed_per_agency_must_add_up_to_the_tax_debit() -> None:
    totals = RunTotals(tax_debit=D("100.00"), taxes_listed=D("99.99"))

    (problem,) = checks(run(*BALANCED, totals=totals))

    assert problem.message == "taxes listed per agency 99.99 USD != tax debit 100.00 USD: difference -0.01 USD"


def test_a_run_that_books_nothing_says_so() -> None:
    problems = checks(run())

    assert [(problem.control, problem.message, problem.difference) for problem in problems] == [
        ("empty", "the run books nothing: every figure is 0.00 USD", D("0.00"))
    ]
