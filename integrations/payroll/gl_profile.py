"""How one payroll system writes its GL export: the CSV dialect, the number and date
formats, and which column holds what. Like the bank CSV profiles (and OCA's sheet import
mappings), a profile is data: a new export is a new profile, not new code.

Column names are matched to the header without regard to case or surrounding spaces. A
column the profile names must be in the header; name "" for one the export does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from integrations.tabular import BadSetting, Dialect


@dataclass(frozen=True, slots=True)
class GLProfile:
    name: str
    delimiter: str = ","
    quotechar: str = '"'
    encoding: str = "utf-8-sig"  # a UTF-8 file with or without the BOM spreadsheets write
    skip_rows: int = 0  # lines before the header, blank ones too (a title, the company's name, the report's date)
    footer_rows: int = 0  # non-empty rows after the last line (a total row), left out
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
        try:
            self.dialect()
        except BadSetting as err:
            raise ValueError(f"profile {self.name}: {err}") from None
        if not (self.account and self.debit and self.credit):
            raise ValueError(f"profile {self.name}: the account, debit and credit columns are required")

    def dialect(self) -> Dialect:
        """How the export is written (integrations/tabular.py reads it)."""
        return Dialect(
            delimiter=self.delimiter,
            quotechar=self.quotechar,
            encoding=self.encoding,
            skip_rows=self.skip_rows,
            footer_rows=self.footer_rows,
            date_format=self.date_format,
            decimal_separator=self.decimal_separator,
            thousands_separator=self.thousands_separator,
        )

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
        return self.dialect().amount(value)

    def day(self, value: str) -> date:
        return self.dialect().day(value)


DEFAULT = GLProfile(name="default")
