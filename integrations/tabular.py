"""Tables that other systems export as text (a bank's CSV statement, a payroll system's GL
export), read as their profile says they are written: the CSV dialect, the encoding, the lines
around the table, and how amounts and dates are spelled. What the columns mean is each
reader's own (integrations/bank/csv_statement.py, integrations/payroll/gl_csv.py).

`table_rows` streams: the bytes are decoded a chunk at a time and handed to the csv module a line at
a time, so memory holds one row (and the few footer rows being looked ahead at), never the
file. Line numbers are the file's, counting the lines skipped before the table and the blank
lines: the line a person sees in an editor.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO, NamedTuple

from integrations.canonical import AMOUNT_DIGITS, CENT

DECIMAL_SEPARATORS = (".", ",")
THOUSANDS_SEPARATORS = ("", ",", ".", " ", "'", "\u00a0", "\u202f")
# Rows skipped before or after a table: a few title or total lines, never a table's worth
# (the footer rows are held in memory while the reader looks ahead).
MAX_ROWS_AROUND = 100
# A row as written, quoted line breaks and all (canonical's MAX_RAW: what a line may keep of it).
MAX_ROW = 20000
CHUNK = 64 * 1024
_PLAIN = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
# A date the format must write and read back unchanged: it names the year, month and day.
_PROBE = date(2026, 11, 28)


class TableRefused(ValueError):
    """The text is not a table as the dialect reads it; `where` is "line N" or "" (the file)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


class BadSetting(ValueError):
    """A setting that could not read any file, naming the setting."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting
        self.message = message


class Row(NamedTuple):
    line: int  # the line the row starts on
    cells: list[str]
    text: str  # the row as written, without its line ending


@dataclass(frozen=True, slots=True)
class Dialect:
    delimiter: str = ","
    quotechar: str = '"'
    encoding: str = "utf-8-sig"  # a UTF-8 file with or without the BOM spreadsheets write
    skip_rows: int = 0  # lines before the header, blank ones too (a title, the account, the period)
    footer_rows: int = 0  # non-empty rows after the last one, left out (a total, "end of report")
    date_format: str = "%Y-%m-%d"  # strptime's
    decimal_separator: str = "."
    thousands_separator: str = ""

    def __post_init__(self) -> None:
        if len(self.delimiter) != 1 or self.delimiter in "\r\n":
            raise BadSetting("delimiter", f"{self.delimiter!r} is not one character other than a line break")
        if len(self.quotechar) != 1 or self.quotechar in "\r\n" or self.quotechar == self.delimiter:
            raise BadSetting("quotechar", f"{self.quotechar!r} is not one character other than the delimiter")
        try:
            "a".encode(self.encoding)  # not b"".decode(): it answers "" for any name
        except LookupError:
            raise BadSetting("encoding", f"{self.encoding!r} is not a text encoding") from None
        for setting in ("skip_rows", "footer_rows"):
            value = getattr(self, setting)
            if not 0 <= value <= MAX_ROWS_AROUND:
                raise BadSetting(setting, f"{value} is not between 0 and {MAX_ROWS_AROUND}")
        try:
            readable = datetime.strptime(_PROBE.strftime(self.date_format), self.date_format).date() == _PROBE
        except ValueError:
            readable = False
        if not readable:
            raise BadSetting("date_format", f"{self.date_format!r} does not write and read back a year, month and day")
        if self.decimal_separator not in DECIMAL_SEPARATORS:
            raise BadSetting("decimal_separator", f"{self.decimal_separator!r} is not one of {DECIMAL_SEPARATORS}")
        if self.thousands_separator not in THOUSANDS_SEPARATORS:
            raise BadSetting(
                "thousands_separator", f"{self.thousands_separator!r} is not one of {THOUSANDS_SEPARATORS}"
            )
        if self.thousands_separator == self.decimal_separator:
            raise BadSetting("thousands_separator", f"{self.thousands_separator!r} is the decimal separator too")

    def amount(self, value: str) -> Decimal:
        """The amount a cell writes ("" is 0.00), exact to the cent; ValueError saying why it is not one."""
        written = value.strip()
        if not written:
            return Decimal("0.00")
        whole, _, fraction = written.partition(self.decimal_separator)
        if self.thousands_separator and self.thousands_separator in whole:
            if not re.fullmatch(rf"-?[0-9]{{1,3}}(?:{re.escape(self.thousands_separator)}[0-9]{{3}})+", whole):
                raise ValueError(f"{written!r} is not an amount such as {self._example()}")
            whole = whole.replace(self.thousands_separator, "")
        plain = f"{whole}.{fraction}" if fraction or written.endswith(self.decimal_separator) else whole
        # Decimal() reads other digits (Arabic-Indic, full-width) and "NaN": only 0-9 are an amount.
        match = _PLAIN.fullmatch(plain) if plain.isascii() else None
        if match is None:
            raise ValueError(f"{written!r} is not an amount such as {self._example()}")
        if len(match.group(2)) > AMOUNT_DIGITS:
            raise ValueError(f"{written!r} is too large: at most {AMOUNT_DIGITS} digits before the decimal point")
        number = Decimal(plain)
        if number != number.quantize(CENT):
            raise ValueError(f"{written!r} has more than 2 decimal places: an amount is to the cent, never rounded")
        return number.quantize(CENT) + 0  # + 0: "-0.00" is 0.00

    def day(self, value: str) -> date:
        try:
            return datetime.strptime(value.strip(), self.date_format).date()
        except ValueError:
            raise ValueError(f"{value.strip()!r} is not a date written {self.date_format}") from None

    def _example(self) -> str:
        return f"1{self.thousands_separator}234{self.decimal_separator}56"


def table_rows(
    stream: BinaryIO, dialect: Dialect, *, label: str, max_bytes: int | None = None, max_row: int = MAX_ROW
) -> Iterator[Row]:
    """The table's non-empty rows (the header first) after the `skip_rows` lines before it and
    without the `footer_rows` last ones. TableRefused names the line of text that is not of the
    encoding or not CSV, or longer than `max_row` characters; and the file, past `max_bytes`.
    `label` says whose dialect it is in a refusal ("profile chase_checking")."""
    feed = _Feed(_lines(stream, dialect, max_bytes, max_row), max_row)
    for _ in range(dialect.skip_rows):
        if next(feed, None) is None:
            return
    feed.taken.clear()
    feed.size = 0
    reader = csv.reader(feed, delimiter=dialect.delimiter, quotechar=dialect.quotechar, strict=True)
    held: deque[Row] = deque()
    while True:
        feed.start = feed.count + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise TableRefused(f"line {feed.start}", f"is not CSV as {label} reads it: {err}") from None
        text = "".join(feed.taken)
        feed.taken.clear()
        feed.size = 0
        if not any(cell.strip() for cell in cells):
            continue
        held.append(Row(feed.start, cells, text.removesuffix("\n").removesuffix("\r")))
        if len(held) > dialect.footer_rows:
            yield held.popleft()


class _Feed:
    """The lines handed to csv.reader, keeping those of the row being read (its text as written)."""

    def __init__(self, lines: Iterator[str], max_row: int) -> None:
        self.lines, self.max_row = lines, max_row
        self.count = 0  # lines handed out
        self.start = 1  # the line the row being read starts on
        self.taken: list[str] = []
        self.size = 0

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        text = next(self.lines)
        self.count += 1
        self.size += len(text)
        if self.size > self.max_row:
            # A quote left open swallows the lines after it: stop it before it holds the file.
            raise TableRefused(f"line {self.start}", f"the row is longer than {self.max_row:,} characters")
        self.taken.append(text)
        return text


def _lines(stream: BinaryIO, dialect: Dialect, max_bytes: int | None, max_row: int) -> Iterator[str]:
    """The decoded text, line by line with each line's end ("\\n" or "\\r\\n")."""
    decoder = codecs.getincrementaldecoder(dialect.encoding)(errors="strict")
    decoded_lines = 0  # the line breaks decoded so far: where a bad byte is
    size = 0
    pending = ""
    first = True
    while True:
        chunk = stream.read(CHUNK)
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise TableRefused("", f"the file is larger than the limit of {max_bytes:,} bytes")
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as err:
            before = bytes(err.object[: err.start]).decode(dialect.encoding, errors="replace")
            line = decoded_lines + before.count("\n") + 1
            raise TableRefused(
                f"line {line}", f"is not {dialect.encoding} text (byte {err.object[err.start]:#04x})"
            ) from None
        if first and text:
            # A BOM the encoding does not take away itself (utf-8 rather than utf-8-sig).
            text, first = text.removeprefix("\ufeff"), False
        decoded_lines += text.count("\n")
        pending += text
        start = 0
        while (end := pending.find("\n", start)) >= 0:
            yield pending[start : end + 1]
            start = end + 1
        pending = pending[start:]
        if len(pending) > max_row:
            raise TableRefused(f"line {decoded_lines + 1}", f"the row is longer than {max_row:,} characters")
        if not chunk:
            if pending:
                yield pending
            return
