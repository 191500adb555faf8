"""Payroll GL exports (CSV) into pay runs: one entry per run, summed per GL account, optionally per
department; runs named by the upload or by a column; what a run's rows say, never adjusted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from integrations.canonical import JournalEntry, PayloadError, parse_document
from integrations.payroll.checks import checks
from integrations.payroll.errors import FileRefused
from integrations.payroll.gl_csv import read_gl_csv
from integrations.payroll.gl_profile import DEFAULT, GLProfile
from integrations.payroll.run import PayRun, draft, journal_data, run_total

# Wages 15,000.00 and employer FICA 1,147.50 against net pay 11,050.00 and taxes 5,097.50.
BALANCED = b"""account,debit,credit,description,department
6000,10000.00,,Wages,ENG
6000,5000.00,,Wages,SALES
6100,765.00,,Employer FICA,ENG
6100,382.50,,Employer FICA,SALES
2100,,11050.00,Net pay,
2200,,3950.00,Employee taxes withheld,
2200,,1147.50,Employer FICA,
"""
RUN = "2026-01-15-semimonthly"


def read(content: bytes, *, currency: str = "USD", split_by_department: bool = False) -> list[PayRun]:
    return read_gl_csv(
        content,
        DEFAULT,
        currency=currency,
        run_id=RUN,
        pay_date=date(2026, 1, 15),
        split_by_department=split_by_department,
    )


def lines(run: PayRun) -> list[tuple[str, str, Decimal]]:
    return [(line.account_code, line.description, line.debit or -line.credit) for line in run.lines]


def test_a_balanced_export_is_one_entry_summed_per_gl_account() -> None:
    (run,) = read(BALANCED)

    assert (run.source, run.kind, run.run_id, run.pay_date, run.where) == (
        "gl_csv",
        "pay_run",
        RUN,
        date(2026, 1, 15),
        "lines 2-8",
    )
    assert lines(run) == [
        ("6000", "Wages", Decimal("15000.00")),
        ("6100", "Employer FICA", Decimal("1147.50")),
        ("2100", "Net pay", Decimal("-11050.00")),
        ("2200", "2 rows of 2200", Decimal("-5097.50")),
    ]
    assert checks(run) == []
    assert run_total(run) == Decimal("16147.50")
    entry = parse_document("journal_entry", journal_data(run))
    assert isinstance(entry, JournalEntry)
    assert entry.reference == f"Payroll run {RUN} (GL export, 7 rows)" and entry.date == date(2026, 1, 15)


def test_split_by_department_gives_each_department_its_own_line_the_mapping_can_map() -> None:
    (run,) = read(BALANCED, split_by_department=True)

    assert lines(run) == [
        ("6000@ENG", "Wages", Decimal("10000.00")),
        ("6000@SALES", "Wages", Decimal("5000.00")),
        ("6100@ENG", "Employer FICA", Decimal("765.00")),
        ("6100@SALES", "Employer FICA", Decimal("382.50")),
        ("2100", "Net pay", Decimal("-11050.00")),
        ("2200", "2 rows of 2200", Decimal("-5097.50")),
    ]
    assert [line.department for line in run.lines] == ["ENG", "SALES", "ENG", "SALES", "", ""]
    assert checks(run) == []
    assert isinstance(parse_document("journal_entry", journal_data(run)), JournalEntry)


def test_an_unbalanced_export_is_returned_as_it_is_with_its_difference_named() -> None:
    (run,) = read(BALANCED.replace(b"11050.00", b"11000.00"))

    assert [problem.message for problem in checks(run)] == [
        "debits 16,147.50 USD != credits 16,097.50 USD: difference 50.00 USD"
    ]
    assert checks(run)[0].difference == Decimal("50.00")
    with pytest.raises(PayloadError, match="are not balanced"):
        parse_document("journal_entry", journal_data(run))


def test_an_accounts_debits_and_credits_net_into_one_line_and_a_nil_account_makes_none() -> None:
    content = (
        BALANCED + b"6000,,200.00,Correction of an overpaid bonus,ENG\n2100,200.00,,Correction of an overpaid bonus,\n"
    )
    content += b"2900,50.00,,Clearing,\n2900,,50.00,Clearing,\n"

    (run,) = read(content)

    assert lines(run)[0] == ("6000", "3 rows of 6000", Decimal("14800.00"))
    assert lines(run)[2] == ("2100", "2 rows of 2100", Decimal("-10850.00"))
    assert "2900" not in {line.account_code for line in run.lines}
    assert checks(run) == []


def test_blank_rows_and_rows_with_neither_account_nor_amount_are_not_lines() -> None:
    content = BALANCED.replace(b"2100,", b"\n,,,subtotal,\n2100,", 1)

    (run,) = read(content)

    assert lines(run) == lines(read(BALANCED)[0]) and run.where == "lines 2-10"


def test_a_run_id_and_pay_date_column_give_several_runs_in_one_file_each_with_its_key() -> None:
    profile = GLProfile(name="with runs", run_id="run", pay_date="pay date", period_start="from", period_end="to")
    content = b"""run,pay date,from,to,account,debit,credit,description,department
R-01,2026-01-15,2026-01-01,2026-01-15,6000,1000.00,,Wages,
R-01,2026-01-15,,,2100,,1000.00,Net pay,
R-02,2026-01-31,2026-01-16,2026-01-31,6000,1200.00,,Wages,
R-02,,,,2100,,1200.00,Net pay,
"""
    with pytest.raises(FileRefused, match="line 5, column pay date: is required"):
        read_gl_csv(content, profile, currency="USD")

    first, second = read_gl_csv(content.replace(b"R-02,,", b"R-02,2026-01-31,"), profile, currency="USD")

    assert (first.run_id, first.pay_date, first.period_start, first.period_end) == (
        "R-01",
        date(2026, 1, 15),
        date(2026, 1, 1),
        date(2026, 1, 15),
    )
    assert (second.run_id, second.pay_date, second.where) == ("R-02", date(2026, 1, 31), "lines 4-5")
    assert (first.external_id, second.external_id) == ("payroll-run:R-01", "payroll-run:R-02")
    assert [checks(run) for run in (first, second)] == [[], []]


def test_the_same_run_uploaded_twice_is_the_same_draft() -> None:
    (once,) = read(BALANCED)
    (again,) = read(BALANCED)

    assert draft(once) == draft(again)
    assert draft(once).external_id == f"payroll-run:{RUN}" and draft(once).kind == "journal_entry"


def test_a_european_export_is_read_through_its_profile() -> None:
    profile = GLProfile(
        name="lohn export",
        delimiter=";",
        encoding="latin-1",
        skip_rows=2,
        footer_rows=1,
        date_format="%d.%m.%Y",
        decimal_separator=",",
        thousands_separator=".",
        account="Konto",
        debit="Soll",
        credit="Haben",
        description="Text",
        department="Kostenstelle",
        run_id="Lauf",
        pay_date="Zahltag",
    )
    content = """Lohnjournal Januar 2026
Mustermann GmbH
Lauf;Zahltag;Konto;Soll;Haben;Text;Kostenstelle
2026-01;30.01.2026;6020;12.345,67;;"Löhne; Gehälter";100
2026-01;30.01.2026;6110;2.469,13;;Arbeitgeberanteil;100
2026-01;30.01.2026;1741;;8.000,00;Nettolohn;
2026-01;30.01.2026;1742;;6.814,80;Lohnsteuer und Sozialversicherung;
Summe;;;14.814,80;14.814,80;;
""".encode("latin-1")

    (run,) = read_gl_csv(content, profile, currency="EUR", split_by_department=True)

    assert (run.run_id, run.pay_date, run.currency, run.where) == ("2026-01", date(2026, 1, 30), "EUR", "lines 4-7")
    assert lines(run) == [
        ("6020@100", "Löhne; Gehälter", Decimal("12345.67")),
        ("6110@100", "Arbeitgeberanteil", Decimal("2469.13")),
        ("1741", "Nettolohn", Decimal("-8000.00")),
        ("1742", "Lohnsteuer und Sozialversicherung", Decimal("-6814.80")),
    ]
    assert checks(run) == []


def test_a_quoted_field_over_two_lines_keeps_the_file_line_numbers_of_the_rows_after_it() -> None:
    content = BALANCED.replace(b"Wages,SALES", b'"Wages, second\nline",SALES').replace(b"382.50", b"38.2.50")

    with pytest.raises(FileRefused, match=r"^line 6, column debit: '38.2.50' is not an amount"):
        read(content)


def test_zero_decimal_currency_amounts_are_whole() -> None:
    content = b"account,debit,credit,description,department\n6000,300000,,Wages,\n2100,,300000,Net pay,\n"

    (run,) = read(content, currency="JPY")

    assert lines(run) == [("6000", "Wages", Decimal("300000.00")), ("2100", "Net pay", Decimal("-300000.00"))]
    assert isinstance(parse_document("journal_entry", journal_data(run)), JournalEntry)
    assert checks(read(content.replace(b",,300000", b",,299000"), currency="JPY")[0])[0].message == (
        "debits 300,000 JPY != credits 299,000 JPY: difference 1,000 JPY"
    )
