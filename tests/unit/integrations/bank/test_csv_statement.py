"""CSV statements read through their profile: each amount layout, number and date spelling,
dialect and encoding, the lines around the table, the running balance in either order, and the
statement's account and currency."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from integrations.bank import csv_statement
from integrations.bank.csv_profile import profile_named
from integrations.bank.statement import Balance, Entry, StatementEnd, StatementHead, gather
from tests.unit.integrations.bank.csv_documents import SIGNED, entries, pieces, profile, statements

D = Decimal


def amounts(found: list[Entry]) -> list[Decimal]:
    return [entry.amount for entry in found]


def balance_difference(data: bytes, **fields: object) -> Decimal:
    """closing - (opening + entries), as the console's balance control works it out."""
    [statement] = statements(data, profile(**fields))
    assert statement.head.opening is not None and statement.closing is not None
    return statement.closing.amount - (statement.head.opening.amount + sum(amounts(statement.entries)))


def test_a_signed_file_yields_a_head_its_entries_in_file_order_and_an_end() -> None:
    data = (
        b"Date,Value date,Text,Amount,Ref,Party,Party account,Type,Check\n"
        b"2026-11-02,2026-11-03,Invoice 17,1250.00,B-1,Acme Ltd,DE89370400440532013000,SEPA,\n"
        b"2026-11-04,,Rent,-900.5,B-2,Landlord,,DDEB,1042\n"
    )

    found = pieces(data, SIGNED, account="DE11")

    head, first, second, end = found
    assert head == StatementHead(
        account="DE11",
        currency="EUR",
        statement_id="",
        sequence="",
        created_at="",
        opening=None,
        closing=None,
        where="line 2",
    )
    assert first == Entry(
        booking_date=date(2026, 11, 2),
        value_date=date(2026, 11, 3),
        amount=D("1250.00"),
        currency="EUR",
        description="Invoice 17",
        counterparty_name="Acme Ltd",
        counterparty_account="DE89370400440532013000",
        bank_reference="B-1",
        remittance="Invoice 17",
        bank_code="SEPA",
        raw="2026-11-02,2026-11-03,Invoice 17,1250.00,B-1,Acme Ltd,DE89370400440532013000,SEPA,",
        where="line 2",
    )
    assert isinstance(second, Entry)
    assert (second.amount, second.value_date, second.details, second.where) == (
        D("-900.50"),
        None,
        (("Check", "1042"),),
        "line 3",
    )
    # Without a balance column the statement gives no balances: the console cannot check it.
    assert end == StatementEnd(closing=None, where="line 3")


def test_columns_are_found_by_name_whatever_their_order_case_and_spaces() -> None:
    data = b" text ,AMOUNT,Extra,date\nCoffee,-3.20,x,2026-11-02\n"
    [entry] = entries(data, profile())
    assert (entry.booking_date, entry.amount, entry.description) == (date(2026, 11, 2), D("-3.20"), "Coffee")


def test_two_unsigned_debit_and_credit_columns_make_one_signed_amount() -> None:
    data = b"Date,Text,Debit,Credit\n2026-11-02,Fee,12.50,\n2026-11-03,Refund,,40.00\n2026-11-04,Both zero,0.00,0.00\n"
    layout = profile(amount_layout="debit_credit", amount="", debit="Debit", credit="Credit")
    # The zero row is yielded: the console refuses it by itself, the others go on.
    assert amounts(entries(data, layout)) == [D("-12.50"), D("40.00"), D("0.00")]


def test_debit_and_credit_columns_signed_as_written_are_taken_as_written() -> None:
    data = b"Date,Text,Debit,Credit\n2026-11-02,Fee,-12.50,\n2026-11-03,Refund,,40.00\n"
    layout = profile(amount_layout="debit_credit", amount="", debit="Debit", credit="Credit", debit_credit_signed=True)
    assert amounts(entries(data, layout)) == [D("-12.50"), D("40.00")]


@pytest.mark.parametrize(
    ("debit_word", "credit_word", "debit_written", "credit_written"),
    [
        ("D", "C", "D", "C"),
        ("Debit", "Credit", "debit", " CREDIT "),
        ("DBIT", "CRDT", "DBIT", "CRDT"),
    ],
)
def test_an_amount_and_an_indicator_the_indicators_word_gives_the_sign(
    debit_word: str, credit_word: str, debit_written: str, credit_written: str
) -> None:
    data = (
        f"Date,Text,Amount,Dir\n2026-11-02,Fee,12.50,{debit_written}\n2026-11-03,Pay,40.00,{credit_written}\n"
        # The word decides, whatever sign the amount is written with (OCA's debit_credit.csv writes one).
        f"2026-11-04,Odd,-7.00,{credit_written}\n2026-11-05,Odder,-8.00,{debit_written}\n"
    ).encode()
    layout = profile(
        amount_layout="amount_and_indicator", indicator="Dir", debit_word=debit_word, credit_word=credit_word
    )
    assert amounts(entries(data, layout)) == [D("-12.50"), D("40.00"), D("7.00"), D("-8.00")]


def test_european_numbers_and_dates_with_a_semicolon_delimiter() -> None:
    data = "Buchungstag;Text;Betrag\n02.11.2026;Miete;-1.525,00\n03.11.2026;Gehalt;2.000\n04.11.2026;Zins;0,5\n"
    layout = profile(
        delimiter=";",
        date_format="%d.%m.%Y",
        decimal_separator=",",
        thousands_separator=".",
        booking_date="Buchungstag",
        amount="Betrag",
    )
    found = entries(data.encode(), layout)
    assert amounts(found) == [D("-1525.00"), D("2000.00"), D("0.50")]
    assert found[0].booking_date == date(2026, 11, 2)


def test_english_thousands_separators_in_quoted_amounts() -> None:
    data = b'Date,Text,Amount\n11/02/2026,Big,"1,525.00"\n11/03/2026,Bigger,"-1,234,567.89"\n'
    layout = profile(date_format="%m/%d/%Y", thousands_separator=",")
    assert amounts(entries(data, layout)) == [D("1525.00"), D("-1234567.89")]


def test_lines_before_the_header_are_skipped_as_lines_and_counted_in_line_numbers() -> None:
    data = (
        b"Account statement\n"
        b'Account: "Main\n'  # an open quote in a title line does not swallow the header
        b"\n"
        b"Date,Text,Amount\n"
        b"2026-11-02,Coffee,-3.20\n"
        b"\n"
        b"2026-11-03,Tea,-2.10\n"
    )
    found = entries(data, profile(skip_rows=3))
    assert [entry.where for entry in found] == ["line 5", "line 7"]


def test_footer_rows_are_left_out() -> None:
    data = b"Date,Text,Amount\n2026-11-02,Coffee,-3.20\n2026-11-03,Tea,-2.10\nTotal,,-5.30\n\nEnd of statement,,\n"
    assert amounts(entries(data, profile(footer_rows=2))) == [D("-3.20"), D("-2.10")]


def test_a_quoted_line_break_stays_in_the_text_and_the_lines_after_it_are_counted() -> None:
    data = b'Date,Text,Amount\n2026-11-02,"two\nlines",-3.20\n2026-11-03,Tea,-2.10\n'
    first, second = entries(data, profile())
    assert (first.description, first.raw, first.where) == ("two\nlines", '2026-11-02,"two\nlines",-3.20', "line 2")
    assert second.where == "line 4"


def test_windows_line_ends_are_not_part_of_the_row() -> None:
    data = b"Date,Text,Amount\r\n2026-11-02,Coffee,-3.20\r\n"
    [entry] = entries(data, profile())
    assert entry.raw == "2026-11-02,Coffee,-3.20"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_byte_order_mark_before_the_header_is_not_part_of_its_first_name(encoding: str) -> None:
    data = "\ufeffDate,Text,Amount\n2026-11-02,Café,-3.20\n".encode()
    [entry] = entries(data, profile(encoding=encoding))
    assert entry.description == "Café"


def test_a_latin_1_file_is_read_in_its_encoding() -> None:
    data = "Datum;Text;Betrag\n02.11.2026;Müller GmbH, Straße 5;-3,20\n".encode("latin-1")
    layout = profile(
        encoding="latin-1",
        delimiter=";",
        decimal_separator=",",
        date_format="%d.%m.%Y",
        booking_date="Datum",
        amount="Betrag",
    )
    [entry] = entries(data, layout)
    assert entry.description == "Müller GmbH, Straße 5"


def test_a_utf_16_file_is_read_in_its_encoding() -> None:
    data = "Date\tText\tAmount\r\n2026-11-02\tÉté\t-3.20\r\n".encode("utf-16")
    [entry] = entries(data, profile(encoding="utf-16", delimiter="\t"))
    assert (entry.description, entry.raw) == ("Été", "2026-11-02\tÉté\t-3.20")


# -- the running balance -----------------------------------------------------------------

OLDEST_FIRST = b"Date,Text,Amount,Balance\n2026-11-02,Pay,1000.00,1100.00\n2026-11-03,Rent,-900.00,200.00\n"
NEWEST_FIRST = b"Date,Text,Amount,Balance\n2026-11-03,Rent,-900.00,200.00\n2026-11-02,Pay,1000.00,1100.00\n"


def test_a_balance_after_each_row_gives_the_opening_on_the_head_and_the_closing_on_the_end() -> None:
    [statement] = statements(OLDEST_FIRST, profile(balance="Balance"))
    assert statement.head.opening == Balance(D("100.00"), "EUR", date(2026, 11, 2))
    assert statement.head.closing is None
    assert statement.end.closing == Balance(D("200.00"), "EUR", date(2026, 11, 3))
    assert balance_difference(OLDEST_FIRST, balance="Balance") == 0


def test_a_balance_before_each_row_gives_the_same_statement_balances() -> None:
    data = b"Date,Text,Amount,Balance\n2026-11-02,Pay,1000.00,100.00\n2026-11-03,Rent,-900.00,1100.00\n"
    [statement] = statements(data, profile(balance="Balance", balance_is_after_row=False))
    assert statement.head.opening == Balance(D("100.00"), "EUR", date(2026, 11, 2))
    assert statement.closing == Balance(D("200.00"), "EUR", date(2026, 11, 3))


def test_newest_first_entries_come_in_file_order_and_the_balances_from_the_other_ends() -> None:
    [statement] = statements(NEWEST_FIRST, profile(balance="Balance", newest_first=True))
    assert [entry.description for entry in statement.entries] == ["Rent", "Pay"]
    assert statement.head.opening == Balance(D("100.00"), "EUR", date(2026, 11, 2))
    assert statement.closing == Balance(D("200.00"), "EUR", date(2026, 11, 3))
    assert balance_difference(NEWEST_FIRST, balance="Balance", newest_first=True) == 0


def test_a_newest_first_file_read_as_oldest_first_does_not_balance() -> None:
    # The profile's order matters only to the balances: the console's control shows it is wrong.
    assert balance_difference(NEWEST_FIRST, balance="Balance") == D("-100.00")


class OneWay(io.RawIOBase):
    """A stream that cannot seek (a network upload)."""

    def __init__(self, data: bytes) -> None:
        self.inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def test_newest_first_on_a_stream_that_cannot_seek_reads_the_same() -> None:
    layout = profile(balance="Balance", newest_first=True)
    stream = io.BufferedReader(OneWay(NEWEST_FIRST))
    assert not stream.seekable()
    found = gather(csv_statement.read(stream, layout, account="ACC-1"))  # type: ignore[arg-type]
    assert found == statements(NEWEST_FIRST, layout)


def test_several_statements_of_newest_first_rows_each_take_their_own_ends() -> None:
    data = (
        b"Account,Date,Text,Amount,Balance\n"
        b"A,2026-11-03,Rent,-900.00,200.00\nA,2026-11-02,Pay,1000.00,1100.00\n"
        b"B,2026-11-05,Fee,-5.00,45.00\nB,2026-11-04,Gift,10.00,50.00\n"
    )
    layout = profile(balance="Balance", newest_first=True, account_column="Account")
    first, second = statements(data, layout, account="")
    assert (first.head.account, first.head.opening, first.closing) == (
        "A",
        Balance(D("100.00"), "EUR", date(2026, 11, 2)),
        Balance(D("200.00"), "EUR", date(2026, 11, 3)),
    )
    assert (second.head.account, second.head.opening, second.closing) == (
        "B",
        Balance(D("40.00"), "EUR", date(2026, 11, 4)),
        Balance(D("45.00"), "EUR", date(2026, 11, 5)),
    )


# -- account and currency -----------------------------------------------------------------


def test_each_account_of_an_account_column_is_its_own_statement() -> None:
    data = b"Acct,Date,Text,Amount\nA,2026-11-02,x,1.00\nA,2026-11-03,y,2.00\nB,2026-11-02,z,3.00\n"
    first, second = statements(data, profile(account_column="Acct"), account="")
    assert (first.head.account, len(first.entries), first.head.where, first.end.where) == ("A", 2, "line 2", "line 3")
    assert (second.head.account, len(second.entries), second.head.where) == ("B", 1, "line 4")


def test_a_blank_account_cell_is_the_imports_account() -> None:
    data = b"Acct,Date,Text,Amount\nACC-1,2026-11-02,x,1.00\n,2026-11-03,y,2.00\n"
    [statement] = statements(data, profile(account_column="Acct"), account="ACC-1")
    assert len(statement.entries) == 2


def test_a_row_in_another_currency_than_the_accounts_is_yielded_with_its_currency() -> None:
    data = b"Date,Text,Currency,Amount\n2026-11-02,x,EUR,1.00\n2026-11-03,y,usd,2.00\n2026-11-04,z,,3.00\n"
    [statement] = statements(data, profile(currency="", currency_column="Currency"), currency="EUR")
    assert statement.head.currency == "EUR"
    assert [(entry.currency, entry.amount) for entry in statement.entries] == [
        ("EUR", D("1.00")),
        ("USD", D("2.00")),
        ("EUR", D("3.00")),
    ]


def test_without_a_fixed_currency_each_currency_of_the_column_is_its_own_statement() -> None:
    data = b"Date,Text,Currency,Amount\n2026-11-02,x,EUR,1.00\n2026-11-03,y,USD,2.00\n"
    first, second = statements(data, profile(currency="", currency_column="Currency"))
    assert [(s.head.currency, [e.currency for e in s.entries]) for s in (first, second)] == [
        ("EUR", ["EUR"]),
        ("USD", ["USD"]),
    ]


def test_a_balance_given_on_a_row_in_another_currency_is_no_balance_of_the_account() -> None:
    data = b"Date,Text,Currency,Amount,Balance\n2026-11-02,x,USD,1.00,5.00\n2026-11-03,y,EUR,2.00,7.00\n"
    [statement] = statements(data, profile(currency="EUR", currency_column="Currency", balance="Balance"))
    assert statement.head.opening is None
    assert statement.closing == Balance(D("7.00"), "EUR", date(2026, 11, 3))


def test_the_profiles_account_and_currency_serve_when_the_import_gives_none() -> None:
    [statement] = statements(b"Date,Text,Amount\n2026-11-02,x,1.00\n", profile(account="FIXED"), account="")
    assert (statement.head.account, statement.head.currency) == ("FIXED", "EUR")


# -- streaming -----------------------------------------------------------------------------


class Counting(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


def test_the_first_entry_comes_before_the_file_is_read_whole() -> None:
    rows = b"".join(b"2026-11-02,Coffee number %d,-3.20\n" % n for n in range(100_000))
    stream = Counting(b"Date,Text,Amount\n" + rows)
    found = csv_statement.read(stream, profile(footer_rows=5), account="ACC-1")

    assert isinstance(next(found), StatementHead)
    assert isinstance(next(found), Entry)
    assert stream.taken <= 2 * 64 * 1024 < len(stream.getvalue()) // 10
    rest = list(found)
    assert sum(isinstance(piece, Entry) for piece in rest) == 100_000 - 1 - 5


def test_the_chase_example_reads_a_file_of_the_layout_it_documents() -> None:
    data = (
        b"Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
        b"DEBIT,11/04/2026,ONLINE TRANSFER TO SAV,-500.00,ACCT_XFER,1500.00,,\n"
        b"CHECK,11/03/2026,CHECK 1042,-120.00,CHECK_PAID,2000.00,1042,\n"
        b"CREDIT,11/02/2026,PAYROLL ACME,2120.00,ACH_CREDIT,2120.00,,\n"
    )
    [statement] = statements(data, profile_named("chase_checking"), account="CHASE-1")
    assert (statement.head.currency, statement.head.opening, statement.closing) == (
        "USD",
        Balance(D("0.00"), "USD", date(2026, 11, 2)),
        Balance(D("1500.00"), "USD", date(2026, 11, 4)),
    )
    check = statement.entries[1]
    assert (check.amount, check.bank_code, check.details) == (
        D("-120.00"),
        "CHECK_PAID",
        (("Details", "CHECK"), ("Check or Slip #", "1042")),
    )
