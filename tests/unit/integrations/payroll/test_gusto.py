"""Every Gusto sample (../shared/vectors/payroll): what each becomes, and which agree with themselves.

SOURCE.txt says it: these are UI mocks. The processed payrolls and the receipt agree with
themselves; the single payroll does not (its net pay is not gross pay less employee taxes, and
its company debit is not what its debits add up to), and is returned as it is, with the
controls naming each difference.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from integrations.canonical import JournalEntry, PayloadError, parse_document
from integrations.payroll.checks import checks
from integrations.payroll.errors import FileRefused
from integrations.payroll.gusto import read_gusto
from integrations.payroll.run import journal_data, run_total
from tests.unit.integrations.payroll.payroll_files import (
    HISTORY,
    PAYROLL,
    PREPARE,
    PROCESSED,
    RECEIPT,
    VECTORS,
    edited,
    vector,
)


def test_the_vectors_are_where_the_tests_look() -> None:
    assert (VECTORS / "SOURCE.txt").is_file()
    assert sorted(path.name for path in VECTORS.glob("*.json")) == sorted(
        [PAYROLL, PROCESSED, RECEIPT, HISTORY, PREPARE]
    )


def test_the_processed_payrolls_are_three_runs_that_each_balance_and_post_as_journal_entries() -> None:
    runs = read_gusto(vector(PROCESSED))

    assert [(run.run_id, run.pay_date, run.period_start, run.period_end) for run in runs] == [
        ("f9e8e415-e51d-49e7-90a9-056286cae39c", date(2024, 5, 31), date(2024, 5, 10), date(2024, 5, 23)),
        ("cff662d5-7aee-45b4-a13d-e66187c8d16c", date(2024, 6, 14), date(2024, 5, 24), date(2024, 6, 6)),
        ("92bd09cd-f62f-453d-a7d0-bb0fbc68f578", date(2024, 6, 28), date(2024, 6, 7), date(2024, 6, 20)),
    ]
    assert [run.where for run in runs] == ["payrolls[0]", "payrolls[1]", "payrolls[2]"]
    for run in runs:
        assert checks(run) == []
        entry = parse_document("journal_entry", journal_data(run))
        assert isinstance(entry, JournalEntry)
        assert entry.currency == "USD" and entry.date == run.pay_date and entry.journal_key == "payroll"
        # Gusto debited what the entry books: company_debit = gross pay + employer taxes here.
        assert run_total(run) == run.totals.company_debit


def test_a_processed_payroll_books_gross_and_employer_taxes_against_net_pay_and_both_taxes() -> None:
    first = read_gusto(vector(PROCESSED))[0]

    assert [(line.account_code, line.debit, line.credit) for line in first.lines] == [
        ("payroll.gross_wages", Decimal("27509.23"), 0),
        ("payroll.employer_taxes", Decimal("3232.35"), 0),
        ("payroll.net_pay", 0, Decimal("20832.92")),
        ("payroll.tax_liabilities", 0, Decimal("6676.31")),
        ("payroll.tax_liabilities", 0, Decimal("3232.35")),
    ]
    assert first.lines[3].description == "employee taxes (employee_taxes)"
    assert first.reference == "Gusto payroll f9e8e415-e51d-49e7-90a9-056286cae39c, pay period 2024-05-10 to 2024-05-23"
    assert first.totals.tax_debit == Decimal("9908.66") and first.totals.gross_pay == Decimal("27509.23")


def test_the_payroll_mock_is_returned_as_it_is_and_each_control_names_its_difference() -> None:
    (run,) = read_gusto(vector(PAYROLL))

    assert run.run_id == "94d22398-4eaa-4df3-83a4-1c0caab074b7" and run.where == "payroll"
    assert run.totals.gross_pay == Decimal("7148.31") and run.totals.net_pay == Decimal("5592.37")
    problems = {problem.control: problem for problem in checks(run)}
    assert sorted(problems) == ["balanced", "company_debit", "gross_to_net"]
    assert problems["balanced"].message == "debits 10,480.66 USD != credits 15,527.02 USD: difference -5,046.36 USD"
    assert problems["gross_to_net"].message == (
        "net pay + employee taxes + employee deductions (12,194.67 USD) != gross pay 7,148.31 USD: "
        "difference 5,046.36 USD"
    )
    # SOURCE.txt: company_debit 30741.58 != net_pay_debit + tax_debit + reimbursement_debit 15527.02.
    assert problems["company_debit"].message == (
        "company debit 30,741.58 USD != net pay + taxes + reimbursements + child support debited (15,527.02 USD): "
        "difference 15,214.56 USD"
    )
    assert problems["company_debit"].difference == Decimal("15214.56")
    # Its tax debit does agree: 6602.30 + 3232.35 = 9834.65.
    assert "tax_debit" not in problems
    # Nothing was fixed: the entry is what the file says, which the canonical reader refuses.
    with pytest.raises(PayloadError, match=re.escape("are not balanced: debit 10480.66 != credit 15527.02")):
        parse_document("journal_entry", journal_data(run))


def test_the_payroll_mocks_reimbursement_is_an_expense_paid_back_with_net_pay() -> None:
    (run,) = read_gusto(vector(PAYROLL))

    reimbursement = [line for line in run.lines if "reimbursement" in line.account_code]
    assert [(line.account_code, line.debit, line.credit) for line in reimbursement] == [
        ("payroll.reimbursements", Decimal("100.00"), 0),
        ("payroll.reimbursements_payable", 0, Decimal("100.00")),
    ]
    # Its zero figures (benefits, deductions, child support, cash tips) make no lines.
    assert {line.account_code for line in run.lines}.isdisjoint({"payroll.deductions_payable", "payroll.cash_tips"})


def test_the_receipt_is_the_runs_funding_and_balances() -> None:
    (funding,) = read_gusto(vector(RECEIPT))

    assert (funding.kind, funding.run_id, funding.external_id) == ("funding", "payroll-1", "payroll-funding:payroll-1")
    # "debit_date": "Dec 8, 2024", as the fixture writes it.
    assert funding.pay_date == date(2024, 12, 8) and funding.where == "payroll_receipt"
    assert [(line.account_code, line.debit, line.credit) for line in funding.lines] == [
        ("payroll.net_pay", Decimal("10453.44"), 0),
        ("payroll.tax_liabilities", Decimal("4917.37"), 0),
        ("payroll.company_debit", 0, Decimal("15370.81")),
    ]
    # Its taxes per agency (2000.00 + 1500.00 + 500.00 + 917.37) add up to its tax debit.
    assert funding.totals.taxes_listed == Decimal("4917.37")
    assert checks(funding) == []
    assert run_total(funding) == Decimal("15370.81")
    assert isinstance(parse_document("journal_entry", journal_data(funding)), JournalEntry)


def test_a_receipt_whose_company_debit_is_not_its_parts_names_the_difference() -> None:
    def change(value: dict[str, dict[str, dict[str, str]]]) -> None:
        value["payroll_receipt"]["totals"]["company_debit"] = "15527.02"

    (funding,) = read_gusto(edited(RECEIPT, change))

    assert [(problem.control, problem.message) for problem in checks(funding)] == [
        ("balanced", "debits 15,370.81 USD != credits 15,527.02 USD: difference -156.21 USD")
    ]


def test_the_bare_receipt_gusto_answers_with_reads_as_the_wrapped_one() -> None:
    def unwrap(value: dict[str, object]) -> None:
        receipt = value.pop("payroll_receipt")
        assert isinstance(receipt, dict)
        value.update(receipt, debit_date="2024-12-08")

    (bare,) = read_gusto(edited(RECEIPT, unwrap))
    (wrapped,) = read_gusto(vector(RECEIPT))

    assert (bare.where, bare.pay_date, bare.lines) == ("receipt", wrapped.pay_date, wrapped.lines)


def test_the_history_mock_is_refused_because_its_totals_lack_net_pay() -> None:
    with pytest.raises(FileRefused) as refused:
        read_gusto(vector(HISTORY))
    assert refused.value.where == "payrolls[0].totals.net_pay"
    assert refused.value.message == "is required"


def test_the_prepare_answer_of_an_unprocessed_payroll_has_no_totals_and_is_refused() -> None:
    with pytest.raises(FileRefused, match=r"^payroll\.totals: is required$"):
        read_gusto(vector(PREPARE))


def test_one_run_is_one_key_whether_it_comes_alone_or_in_the_list() -> None:
    payrolls = json.loads(vector(PROCESSED))
    listed = read_gusto(vector(PROCESSED))[1]

    (alone,) = read_gusto(json.dumps(payrolls[1]).encode())
    (in_a_list_of_one,) = read_gusto(json.dumps([payrolls[1]]).encode())
    del payrolls[1]["payroll_uuid"]
    payrolls[1]["uuid"] = listed.run_id
    (by_uuid,) = read_gusto(json.dumps(payrolls[1]).encode())

    assert listed.external_id == "payroll-run:cff662d5-7aee-45b4-a13d-e66187c8d16c"
    assert alone.external_id == in_a_list_of_one.external_id == by_uuid.external_id == listed.external_id
    assert alone.where == "payroll" and journal_data(alone) == journal_data(listed)


def test_an_external_payroll_is_held_for_a_person_with_its_total_at_stake() -> None:
    def external(value: list[dict[str, object]]) -> None:
        value[0]["external"] = True

    run = read_gusto(edited(PROCESSED, external))[0]

    (problem,) = checks(run)
    assert problem.control == "external" and problem.difference == Decimal("30741.58")
    assert "run outside Gusto" in problem.message and "30,741.58 USD" in problem.message
    assert run.reference.endswith(", external (run outside Gusto)")


def test_child_support_benefits_and_cash_tips_make_their_own_lines_and_balance() -> None:
    def figures(value: list[dict[str, dict[str, str]]]) -> None:
        totals = value[0]["totals"]
        # Gross 27509.23 = net 20000.00 + taxes 6676.31 + benefits 400.00 + other 100.00
        # + child support 232.92 + cash tips 100.00.
        totals.update(
            net_pay="20000.00",
            employee_benefits_deductions="400.00",
            other_deductions="100.00",
            child_support_debit="232.92",
            employee_cash_tips="100.00",
            benefits="250.00",
            net_pay_debit="20000.00",
            tax_debit="9908.66",
            company_debit="30141.58",
        )

    run = read_gusto(edited(PROCESSED, figures))[0]

    assert checks(run) == []
    assert [(line.account_code, line.description, line.debit or -line.credit) for line in run.lines] == [
        ("payroll.gross_wages", "gross pay (gross_pay)", Decimal("27509.23")),
        ("payroll.employer_taxes", "employer taxes (employer_taxes)", Decimal("3232.35")),
        ("payroll.employer_benefits", "company contributed benefits (benefits)", Decimal("250.00")),
        ("payroll.net_pay", "net pay (net_pay)", Decimal("-20000.00")),
        ("payroll.tax_liabilities", "employee taxes (employee_taxes)", Decimal("-6676.31")),
        ("payroll.tax_liabilities", "employer taxes (employer_taxes)", Decimal("-3232.35")),
        (
            "payroll.deductions_payable",
            "employee benefit deductions (employee_benefits_deductions)",
            Decimal("-400.00"),
        ),
        ("payroll.deductions_payable", "company contributed benefits (benefits)", Decimal("-250.00")),
        ("payroll.deductions_payable", "other deductions (other_deductions)", Decimal("-100.00")),
        ("payroll.deductions_payable", "child support (child_support_debit)", Decimal("-232.92")),
        ("payroll.cash_tips", "cash tips, in gross pay and paid in cash (employee_cash_tips)", Decimal("-100.00")),
    ]
    assert run_total(run) == Decimal("27509.23") + Decimal("3232.35") + Decimal("250.00")
    assert isinstance(parse_document("journal_entry", journal_data(run)), JournalEntry)


def test_a_tax_debit_that_is_not_both_taxes_names_the_difference() -> None:
    def short(value: list[dict[str, dict[str, str]]]) -> None:
        value[0]["totals"]["tax_debit"] = "9900.00"

    problems = {problem.control: problem.message for problem in checks(read_gusto(edited(PROCESSED, short))[0])}

    assert problems["tax_debit"] == (
        "tax debit 9,900.00 USD != employee taxes + employer taxes (9,908.66 USD): difference -8.66 USD"
    )
    # and the company debit no longer is its parts either.
    assert problems["company_debit"].endswith("difference 8.66 USD")
