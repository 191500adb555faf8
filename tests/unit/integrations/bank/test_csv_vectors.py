"""OCA's sample CSV statements (../shared/vectors/bank_csv/oca, SOURCE.txt) read with the
ready-made profiles of their mappings, to the figures OCA's tests expect of them
(account_statement_import_sheet_file/tests/test_account_statement_import_sheet_file.py, on a
USD journal). Where we read a file differently on purpose, the test says ours and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from integrations.bank.csv_profile import profile_named
from integrations.bank.statement import Balance, Entry
from tests.unit.integrations.bank.csv_documents import VECTORS, statements, vector

D = Decimal
DAY = date(2018, 12, 15)


def read(name: str, profile: str) -> tuple[list[Entry], Balance | None, Balance | None]:
    [statement] = statements(vector(name), profile_named(profile), account="BANK", currency="USD")
    assert (statement.head.account, statement.head.currency) == ("BANK", "USD")
    return statement.entries, statement.head.opening, statement.closing


def test_the_vectors_are_where_the_tests_look() -> None:
    assert sorted(path.name for path in (VECTORS / "oca").iterdir()) == [
        "balance.csv",
        "debit_credit.csv",
        "multi_currency.csv",
        "original_currency.csv",
        "sample_statement_en.csv",
    ]


def test_the_sample_statement_is_two_lines_in_the_journals_currency() -> None:
    # OCA's test_import_csv_file: one statement of 2 lines.
    entries, opening, closing = read("sample_statement_en.csv", "oca_simple")

    assert [(e.booking_date, e.amount, e.currency) for e in entries] == [
        (DAY, D("-33.50"), "USD"),
        (DAY, D("1525.00"), "USD"),
    ]
    assert [(e.description, e.counterparty_name, e.counterparty_account) for e in entries] == [
        ("Your best supplier on 12/15/2018", "John Doe", "123456789"),
        ("Your payment on 12/15/2018", "Azure Interior", ""),
    ]
    # Its Currency and Amount Currency are the original currency and amount: kept as written.
    assert [e.details for e in entries] == [
        (("Currency", "USD"), ("Amount Currency", "0.0")),
        (("Currency", "EUR"), ("Amount Currency", "1,000.00")),
    ]
    assert (opening, closing) == (None, None)
    assert [e.where for e in entries] == ["line 2", "line 3"]


def test_the_original_currency_file_is_one_line_of_1525_usd_paid_in_eur() -> None:
    # OCA's test_original_currency: amount 1525.0 USD, foreign currency EUR, amount_currency 1000.0.
    # OCA gives the original amount the line's sign; we keep it as the bank wrote it.
    [entry] = read("original_currency.csv", "oca_simple")[0]
    assert (entry.amount, entry.currency) == (D("1525.00"), "USD")
    assert entry.details == (("Currency", "EUR"), ("Amount Currency", "-1,000.00"))


def test_the_multi_currency_file_yields_its_eur_line_for_the_console_to_refuse() -> None:
    # OCA's test_multi_currency: one line, -33.5, on the USD journal; OCA leaves the EUR line
    # out without a word. We yield it with its currency: the console refuses it by itself,
    # saying why, and the USD line goes on.
    entries = read("multi_currency.csv", "oca_multi_currency")[0]
    assert [(e.amount, e.currency) for e in entries] == [(D("-33.50"), "USD"), (D("1525.00"), "EUR")]
    assert [e.amount for e in entries if e.currency == "USD"] == [D("-33.50")]


def test_the_balance_file_opens_at_10_and_closes_at_1510() -> None:
    # OCA's test_balance: 2 lines, balance_start 10.0, balance_end_real 1510.0 = balance_end.
    entries, opening, closing = read("balance.csv", "oca_balance")
    assert [e.amount for e in entries] == [D("-33.50"), D("1533.50")]
    assert opening == Balance(D("10.00"), "USD", DAY)
    assert closing == Balance(D("1510.00"), "USD", DAY)
    assert closing.amount == opening.amount + sum(e.amount for e in entries)


def test_the_debit_credit_file_opens_at_10_and_closes_at_1510() -> None:
    # OCA's test_debit_credit: the D/C column gives the sign ("-1,533.50" with C is a credit).
    entries, opening, closing = read("debit_credit.csv", "oca_debit_credit")
    assert [e.amount for e in entries] == [D("-33.50"), D("1533.50")]
    assert opening == Balance(D("10.00"), "USD", DAY)
    assert closing == Balance(D("1510.00"), "USD", DAY)
    assert closing.amount == opening.amount + sum(e.amount for e in entries)
