"""CSV statements the reader refuses, each naming the line and the column as the profile names it
(line numbers are the file's, counting skipped lines and the header)."""

from __future__ import annotations

import io

import pytest

from integrations.bank import csv_statement
from integrations.bank.statement import Entry, FileRefused
from tests.unit.integrations.bank.csv_documents import profile, refusal

HEADER = b"Date,Text,Amount\n"
GOOD = b"2026-11-02,Coffee,-3.20\n"


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        (b"2026-11-31,Tea,-2.10", "line 3, column Date", "'2026-11-31' is not a date written %Y-%m-%d"),
        (b"03.11.2026,Tea,-2.10", "line 3, column Date", "'03.11.2026' is not a date written %Y-%m-%d"),
        (b",Tea,-2.10", "line 3, column Date", "is required"),
        (b"2026-11-03,Tea,-2,10", "line 3", "has 4 fields, the header 3"),
        (b'2026-11-03,Tea,"-2,10"', "line 3, column Amount", "'-2,10' is not an amount such as 1234.56"),
        (b"2026-11-03,Tea,", "line 3, column Amount", "is required"),
        (b"2026-11-03,Tea", "line 3, column Amount", "is required"),
        (b"2026-11-03,Tea,-2.105", "line 3, column Amount", "'-2.105' has more than 2 decimal places"),
        (b"2026-11-03,Tea,$2.10", "line 3, column Amount", "'$2.10' is not an amount such as 1234.56"),
        (b"2026-11-03,Tea," + b"9" * 14, "line 3, column Amount", "'99999999999999' is too large"),
        (b"2026-11-03,Tea\x00,-2.10", "line 3, column Text", "contains a NUL character"),
        (b"2026-11-03," + b"x" * 1001 + b",-2.10", "line 3, column Text", "is longer than 1,000 characters"),
        (b'2026-11-03,"Tea,-2.10', "line 3", "is not CSV as profile test reads it: unexpected end of data"),
    ],
)
def test_a_bad_row_refuses_the_file_naming_its_line_and_column(row: bytes, where: str, message: str) -> None:
    refused = refusal(HEADER + GOOD + row + b"\n", profile())
    assert refused.where == where
    assert refused.message.startswith(message)


def test_the_rows_read_before_a_bad_one_were_read_correctly() -> None:
    read: list[Entry] = []
    with pytest.raises(FileRefused, match="line 3, column Amount"):
        for piece in csv_statement.read(io.BytesIO(HEADER + GOOD + b"2026-11-03,Tea,x\n"), profile(), account="A"):
            if isinstance(piece, Entry):
                read.append(piece)
    assert [entry.where for entry in read] == ["line 2"]


def test_a_header_without_the_profiles_columns_names_every_one_missing() -> None:
    refused = refusal(b"Date,Label,Sum\n" + GOOD, profile(reference="Ref"))
    assert (refused.where, refused.message) == (
        "line 1",
        "has no column 'Amount', 'Text', 'Ref' (profile test); it has: Date, Label, Sum",
    )


def test_a_header_with_a_column_the_profile_reads_twice_is_refused() -> None:
    refused = refusal(b"Date,Text,Amount,amount \n2026-11-02,x,1.00,2.00\n", profile())
    assert (refused.where, refused.message) == (
        "line 1",
        "has the column 'Amount' twice: which one profile test reads is unclear",
    )


def test_an_encoding_error_names_its_line_even_far_into_the_file() -> None:
    rows = GOOD * 20_000  # past the first chunks the reader decodes
    refused = refusal(HEADER + rows + b"2026-11-03,Caf\xe9,-2.10\n", profile())
    assert (refused.where, refused.message) == ("line 20002", "is not utf-8-sig text (byte 0xe9)")


def test_a_file_over_its_size_limit_is_refused() -> None:
    refused = refusal(HEADER + GOOD * 1000, profile(), max_bytes=10_000)
    assert (refused.where, refused.message) == ("", "the file is larger than the limit of 10,000 bytes")


def test_a_newest_first_file_over_its_size_limit_is_refused_before_it_is_spooled_whole() -> None:
    class OneWay(io.BytesIO):
        def seekable(self) -> bool:
            return False

    layout = profile(balance="Amount", newest_first=True)
    with pytest.raises(FileRefused, match="the file is larger than the limit of 10,000 bytes"):
        list(csv_statement.read(OneWay(HEADER + GOOD * 1000), layout, account="A", max_bytes=10_000))


def test_a_row_longer_than_a_line_may_keep_is_refused() -> None:
    refused = refusal(HEADER + b"2026-11-03,Tea,-2.10," + b"x" * 20_000 + b"\n", profile())
    assert (refused.where, refused.message) == ("line 2", "the row is longer than 20,000 characters")


def test_a_quote_left_open_does_not_swallow_the_file() -> None:
    refused = refusal(HEADER + b'2026-11-03,"Tea,-2.10\n' + GOOD * 2000, profile())
    assert (refused.where, refused.message) == ("line 2", "the row is longer than 20,000 characters")


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        (b"2026-11-03,Tea,2.10,X", "line 3, column Dir", "'X' is neither 'D' (a debit) nor 'C' (a credit)"),
        (b"2026-11-03,Tea,2.10,", "line 3, column Dir", "is required"),
    ],
)
def test_an_indicator_that_is_neither_word_is_refused(row: bytes, where: str, message: str) -> None:
    layout = profile(amount_layout="amount_and_indicator", indicator="Dir")
    refused = refusal(b"Date,Text,Amount,Dir\n2026-11-02,Fee,1.00,D\n" + row + b"\n", layout)
    assert (refused.where, refused.message) == (where, message)


@pytest.mark.parametrize(
    ("row", "where", "message"),
    [
        (b"2026-11-03,Tea,2.10,1.00", "line 3, columns Debit and Credit", "a row has a debit or a credit, not both"),
        (
            b"2026-11-03,Tea,-2.10,",
            "line 3, column Debit",
            "-2.10 is negative: profile test reads the columns unsigned (debit_credit_signed is false)",
        ),
        (b"2026-11-03,Tea,,-2.10", "line 3, column Credit", "-2.10 is negative"),
    ],
)
def test_debit_and_credit_columns_that_contradict_the_profile_are_refused(row: bytes, where: str, message: str) -> None:
    layout = profile(amount_layout="debit_credit", amount="", debit="Debit", credit="Credit")
    refused = refusal(b"Date,Text,Debit,Credit\n2026-11-02,Fee,1.00,\n" + row + b"\n", layout)
    assert refused.where == where
    assert refused.message.startswith(message)


def test_a_running_balance_cell_left_blank_is_refused() -> None:
    refused = refusal(
        b"Date,Text,Amount,Balance\n2026-11-02,x,1.00,5.00\n2026-11-03,y,1.00,\n", profile(balance="Balance")
    )
    assert (refused.where, refused.message) == (
        "line 3, column Balance",
        "is required: profile test reads a running balance",
    )


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (b"EURO", "'EURO' is not a currency code"),
        (b"\xe2\x82\xac", "'\u20ac' is not a currency code"),
    ],
)
def test_a_currency_cell_that_is_no_code_is_refused(cell: bytes, message: str) -> None:
    data = b"Date,Text,Currency,Amount\n2026-11-02,x," + cell + b",1.00\n"
    refused = refusal(data, profile(currency_column="Currency"))
    assert (refused.where, refused.message) == ("line 2, column Currency", message)


def test_a_blank_currency_cell_with_no_currency_fixed_is_refused() -> None:
    refused = refusal(
        b"Date,Text,Currency,Amount\n2026-11-02,x,,1.00\n", profile(currency="", currency_column="Currency")
    )
    assert (refused.where, refused.message) == (
        "line 2, column Currency",
        "is required: neither profile test nor the import gives it",
    )


def test_an_account_cell_that_is_not_the_imports_account_is_refused() -> None:
    refused = refusal(b"Acct,Date,Text,Amount\nB,2026-11-02,x,1.00\n", profile(account_column="Acct"), account="A")
    assert (refused.where, refused.message) == ("line 2, column Acct", "'B' is not the import's account 'A'")


def test_rows_of_one_account_that_start_again_after_anothers_are_refused() -> None:
    data = b"Acct,Date,Text,Amount\nA,2026-11-02,x,1.00\nB,2026-11-02,y,1.00\nA,2026-11-03,z,1.00\n"
    refused = refusal(data, profile(account_column="Acct"), account="")
    assert (refused.where, refused.message) == (
        "line 4",
        "rows of account A in EUR (from line 2) start again after other rows: a statement's rows come together",
    )


@pytest.mark.parametrize(
    ("fields", "options", "message"),
    [
        ({}, {"account": ""}, "profile test reads no account and fixes none: the import must name it"),
        ({"currency": ""}, {}, "profile test reads no currency and fixes none: the import must give it"),
        ({}, {"currency": "usd"}, "the import's currency 'usd' is not an active ISO 4217 code"),
        ({}, {"currency": "USD"}, "the import's currency 'USD' is not profile test's 'EUR'"),
        ({"account": "A"}, {"account": "B"}, "the import's account 'B' is not profile test's 'A'"),
        ({}, {"account": "A" * 65}, "the import's account is not an account of at most 64 characters"),
    ],
)
def test_an_account_or_currency_nobody_gives_or_two_give_differently_is_refused(
    fields: dict[str, str], options: dict[str, str], message: str
) -> None:
    refused = refusal(HEADER + GOOD, profile(**fields), **options)
    assert (refused.where, refused.message) == ("", message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "has no header row"),
        (b"\n\n", "has no header row"),
        (HEADER, "has no entries after its header"),
        (HEADER + b"\n,,\n", "has no entries after its header"),
    ],
)
def test_a_file_without_entries_is_refused(data: bytes, message: str) -> None:
    refused = refusal(data, profile())
    assert (refused.where, refused.message) == ("", message)


def test_a_file_whose_rows_are_all_footer_is_refused() -> None:
    refused = refusal(HEADER + GOOD, profile(footer_rows=1))
    assert refused.message == "has no entries after its header"


def test_a_line_that_never_ends_is_refused_before_it_is_held_whole() -> None:
    refused = refusal(HEADER + b"x" * 1_000_000, profile())
    assert (refused.where, refused.message) == ("line 2", "the row is longer than 20,000 characters")
