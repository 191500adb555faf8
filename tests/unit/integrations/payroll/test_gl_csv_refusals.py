"""GL exports the reader refuses, each naming the line and column (line numbers are the file's)."""

from __future__ import annotations

from datetime import date

import pytest

from integrations.payroll.errors import FileRefused
from integrations.payroll.gl_csv import read_gl_csv
from integrations.payroll.gl_profile import DEFAULT, GLProfile

HEADER = b"account,debit,credit,description,department\n"
GOOD = b"6000,1000.00,,Wages,ENG\n2100,,1000.00,Net pay,\n"


def refusal(content: bytes, profile: GLProfile = DEFAULT, **options: object) -> FileRefused:
    arguments: dict[str, object] = {"currency": "USD", "run_id": "R-1", "pay_date": date(2026, 1, 15)}
    arguments.update(options)
    with pytest.raises(FileRefused) as refused:
        read_gl_csv(content, profile, **arguments)  # type: ignore[arg-type]
    return refused.value


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        (b"6100,12.345,,Employer FICA,ENG", "line 4, column debit", "'12.345' has more than 2 decimal places"),
        (b"6100,twelve,,Employer FICA,ENG", "line 4, column debit", "'twelve' is not an amount such as 1234.56"),
        (b"6100,1.234.56,,Employer FICA,ENG", "line 4, column debit", "'1.234.56' is not an amount such as 1234.56"),
        # An unquoted thousands separator moves the cents into the credit column.
        (
            b"6100,1,234.56,,Employer FICA",
            "line 4, columns debit and credit",
            "a line has a debit or a credit, not both",
        ),
        (
            b"6100,-76.50,,Employer FICA,ENG",
            "line 4, column debit",
            "-76.50 must not be negative: the other column takes it",
        ),
        (
            b"6100,,-76.50,Employer FICA,ENG",
            "line 4, column credit",
            "-76.50 must not be negative: the other column takes it",
        ),
        (
            b"6100,76.50,76.50,Employer FICA,ENG",
            "line 4, columns debit and credit",
            "a line has a debit or a credit, not both",
        ),
        (b",76.50,,Employer FICA,ENG", "line 4, column account", "is required"),
        (b"6100,76.50,,Employer FICA,ENG,extra", "line 4", "has 6 fields, the header 5"),
        (b"6100,76.50,,Employer\x00FICA,ENG", "line 4, column description", "contains a NUL character"),
        (
            b"6100," + b"1" * 14 + b",,Wages,",
            "line 4, column debit",
            "'11111111111111' is too large: at most 13 digits",
        ),
        (b"6" * 65 + b",76.50,,Wages,", "line 4, column account", "is longer than 64 characters"),
    ],
)
def test_a_bad_row_refuses_the_file_naming_its_line_and_column(row: bytes, where: str, message: str) -> None:
    refused = refusal(HEADER + GOOD + row + b"\n")
    assert refused.where == where
    assert refused.message.startswith(message)


def test_a_department_that_makes_the_code_too_long_is_refused_when_split() -> None:
    row = b"6100,76.50,,Employer FICA," + b"D" * 60 + b"\n"

    refused = refusal(HEADER + GOOD + row, split_by_department=True)

    assert refused.where == "line 4, column department"
    assert "is longer than the 64 characters an account code may have" in refused.message
    # Not split, the department is not part of the code, and the row is read.
    assert read_gl_csv(HEADER + GOOD + row, DEFAULT, currency="USD", run_id="R-1", pay_date=date(2026, 1, 15))


def test_an_amount_its_currency_does_not_have_is_refused() -> None:
    refused = refusal(HEADER + b"6000,1000.50,,Wages,\n2100,,1000.50,Net pay,\n", currency="JPY")
    assert (refused.where, refused.message) == (
        "line 2, column debit",
        "JPY has no minor unit: 1000.50 is not an amount in it",
    )


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        (
            b"account,debit,description\n6000,1.00,Wages\n",
            "line 1",
            "has no column 'credit' (profile default); it has: account, debit, description",
        ),
        (HEADER, "", "has no lines after its header"),
        (b"", "", "has no lines after its header"),
        (HEADER + b",,,subtotal,\n", "", "has no lines with an account after its header"),
        (
            HEADER + b'6000,1000.00,,"Wages,ENG\n',
            "line 2",
            "is not CSV as profile default reads it: unexpected end of data",
        ),
        (HEADER + GOOD + b"6100,76.50,,Employer FICA \xff,ENG\n", "line 4", "is not utf-8-sig text (byte 0xff)"),
    ],
)
def test_a_file_that_is_not_a_gl_export_as_the_profile_reads_it_is_refused(
    content: bytes, where: str, message: str
) -> None:
    refused = refusal(content)
    assert (refused.where, refused.message) == (where, message)


def test_the_upload_must_name_the_run_and_its_pay_date_when_the_file_does_not() -> None:
    assert (
        refusal(HEADER + GOOD, run_id=" ").message
        == "profile default has no run id column: the upload must name the run"
    )
    assert refusal(HEADER + GOOD, pay_date=None).message == (
        "profile default has no pay date column: the upload must give the pay date"
    )
    assert refusal(HEADER + GOOD, currency="XYZ").message == "the currency 'XYZ' is not an active ISO 4217 code"


RUNS = GLProfile(
    name="runs", run_id="run", pay_date="paid", period_start="from", period_end="to", date_format="%m/%d/%Y"
)
RUNS_HEADER = b"run,paid,from,to,account,debit,credit,description,department\n"


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        (b",01/15/2026,,,6000,1.00,,Wages,\n", "line 2, column run", "is required"),
        (b"R-1,2026-01-15,,,6000,1.00,,Wages,\n", "line 2, column paid", "'2026-01-15' is not a date written %m/%d/%Y"),
        (b"R-1,02/30/2026,,,6000,1.00,,Wages,\n", "line 2, column paid", "'02/30/2026' is not a date written %m/%d/%Y"),
        (
            b"R-1,01/15/1850,,,6000,1.00,,Wages,\n",
            "line 2, column paid",
            "1850-01-15 is not between 1900-01-01 and 2999-12-31",
        ),
        (
            b"R-1,01/15/2026,,,6000,1.00,,Wages,\nR-1,01/16/2026,,,2100,,1.00,Net pay,\n",
            "line 3, column paid",
            "2026-01-16 is not the run's 2026-01-15 (line 2)",
        ),
        (
            b"R-1,01/15/2026,01/15/2026,01/01/2026,6000,1.00,,Wages,\n",
            "line 2",
            "the period ends 2026-01-01, before it starts 2026-01-15",
        ),
    ],
)
def test_a_runs_column_that_is_missing_or_disagrees_is_refused(rows: bytes, where: str, message: str) -> None:
    refused = refusal(RUNS_HEADER + rows, RUNS, run_id="", pay_date=None)
    assert (refused.where, refused.message) == (where, message)


def test_a_run_of_more_accounts_than_a_journal_entry_may_have_lines_is_refused() -> None:
    rows = b"".join(b"%d,1.00,,Wages,\n" % account for account in range(6000, 6501)) + b"2100,,501.00,Net pay,\n"

    refused = refusal(HEADER + rows)

    assert refused.where == "lines 2-503"
    assert refused.message == "run R-1 has 502 accounts, more than the 500 lines a journal entry may have"
