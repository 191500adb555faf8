"""How one payroll system writes its GL export: the CSV dialect, the number and date
formats, and which column holds what. Like the bank CSV profiles (and OCA's sheet import
mappings), a profile is data: a new export is a new profile, not new code.

Column names are matched to the header without regard to case or surrounding spaces. A
column the profile names must be in the header; name "" for one the export does not have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from integrations.canonical import AMOUNT_DIGITS, CENT

DECIMAL_SEPARATORS = (".", ",")
THOUSANDS_SEPARATORS = ("", ",", ".", " ", "'", "\u00a0", "\u202f")
_PLAIN = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")


@dataclass(frozen=True, slots=True)
class GLProfile:
    name: str
    delimiter: str = ","
    quotechar: str = '"'
    encoding: str = "utf-8-sig"  # a UTF-8 file with or without the BOM spreadsheets write
    skip_rows: int = 0  # rows before the header, blank ones too (a title, the company's name, the report's date)
    footer_rows: int = 0  # rows after the last line (a total row), left out
    date_format: str = "%Y-%m-%d"  # strptime's
    decimal_separator: str = "."
    thousands_separator: str = ""
    account: str = "account"  # the source's GL code, mapped by the console's account mapping
    debit: str = "debit"
    credit: str = "credit"
    description: str = "description"
    department: str = "department"  # or a cost centre
    run_id: str = ""  # "" when the upload names the run
    pay_date: str = ""  # "" when the upload gives it
    period_start: str = ""
    period_end: str = ""

    def __post_init__(self) -> None:
        if len(self.delimiter) != 1 or len(self.quotechar) != 1 or self.delimiter == self.quotechar:
            raise ValueError(f"profile {self.name}: delimiter and quote are two different single characters")
        if self.decimal_separator not in DECIMAL_SEPARATORS:
            raise ValueError(f"profile {self.name}: the decimal separator is one of {DECIMAL_SEPARATORS}")
        if self.thousands_separator not in THOUSANDS_SEPARATORS or self.thousands_separator == self.decimal_separator:
            raise ValueError(f"profile {self.name}: the thousands separator is not one we read, or is the decimal one")
        if self.skip_rows < 0 or self.footer_rows < 0:
            raise ValueError(f"profile {self.name}: rows to skip are not negative")
        if not (self.account and self.debit and self.credit):
            raise ValueError(f"profile {self.name}: the account, debit and credit columns are required")

    def columns(self) -> dict[str, str]:
        """The fields the profile reads, by their column's name in the file."""
        named = {
            "account": self.account,
            "debit": self.debit,
            "credit": self.credit,
            "description": self.description,
            "department": self.department,
            "run_id": self.run_id,
            "pay_date": self.pay_date,
            "period_start": self.period_start,
            "period_end": self.period_end,
        }
        return {field: column for field, column in named.items() if column}

    def amount(self, value: str) -> Decimal:
        """The amount a cell writes ("" is 0.00); ValueError saying why it is not one."""
        written = value.strip()
        if not written:
            return Decimal("0.00")
        whole, _, fraction = written.partition(self.decimal_separator)
        if self.thousands_separator and self.thousands_separator in whole:
            if not re.fullmatch(rf"-?[0-9]{{1,3}}(?:{re.escape(self.thousands_separator)}[0-9]{{3}})+", whole):
                raise ValueError(f"{written!r} is not an amount such as {self._example()}")
            whole = whole.replace(self.thousands_separator, "")
        plain = f"{whole}.{fraction}" if fraction or written.endswith(self.decimal_separator) else whole
        match = _PLAIN.fullmatch(plain) if plain.isascii() else None
        if match is None:
            raise ValueError(f"{written!r} is not an amount such as {self._example()}")
        if len(match.group(2)) > AMOUNT_DIGITS:
            raise ValueError(f"{written!r} is too large: at most {AMOUNT_DIGITS} digits before the decimal point")
        number = Decimal(plain)
        if number != number.quantize(CENT):
            raise ValueError(f"{written!r} has more than 2 decimal places: an amount is to the cent, never rounded")
        return number.quantize(CENT) + 0

    def day(self, value: str) -> date:
        try:
            return datetime.strptime(value.strip(), self.date_format).date()
        except ValueError:
            raise ValueError(f"{value.strip()!r} is not a date written {self.date_format}") from None

    def _example(self) -> str:
        thousands = self.thousands_separator or ""
        return f"1{thousands}234{self.decimal_separator}56"


DEFAULT = GLProfile(name="default")
