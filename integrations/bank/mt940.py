"""SWIFT MT940 (customer statement message) read line by line as a stream of `statement.py`
pieces: a statement's head when its opening balance (:60F:/:60M:) is read, each entry when
the field after its :86: begins, the end after its closing balance (:62F:/:62M:) and any
:64:/:65:. A 100,000-entry file takes the memory of one entry.

Our own parser rather than `mt-940` (installed, 5.1.1): that library reads the whole text
and merges every statement of a file into one `Transactions` (the balances of all but one
are lost, which the console's balance and sequence controls need per statement), returns
nothing at all for a file that is not MT940, and fails with a RuntimeError that names no
line. What it knows about banks' quirks is kept here as rules of our own, tested below.

Choices, where the standard or the banks leave room:

- Framing: the SWIFT envelope (`{1:...}{2:...}{4:` ... `-}` and trailer blocks) is
  optional; so are the headers Dutch banks write before each message (ABN AMRO's BIC and
  `940` lines, ING's `0000 01INGBNL2AXXXX00001`, Rabobank's `:940:`). A statement runs
  from :20: to its closing balance; the next :20:, a `-` line or the file's end closes it.
  Anything else outside a statement is refused. Blank lines are skipped everywhere.
- Lines: LF or CRLF; each decoded as UTF-8, else cp1252 (Windows exports of Dutch and
  German banks), else latin-1 (the five bytes cp1252 leaves undefined): MT940 is ASCII
  by the standard, and a latin-1 line is almost never valid UTF-8, so line by line is safe.
- :25: a `BIC/account` form puts the BIC on the head (`bic`, else the envelope's or the
  header's sender); an IBAN followed by its currency (ING) loses the currency. Other ids
  are kept as written (Rabobank's `1291.99.348EUR`).
- :61: two-digit years are 2000-2079 and 1980-1999. The entry date (MMDD) takes the year
  that puts it nearest the value date, so a 31 December value booked on 2 January is
  booked in the next year; without one the booking date is the value date. `C`/`D` give
  the sign; `RC`/`RD` (reversals) give the sign of the money's real direction, so RD
  (a debit reversed) is positive. Amounts may lack the comma (Knab) or carry leading
  zeros past the standard's 15 characters (Rabobank). The customer reference and the bank
  reference (after `//`) are SWIFT's 16 characters; what follows on the line, and the
  line after, is the supplementary details (Rabobank puts the counterparty's name there).
  `NONREF` is no reference.
- :86: (several :86: fields of one entry, Rabobank's way, are one text) is read in one of
  three ways. `?`-coded (the German GVC layout, `166?00...?20...?32...`): ?20-?29 and
  ?60-?63 are the remittance, split at the SEPA keywords (`EREF+` the end-to-end id,
  `SVWZ+` the remittance) when it has them; ?30/?31 the counterparty's bank and account,
  ?32/?33 its name. `/KEY/`-coded (ING, ABN AMRO, Rabobank since SEPA): /NAME/, /IBAN/,
  /BIC/, /CNTP/ (account/BIC/name/city), /REMI/, /EREF/. Otherwise free text: the
  remittance as far as anyone can tell (the payer's message mixed with the bank's words).
  Lines are joined with nothing where the bank cut a line at the full width of 65, with
  a space where it ended one. Every other sub-field is kept in `details`, by its code.
  An :86: that belongs to no entry (after the closing balance: ING) is statement-level
  information: not kept.
- Balances are not checked against the entries (the console does that). :65: (forward
  available) is read for its syntax and not kept.

A refusal names the line: `line 14: the :61: amount is not an amount: '12,5,0'`. Pieces
yielded before a refusal were read correctly; the console refuses the file whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from integrations.bank.accounts import bic_or_blank, compact, iban_problem, looks_like_iban
from integrations.bank.statement import Balance, Entry, FileRefused, Piece, StatementEnd, StatementHead

MAX_BYTES = 200 * 1024 * 1024  # the console's own limit is lower; this one holds without it
MAX_LINE = 2000  # bytes: SWIFT lines are 65 characters; ING writes an :86: of ~400 on one line
MAX_FIELD_LINES = 100  # lines of one field (SWIFT allows 6 for :86:, banks write more)

_TAG = re.compile(r":([0-9]{2}[A-Z]?):")
_KNOWN_TAGS = frozenset(
    {"20", "21", "13", "13D", "25", "25P", "28", "28C", "60F", "60M", "61", "86", "62F", "62M", "64", "65"}
)
# A message trailer: `-`, `-}`, or ING's `-XXX`.
_TRAILER = re.compile(r"-(?:[A-Z0-9]{0,4})(\}.*)?\Z")
_ENVELOPE = re.compile(r"\{[1-5S]:")
# The fields that go on over several lines, and how many they may take.
_MULTILINE = {"61": 2, "86": MAX_FIELD_LINES}
_BIC = r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?"
# Lines banks write before a message, outside the SWIFT envelope: a BIC, `940` (ABN AMRO),
# `0000 01<LT address><number>` (ING), `:940:` (Rabobank).
_HEADER_BIC = re.compile(rf"({_BIC})\Z")
_HEADER_LT = re.compile(r"[0-9]{4} [0-9]{2}([A-Z]{6}[A-Z0-9]{2})[A-Z0-9]([A-Z0-9]{3})[0-9]*\Z")
_HEADER_OTHER = re.compile(r"(?::940:|940(?: [0-9]{2})?)\Z")
_DATE6 = re.compile(r"[0-9]{6}")
_DATE4 = re.compile(r"[0-9]{4}")
_MARK = re.compile(r"R?[CD]")
_FUNDS = re.compile(r"[A-Z]")
_AMOUNT_TEXT = re.compile(r"[0-9][0-9,.]*")
_AMOUNT = re.compile(r"(?=[0-9,]{1,18}\Z)[0-9]+(?:,[0-9]*)?\Z")
_TYPE = re.compile(r"[NFS][A-Z0-9]{3}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_NO_REFERENCE = "NONREF"
_WIDTH = 65  # SWIFT's line of x characters
_GVC_WIDTH = 27  # a ?2x sub-field
_GVC = re.compile(r"([0-9]{3})?(\?[0-9]{2}.*)\Z", re.DOTALL)
_GVC_FIELD = re.compile(r"\?([0-9]{2})")
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+")
_SLASH_KEYS = (
    "TRTP|CNTP|IBAN|BIC|NAME|REMI|EREF|ORDP|BENM|ADDR|MARF|CSID|PREF|RTRN|IREF|KREF|PURP|ULTC|ULTD|ULTB|"
    "ISDT|SVCL|EXCH|OCMT|CHGS|BUSP|ID"
)
_SLASH = re.compile(rf"/({_SLASH_KEYS})/")


def read(stream: BinaryIO) -> Iterator[Piece]:
    """The pieces of an MT940 file: per statement a head, its entries, an end. Raises
    FileRefused (while iterating) for anything else or anything malformed."""
    yield from _Reader().pieces(_lines(stream))


def _lines(stream: BinaryIO) -> Iterator[tuple[int, str]]:
    """(line number, text without its line ending), within the limits."""
    size = 0
    number = 0
    while True:
        raw = stream.readline(MAX_LINE + 3)
        if not raw:
            return
        number += 1
        size += len(raw)
        if size > MAX_BYTES:
            raise FileRefused(f"line {number}", f"the file is over the limit of {MAX_BYTES:,} bytes")
        raw = raw.rstrip(b"\r\n")
        if len(raw) > MAX_LINE:
            raise FileRefused(f"line {number}", f"the line is longer than {MAX_LINE:,} bytes")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
        if number == 1:
            text = text.removeprefix("\ufeff")
        yield number, text


@dataclass
class _Field:
    tag: str
    line: int
    lines: list[str]  # as written, the first with its tag

    @property
    def value(self) -> str:
        return self.lines[0][len(self.tag) + 2 :]


@dataclass
class _Statement:
    line: int
    statement_id: str
    account: str = ""
    bic: str = ""
    sequence: str = ""
    created_at: str = ""
    head: StatementHead | None = None
    closing: Balance | None = None
    closing_line: int = 0
    available: Balance | None = None
    entry: list[_Field] = field(default_factory=list)  # the pending :61: and its :86: fields


class _Reader:
    def __init__(self) -> None:
        self.statement: _Statement | None = None
        self.current: _Field | None = None  # the field being read, until a line starts another
        self.statements = 0
        self.message_bic = ""  # the sender's, from the envelope or a bank's header line

    def pieces(self, lines: Iterator[tuple[int, str]]) -> Iterator[Piece]:
        for number, text in lines:
            if text.strip():
                yield from self._line(number, text)
        yield from self._field_done()
        if self.statement is not None:
            yield from self._close(None)
        if self.statements == 0:
            raise FileRefused("", "the file holds no statement (no :20: field)")

    def _line(self, number: int, text: str) -> Iterator[Piece]:
        where = f"line {number}"
        stripped = text.strip()
        tag = _TAG.match(text)
        trailer = None if tag else _TRAILER.match(stripped)
        envelope = None if tag or trailer else _ENVELOPE.match(stripped)
        if tag is None and trailer is None and envelope is None and self.current is not None:
            current = self.current
            if current.tag not in _MULTILINE:
                raise FileRefused(where, f"text that is neither a field nor part of the :{current.tag}: field above")
            if len(current.lines) >= _MULTILINE[current.tag]:
                raise FileRefused(where, f"the :{current.tag}: field is over {_MULTILINE[current.tag]} lines")
            current.lines.append(text)
            return
        yield from self._field_done()
        if tag is not None:
            if tag.group(1) not in _KNOWN_TAGS:
                raise FileRefused(where, f"an MT940 has no field :{tag.group(1)}:")
            self.current = _Field(tag.group(1), number, [text])
            return
        if trailer is not None or envelope is not None:
            if self.statement is not None:
                yield from self._close(number)
        if trailer is not None:
            self.message_bic = ""
            rest = (trailer.group(1) or "")[1:]
            if rest:
                yield from self._envelope(number, rest)
            return
        if envelope is not None:
            yield from self._envelope(number, stripped)
            return
        if (bic := _HEADER_BIC.match(stripped)) is not None and bic_or_blank(bic.group(1)):
            self.message_bic = bic_or_blank(bic.group(1))
            return
        if (lt := _HEADER_LT.match(stripped)) is not None:
            self.message_bic = bic_or_blank(lt.group(1) + lt.group(2))
            return
        if _HEADER_OTHER.match(stripped):
            return
        raise FileRefused(where, f"text outside a statement (a statement starts with :20:): {stripped[:40]!r}")

    def _field_done(self) -> Iterator[Piece]:
        if self.current is not None:
            done, self.current = self.current, None
            yield from self._field(done)

    def _envelope(self, number: int, text: str) -> Iterator[Piece]:
        """Blocks `{1:...}{2:...}{3:{...}}{4:` opening a message, or `{5:...}` closing one;
        text after `{4:` on its line is the message's first line."""
        where = f"line {number}"
        position = 0
        while position < len(text):
            if text[position] != "{":
                raise FileRefused(
                    where, f"text in the SWIFT envelope where a block was expected: {text[position:][:40]!r}"
                )
            block = text[position + 1 : position + 3]
            if block == "4:":
                rest = text[position + 3 :]
                if rest.strip():
                    if not _TAG.match(rest):
                        raise FileRefused(where, f"text after {{4: that is not a field: {rest[:40]!r}")
                    yield from self._line(number, rest)
                return
            end = _block_end(text, position)
            if end < 0:
                raise FileRefused(where, f"an unclosed block in the SWIFT envelope: {text[position:][:40]!r}")
            content = text[position + 3 : end]
            if block == "2:" and content.startswith("O") and len(content) >= 26:
                # An output message: the sender's LT address (BIC8, terminal, branch) at 14-25.
                self.message_bic = bic_or_blank(content[14:22] + content[23:26])
            position = end + 1

    # -- fields --------------------------------------------------------------------------

    def _field(self, fld: _Field) -> Iterator[Piece]:
        where = f"line {fld.line}"
        tag = fld.tag
        statement = self.statement
        if tag == "20":
            if statement is not None:
                yield from self._close(fld.line)
            self.statements += 1
            self.statement = _Statement(fld.line, fld.value.strip())
            return
        if statement is None:
            raise FileRefused(where, f":{tag}: outside a statement (a statement starts with :20:)")
        if tag == "86" and statement.entry:
            statement.entry.append(fld)
            return
        if statement.entry:
            yield self._entry(statement)
        if tag == "86":
            return  # information on the statement as a whole
        if tag == "61":
            if statement.head is None:
                raise FileRefused(where, "an entry (:61:) before the opening balance (:60F:/:60M:)")
            if statement.closing is not None:
                raise FileRefused(where, f"an entry (:61:) after the closing balance of line {statement.closing_line}")
            statement.entry = [fld]
            return
        if tag in ("21", "13", "13D", "25P"):
            if tag.startswith("13"):
                statement.created_at = fld.value.strip()
            return
        if tag in ("25", "28", "28C"):
            if statement.head is not None:
                raise FileRefused(where, f":{tag}: after the opening balance")
            if tag == "25":
                statement.account, statement.bic = _account(fld.value, where)
            else:
                statement.sequence = fld.value.strip()
            return
        balance = _balance(fld.value, where, tag)
        if tag in ("60F", "60M"):
            if statement.head is not None:
                raise FileRefused(where, "a second opening balance")
            if not statement.account:
                raise FileRefused(where, "no account (:25:) before the opening balance")
            statement.head = StatementHead(
                account=statement.account,
                currency=balance.currency,
                statement_id=statement.statement_id,
                sequence=statement.sequence,
                created_at=statement.created_at,
                opening=balance,
                closing=None,
                where=f"line {statement.line}",
                bic=statement.bic or self.message_bic,
            )
            yield statement.head
            return
        head = statement.head
        if head is None:
            raise FileRefused(where, f"no opening balance (:60F:/:60M:) before :{tag}:")
        if balance.currency != head.currency:
            raise FileRefused(where, f"a balance in {balance.currency} on a statement in {head.currency}")
        if tag in ("62F", "62M"):
            if statement.closing is not None:
                raise FileRefused(where, f"a second closing balance (the first at line {statement.closing_line})")
            statement.closing, statement.closing_line = balance, fld.line
        elif statement.closing is None:
            raise FileRefused(where, f":{tag}: before the closing balance (:62F:/:62M:)")
        elif tag == "64" and statement.available is None:
            statement.available = balance

    def _close(self, line: int | None) -> Iterator[Piece]:
        """End the open statement (at `line`, None at the file's end)."""
        statement = self.statement
        assert statement is not None
        if statement.entry:
            yield self._entry(statement)
        where = f"line {statement.line}"
        if statement.head is None:
            missing = ":25: and :60F:" if not statement.account else ":60F:/:60M:"
            raise FileRefused(where, f"the statement has no opening balance ({missing} missing)")
        if statement.closing is None:
            ended = "the file ends" if line is None else f"line {line} ends it"
            raise FileRefused(where, f"the statement has no closing balance (:62F:/:62M:): {ended}")
        self.statement = None
        yield StatementEnd(
            closing=statement.closing, available=statement.available, where=f"line {statement.closing_line}"
        )

    def _entry(self, statement: _Statement) -> Entry:
        fields, statement.entry = statement.entry, []
        head = statement.head
        assert head is not None
        return _entry(fields, head.currency)


def _block_end(text: str, start: int) -> int:
    """The index of the brace closing the block opened at `start`; -1 when there is none."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _year(two: int) -> int:
    return 2000 + two if two < 80 else 1900 + two


def _date6(text: str, where: str, what: str) -> date:
    if _DATE6.fullmatch(text):
        try:
            return date(_year(int(text[:2])), int(text[2:4]), int(text[4:]))
        except ValueError:
            pass
    raise FileRefused(where, f"{what} is not a date (YYMMDD): {text!r}")


def _entry_date(text: str, value: date, where: str) -> date:
    """The MMDD entry date in the year that puts it nearest the value date."""
    month, day = int(text[:2]), int(text[2:])
    candidates = []
    for year in (value.year, value.year - 1, value.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if year == value.year and abs((candidate - value).days) <= 182:
            return candidate  # nearer than any in the year before or after
        candidates.append(candidate)
    if not candidates:
        raise FileRefused(where, f"the :61: entry date is not a date (MMDD): {text!r}")
    return min(candidates, key=lambda candidate: abs((candidate - value).days))


def _amount(text: str, where: str, what: str) -> Decimal:
    if not _AMOUNT.match(text):
        raise FileRefused(where, f"{what} is not an amount: {text!r}")
    whole, _, fraction = text.partition(",")
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def _balance(value: str, where: str, tag: str) -> Balance:
    """`C110522EUR3236,28`: mark, date, currency, amount."""
    text = value.strip()
    what = f"the :{tag}: balance"
    if text[:1] not in ("C", "D"):
        raise FileRefused(where, f"{what} has no C or D mark first: {text[:20]!r}")
    on = _date6(text[1:7], where, f"{what}'s date")
    currency = text[7:10]
    if not _CURRENCY.fullmatch(currency):
        raise FileRefused(where, f"{what}'s currency is not a currency code: {currency!r}")
    amount = _amount(text[10:], where, f"{what}'s amount")
    return Balance(amount=-amount if text[0] == "D" else amount, currency=currency, date=on)


def _account(value: str, where: str) -> tuple[str, str]:
    """The account id of :25: and the BIC it names ("" when none)."""
    text = value.strip()
    bic = ""
    left, slash, right = text.partition("/")
    if slash and right.strip() and (found := bic_or_blank(left)):
        bic, text = found, right.strip()
    if not text:
        raise FileRefused(where, "the :25: account is empty")
    squeezed = compact(text)
    if looks_like_iban(squeezed) and iban_problem(squeezed) and squeezed[-3:].isalpha():
        without_currency = squeezed[:-3]
        if looks_like_iban(without_currency) and not iban_problem(without_currency):
            return without_currency, bic
    return text, bic


@dataclass
class _Information:
    """What an :86: says."""

    counterparty_name: str = ""
    counterparty_account: str = ""
    counterparty_bic: str = ""
    remittance: str = ""
    end_to_end_id: str = ""
    text: str = ""  # the narrative when there is no remittance (?00, /TRTP/, free text)
    details: list[tuple[str, str]] = field(default_factory=list)


def _entry(fields: list[_Field], currency: str) -> Entry:
    statement_line, *information = fields
    where = f"line {statement_line.line}"
    text = statement_line.value
    what = "the :61:"
    value_date = _date6(text[:6], where, f"{what} value date")
    position = 6
    booking_date = value_date
    if _DATE4.match(text, position):
        booking_date = _entry_date(text[6:10], value_date, where)
        position = 10
    mark = _MARK.match(text, position)
    if mark is None:
        raise FileRefused(where, f"{what} has no C, D, RC or RD mark after its date(s): {text[position:][:20]!r}")
    position = mark.end()
    if _FUNDS.match(text, position):
        position += 1  # the funds code: the currency's third letter
    written = _AMOUNT_TEXT.match(text, position)
    if written is None:
        raise FileRefused(where, f"{what} has no amount after its mark: {text[position:][:20]!r}")
    amount = _amount(written.group(), where, f"{what} amount")
    position = written.end()
    code = _TYPE.match(text, position)
    if code is None:
        raise FileRefused(
            where,
            f"{what} has no transaction type (N, F or S, then 3 characters) after its amount: {text[position:][:20]!r}",
        )
    rest = text[code.end() :]
    split = rest.find("//", 0, 18)
    if split >= 0:
        reference, bank_reference, supplementary = rest[:split], rest[split + 2 : split + 18], rest[split + 18 :]
    else:
        reference, bank_reference, supplementary = rest[:16], "", rest[16:]
    more = " ".join(line.strip() for line in statement_line.lines[1:])
    supplementary = " ".join(part for part in (supplementary.strip(), more) if part)
    reference, bank_reference = _reference(reference), _reference(bank_reference)
    sign = -1 if mark.group().endswith("D") else 1
    if mark.group().startswith("R"):
        sign = -sign  # a reversed debit is money back
    info = _information(information)
    details = []
    if reference:
        details.append(("customer reference", reference))
    if supplementary:
        details.append(("supplementary details", supplementary))
    details.extend(info.details)
    raw = "\n".join(line for part in fields for line in part.lines)
    return Entry(
        booking_date=booking_date,
        value_date=value_date,
        amount=sign * amount,
        currency=currency,
        description=info.remittance or info.text or supplementary or code.group(),
        counterparty_name=info.counterparty_name,
        counterparty_account=info.counterparty_account,
        counterparty_bic=info.counterparty_bic,
        bank_reference=bank_reference,
        end_to_end_id=info.end_to_end_id,
        remittance=info.remittance,
        bank_code=code.group(),
        reversal=mark.group().startswith("R"),
        details=tuple(details),
        raw=raw,
        where=where,
    )


def _reference(text: str) -> str:
    stripped = text.strip()
    return "" if stripped == _NO_REFERENCE else stripped


def _joined(lines: list[str], width: int) -> str:
    """Lines as one text: a line of the full width (cut there by the bank) runs on into the
    next, a shorter one ends with a space."""
    text = ""
    cut = False
    for line in lines:
        if text and not cut and not text.endswith(" ") and not line.startswith(" "):
            text += " "
        cut = len(line) >= width
        text += line if cut else line.rstrip()
    return text.strip()


def _information(fields: list[_Field]) -> _Information:
    lines = [line for fld in fields for line in (fld.value, *fld.lines[1:])]
    if not lines:
        return _Information()
    whole = "".join(lines)
    gvc = _GVC.match(whole)
    if gvc is not None:
        return _gvc(gvc.group(1) or "", gvc.group(2))
    if _SLASH.match(whole):
        return _slashes(whole)
    text = _joined(lines, _WIDTH)
    return _Information(remittance=text, text=text)


def _gvc(code: str, text: str) -> _Information:
    """`?00posting text?20remittance...?30bank?31account?32name`."""
    info = _Information()
    if code:
        info.details.append(("GVC", code))
    parts = _GVC_FIELD.split(text)
    remittance: list[str] = []
    name: list[str] = []
    for number, value in zip(parts[1::2], parts[2::2], strict=True):
        key = int(number)
        if 20 <= key <= 29 or 60 <= key <= 63:
            remittance.append(value)
        elif key in (32, 33):
            name.append(value)
        elif key == 31:
            info.counterparty_account = value.strip()
        elif key == 30 and (bic := bic_or_blank(value)):
            info.counterparty_bic = bic
        elif value.strip():
            info.details.append((f"?{number}", value.strip()))
            if key == 0:
                info.text = value.strip()
    info.counterparty_name = _joined(name, _GVC_WIDTH)
    purpose = _joined(remittance, _GVC_WIDTH)
    keyed = list(_SEPA_KEY.finditer(purpose))
    if not keyed:
        info.remittance = purpose
        return info
    before = purpose[: keyed[0].start()].strip()
    for index, found in enumerate(keyed):
        end = keyed[index + 1].start() if index + 1 < len(keyed) else len(purpose)
        value = purpose[found.end() : end].strip()
        keyword = found.group(1)
        if keyword == "SVWZ":
            info.remittance = value
        elif keyword == "EREF":
            info.end_to_end_id = "" if value == "NOTPROVIDED" else value
        elif value:
            info.details.append((f"{keyword}+", value))
    if not info.remittance:
        info.remittance = before
    return info


def _slashes(text: str) -> _Information:
    """`/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/BIC/RABONL2U/NAME/X/REMI/Y/EREF/Z`."""
    info = _Information()
    keys = list(_SLASH.finditer(text))
    for index, found in enumerate(keys):
        end = keys[index + 1].start() if index + 1 < len(keys) else len(text)
        key = found.group(1)
        value = text[found.end() : end].strip()
        if key == "CNTP":
            parts = [*value.split("/"), "", "", ""]
            info.counterparty_account = info.counterparty_account or parts[0].strip()
            info.counterparty_bic = info.counterparty_bic or parts[1].strip()
            info.counterparty_name = info.counterparty_name or parts[2].strip()
            continue
        value = value.rstrip("/").strip()
        if key == "NAME" and not info.counterparty_name:
            info.counterparty_name = value
        elif key == "IBAN" and not info.counterparty_account:
            info.counterparty_account = value
        elif key == "BIC" and not info.counterparty_bic:
            info.counterparty_bic = value
        elif key == "REMI" and not info.remittance:
            for prefix in ("USTD//", "USTD/", "STRD/CUR/", "STRD//", "STRD/"):
                if value.startswith(prefix):
                    value = value[len(prefix) :].strip()
                    break
            info.remittance = value
        elif key == "EREF" and not info.end_to_end_id:
            info.end_to_end_id = "" if value == "NOTPROVIDED" else value
        elif value:
            info.details.append((key, value))
            if key == "TRTP":
                info.text = value
    return info
