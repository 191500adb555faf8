"""A bank's CSV statement, read through its `CsvProfile` (csv_profile.py) as a stream of
statement.py pieces.

The rows stream through integrations/tabular.py (decoded a chunk at a time, handed to the csv
module a line at a time, the footer rows held back by a look-ahead of `footer_rows` rows), so
a 100,000-row file takes the memory of a row. Choices, where a CSV leaves room:

- Statements: a CSV names none, so the pieces are one `StatementHead` per run of rows of one
  account and currency (usually the whole file), its entries, one `StatementEnd`. Its
  `statement_id` and `sequence` are "" (the console names such a statement by its account and
  checks no sequence), `created_at` is "". A file whose rows of one account and currency
  start again after another's is refused: each statement's rows come together, so the keys of
  its entries (keys.py counts occurrences within a statement) stay those of the whole.
- Currency: the profile's or the import's (the account's); a currency column then gives each
  row's own, and a row in another is yielded with its currency, in the account's statement:
  the console refuses it by itself, naming its line, as it does a camt.053 entry in another
  currency. With a currency column and no fixed currency, each currency is its own statement.
- Balances: with a running balance column, the opening is the balance before the oldest row
  (its balance less its amount, when the balance is after the row) and the closing the balance
  after the newest row, dated with their rows' booking dates; the opening is on the head and the
  closing on the end, so the console checks closing = opening + entries. A balance the file gives
  only on a row in another currency is no balance of the account: that end is None. Without a
  balance column both are None and the console cannot check the statement's balance.
- `newest_first`: the entries come in file order (newest first) and the balances are taken from
  the other ends. The opening is then at the end of the file, and the head comes first: the file
  is read twice, a first pass finding the openings (a stream that cannot seek is spooled to a
  temporary file first). The console adds the entries up in any order.
- Texts: the description (the label) is also the entry's remittance: it is what the bank says of
  the payment, and so two payments of one amount on one day are told apart by the entries'
  fingerprints (keys.py) rather than by their order alone. `raw` is the row as written, `where`
  its line ("line 12"); lines are the file's, counting the skipped lines and the header.

Refusals name the line and the column as the profile names it: `line 12, column Amount: '12,5'
is not an amount such as 1,234.56`; a header without the profile's columns names those missing.
Pieces yielded before a refusal were read correctly; the console refuses the file whole.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO, cast

from integrations.bank.csv_profile import CsvProfile
from integrations.bank.statement import Balance, Entry, FileRefused, Piece, StatementEnd, StatementHead
from integrations.canonical import MAX_CODE, MAX_RAW, MAX_TEXT, storable_problem
from integrations.iso4217 import ACTIVE_CURRENCIES
from integrations.tabular import Dialect, Row, TableRefused, table_rows

MAX_BYTES = 50 * 1024 * 1024  # as the console's STATEMENT_FILE_MAX_BYTES by default
MAX_FIELD = MAX_TEXT  # characters of a text the profile reads
SPOOL_IN_MEMORY = 8 * 1024 * 1024
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class _Booked:
    """A row read: its entry, and what places it in a statement."""

    line: int
    account: str
    currency: str  # the statement's (the account's)
    entry: Entry
    balance: Decimal | None  # as the running balance column writes it

    def balance_before(self, after_row: bool) -> Balance | None:
        if self.balance is None or self.entry.currency != self.currency:
            return None
        amount = self.balance - self.entry.amount if after_row else self.balance
        return Balance(amount=amount, currency=self.currency, date=self.entry.booking_date)

    def balance_after(self, after_row: bool) -> Balance | None:
        if self.balance is None or self.entry.currency != self.currency:
            return None
        amount = self.balance if after_row else self.balance + self.entry.amount
        return Balance(amount=amount, currency=self.currency, date=self.entry.booking_date)


def read(
    stream: BinaryIO, profile: CsvProfile, *, account: str = "", currency: str = "", max_bytes: int = MAX_BYTES
) -> Iterator[Piece]:
    """The pieces of a CSV statement: per account and currency a head, its entries in file
    order, an end. `account` and `currency` are the import's, for a profile that neither reads
    nor fixes them (and must agree with the profile's). Raises FileRefused (while iterating)
    for a file the profile cannot read, naming the line and the column."""
    fixed_account, fixed_currency = _fixed(profile, account, currency)
    after_row = profile.balance_is_after_row
    openings: list[Balance | None] = []
    with _Rewindable(stream, profile, max_bytes) as source:
        if profile.newest_first and profile.balance:
            start = source.tell()
            last: _Booked | None = None
            for row, starts in _runs(_booked(source, profile, fixed_account, fixed_currency, max_bytes)):
                if starts and last is not None:
                    openings.append(last.balance_before(after_row))
                last = row
            if last is not None:
                openings.append(last.balance_before(after_row))
            source.seek(start)
        first = last = None
        for row, starts in _runs(_booked(source, profile, fixed_account, fixed_currency, max_bytes)):
            if starts:
                if first is not None and last is not None:
                    yield _end(first, last, profile)
                first = row
                if profile.newest_first:
                    opening = openings.pop(0) if openings else None
                else:
                    opening = row.balance_before(after_row)
                yield StatementHead(
                    account=row.account,
                    currency=row.currency,
                    statement_id="",
                    sequence="",
                    created_at="",
                    opening=opening,
                    closing=None,
                    where=f"line {row.line}",
                )
            yield row.entry
            last = row
        if first is None or last is None:
            raise FileRefused("", "has no entries after its header")
        yield _end(first, last, profile)


def _end(first: _Booked, last: _Booked, profile: CsvProfile) -> StatementEnd:
    newest = first if profile.newest_first else last
    return StatementEnd(closing=newest.balance_after(profile.balance_is_after_row), where=f"line {last.line}")


def _fixed(profile: CsvProfile, account: str, currency: str) -> tuple[str, str]:
    """The account and currency the profile or the import fixes ("" when a column gives them)."""
    account, currency = account.strip(), currency.strip()
    if len(account) > MAX_CODE or storable_problem(account) is not None:
        raise FileRefused("", f"the import's account is not an account of at most {MAX_CODE} characters")
    if currency and currency not in ACTIVE_CURRENCIES:
        raise FileRefused("", f"the import's currency {currency[:10]!r} is not an active ISO 4217 code")
    for what, given, profiled in (("account", account, profile.account), ("currency", currency, profile.currency)):
        if given and profiled and given != profiled:
            raise FileRefused("", f"the import's {what} {given!r} is not profile {profile.name}'s {profiled!r}")
    account, currency = account or profile.account, currency or profile.currency
    if not account and not profile.account_column:
        raise FileRefused("", f"profile {profile.name} reads no account and fixes none: the import must name it")
    if not currency and not profile.currency_column:
        raise FileRefused("", f"profile {profile.name} reads no currency and fixes none: the import must give it")
    return account, currency


class _Rewindable:
    """The stream, or a temporary copy that can seek when it cannot and must be read twice."""

    def __init__(self, stream: BinaryIO, profile: CsvProfile, max_bytes: int) -> None:
        self.stream, self.copy = stream, None
        if profile.newest_first and profile.balance and not stream.seekable():
            self.copy = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY))
            # One byte over the limit is enough for the reader to refuse the file.
            shutil.copyfileobj(_Limited(stream, max_bytes + 1), self.copy)
            self.copy.seek(0)

    def __enter__(self) -> BinaryIO:
        return self.copy or self.stream

    def __exit__(self, *_: object) -> None:
        if self.copy is not None:
            self.copy.close()


class _Limited:
    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        return data


def _runs(booked: Iterator[_Booked]) -> Iterator[tuple[_Booked, bool]]:
    """Each row, and whether it starts a statement: a run of rows of one account and currency."""
    current: tuple[str, str] | None = None
    started: dict[tuple[str, str], int] = {}
    for row in booked:
        key = (row.account, row.currency)
        starts = key != current
        if starts:
            if key in started:
                raise FileRefused(
                    f"line {row.line}",
                    f"rows of account {row.account} in {row.currency} (from line {started[key]}) start again after "
                    "other rows: a statement's rows come together",
                )
            started[key] = row.line
            current = key
        yield row, starts


def _booked(stream: BinaryIO, profile: CsvProfile, account: str, currency: str, max_bytes: int) -> Iterator[_Booked]:
    dialect = profile.dialect()
    label = f"profile {profile.name}"
    try:
        rows = table_rows(stream, dialect, label=label, max_bytes=max_bytes, max_row=MAX_RAW)
        header = next(rows, None)
        if header is None:
            raise FileRefused("", "has no header row")
        index = _header(header, profile)
        for row in rows:
            yield _Cells(row, index, profile, dialect, len(header.cells)).booked(account, currency)
    except TableRefused as err:
        raise FileRefused(err.where, err.message) from None


def _header(header: Row, profile: CsvProfile) -> dict[str, int]:
    names = [name.strip().casefold() for name in header.cells]
    index: dict[str, int] = {}
    missing = []
    for field, column in profile.columns().items():
        wanted = column.strip().casefold()
        if names.count(wanted) > 1:
            raise FileRefused(
                f"line {header.line}",
                f"has the column {column!r} twice: which one profile {profile.name} reads is unclear",
            )
        if wanted in names:
            index[field] = names.index(wanted)
        else:
            missing.append(repr(column))
    if missing:
        shown = ", ".join(name.strip() for name in header.cells)
        raise FileRefused(
            f"line {header.line}",
            f"has no column {', '.join(missing)} (profile {profile.name}); it has: {shown[:500]}",
        )
    return index


class _Cells:
    """One row's cells by what they hold, and where each is (`line 7, column Amount`)."""

    def __init__(self, row: Row, index: dict[str, int], profile: CsvProfile, dialect: Dialect, width: int) -> None:
        self.row, self.index, self.profile, self.dialect = row, index, profile, dialect
        self.line = row.line
        if len(row.cells) > width and any(cell.strip() for cell in row.cells[width:]):
            raise FileRefused(f"line {self.line}", f"has {len(row.cells)} fields, the header {width}")

    def where(self, field: str) -> str:
        return f"line {self.line}, column {self.profile.columns()[field]}"

    def raw(self, field: str) -> str:
        position = self.index.get(field)
        if position is None or position >= len(self.row.cells):
            return ""
        return self.row.cells[position]

    def text(self, field: str, *, limit: int = MAX_FIELD) -> str:
        value = self.raw(field).strip()
        problem = storable_problem(value)
        if problem is not None:
            raise FileRefused(self.where(field), problem)
        if len(value) > limit:
            raise FileRefused(self.where(field), f"is longer than {limit:,} characters")
        return value

    def required(self, field: str, why: str = "") -> str:
        value = self.text(field)
        if not value:
            raise FileRefused(self.where(field), f"is required{why}")
        return value

    def amount(self, field: str, *, required: bool, why: str = "") -> Decimal:
        written = self.required(field, why) if required else self.raw(field)
        try:
            return self.dialect.amount(written)
        except ValueError as err:
            raise FileRefused(self.where(field), str(err)) from None

    def day(self, field: str, *, required: bool) -> date | None:
        written = self.required(field) if required else self.text(field)
        if not written:
            return None
        try:
            return self.dialect.day(written)
        except ValueError as err:
            raise FileRefused(self.where(field), str(err)) from None

    def signed_amount(self) -> Decimal:
        profile = self.profile
        if profile.amount_layout == "signed":
            return self.amount("amount", required=True)
        if profile.amount_layout == "debit_credit":
            debit, credit = self.amount("debit", required=False), self.amount("credit", required=False)
            if debit and credit:
                raise FileRefused(
                    f"line {self.line}, columns {profile.debit} and {profile.credit}",
                    "a row has a debit or a credit, not both",
                )
            if profile.debit_credit_signed:
                return debit + credit
            for field, value in (("debit", debit), ("credit", credit)):
                if value < 0:
                    raise FileRefused(
                        self.where(field),
                        f"{value} is negative: profile {profile.name} reads the columns unsigned "
                        "(debit_credit_signed is false)",
                    )
            return credit - debit
        amount = abs(self.amount("amount", required=True))
        word = self.required("indicator").casefold()
        if word == profile.debit_word.strip().casefold():
            return -amount
        if word == profile.credit_word.strip().casefold():
            return amount
        raise FileRefused(
            self.where("indicator"),
            f"{self.raw('indicator').strip()!r} is neither {profile.debit_word!r} (a debit) "
            f"nor {profile.credit_word!r} (a credit)",
        )

    def booked(self, fixed_account: str, fixed_currency: str) -> _Booked:
        profile = self.profile
        booking_date = self.day("booking_date", required=True)
        assert booking_date is not None
        amount = self.signed_amount()
        currency = fixed_currency
        if profile.currency_column:
            written = self.text("currency_column").upper()
            if written and not _CURRENCY.fullmatch(written):
                raise FileRefused(self.where("currency_column"), f"{written[:20]!r} is not a currency code")
            if not (written or currency):
                raise FileRefused(
                    self.where("currency_column"),
                    f"is required: neither profile {profile.name} nor the import gives it",
                )
            row_currency = written or currency
        else:
            row_currency = currency
        account = fixed_account
        if profile.account_column:
            written = self.text("account_column", limit=MAX_CODE)
            if written and account and written != account:
                raise FileRefused(self.where("account_column"), f"{written!r} is not the import's account {account!r}")
            if not (written or account):
                raise FileRefused(
                    self.where("account_column"), f"is required: neither profile {profile.name} nor the import names it"
                )
            account = written or account
        balance = None
        if profile.balance:
            balance = self.amount("balance", required=True, why=f": profile {profile.name} reads a running balance")
        description = self.text("description") if profile.description else ""
        details = tuple(
            (column, value)
            for index, column in enumerate(profile.extra_columns)
            if (value := self.text(f"extra_columns[{index}]"))
        )
        entry = Entry(
            booking_date=booking_date,
            value_date=self.day("value_date", required=False) if profile.value_date else None,
            amount=amount,
            currency=row_currency,
            description=description,
            counterparty_name=self.text("counterparty_name") if profile.counterparty_name else "",
            counterparty_account=self.text("counterparty_account") if profile.counterparty_account else "",
            bank_reference=self.text("reference") if profile.reference else "",
            remittance=description,
            bank_code=self.text("bank_code") if profile.bank_code else "",
            details=details,
            raw=self.row.text,
            where=f"line {self.line}",
        )
        return _Booked(self.line, account, currency or row_currency, entry, balance)
