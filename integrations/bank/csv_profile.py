"""How one bank writes its CSV statements: the dialect, the number and date formats, how the
amount is laid out, and which column holds what. A profile is data (`csv_profiles/*.json`,
`from_dict`): a new bank is a new profile, not new code, as with OCA's sheet import mappings.

Column names are matched to the header without regard to case or surrounding spaces; ""
names a column the bank's file does not have. The amount is laid out one of three ways:

- `signed`: one column, `amount`, money in positive and money out negative as written;
- `debit_credit`: two columns, `debit` and `credit`, one of them filled on a row. Unsigned
  (money out written positive in the debit column: amount = credit - debit) unless
  `debit_credit_signed`, when the columns are signed as written (a debit written "-12.50":
  amount = debit + credit);
- `amount_and_indicator`: `amount` and an `indicator` column whose word says the direction
  (`debit_word` and `credit_word`: "D"/"C", "Debit"/"Credit", "DBIT"/"CRDT"; any case). The
  word decides the sign, whatever sign the amount is written with (as OCA's mapping reads it).

The account and currency come from a column, else from the profile, else from the import;
where two of them give one, they must agree. A running balance column (`balance`) is the
balance after its row (`balance_is_after_row`), else before it; it gives the statement's
opening and closing balances (csv_statement.py). `newest_first` says the bank lists the
newest row first, so the balances are taken from the other ends.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from integrations.canonical import MAX_CODE, storable_problem
from integrations.iso4217 import ACTIVE_CURRENCIES
from integrations.tabular import BadSetting, Dialect

LAYOUTS = ("signed", "debit_credit", "amount_and_indicator")
MAX_NAME = 64
MAX_COLUMN = 200
MAX_EXTRA = 20
PROFILES = Path(__file__).resolve().parent / "csv_profiles"
_PROFILE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


class ProfileRefused(ValueError):
    """A profile that cannot read a statement, naming the field (`thousands_separator: ...`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class CsvProfile:
    name: str
    note: str = ""  # what the layout is and where it was learnt, for the person choosing it
    # -- the dialect (integrations/tabular.py)
    delimiter: str = ","
    quotechar: str = '"'
    encoding: str = "utf-8-sig"
    skip_rows: int = 0  # lines before the header
    footer_rows: int = 0  # non-empty rows after the last entry (a total, a closing balance line)
    date_format: str = "%Y-%m-%d"
    decimal_separator: str = "."
    thousands_separator: str = ""
    # -- the amount
    amount_layout: str = "signed"
    amount: str = ""  # signed, amount_and_indicator
    debit: str = ""  # debit_credit
    credit: str = ""  # debit_credit
    debit_credit_signed: bool = False
    indicator: str = ""  # amount_and_indicator
    debit_word: str = "D"
    credit_word: str = "C"
    # -- the other columns of an entry
    booking_date: str = ""
    value_date: str = ""
    description: str = ""  # the label; also the entry's remittance (csv_statement.py says why)
    reference: str = ""  # the bank's own reference of the entry (bank_reference): unique per entry, or leave it ""
    counterparty_name: str = ""
    counterparty_account: str = ""
    bank_code: str = ""  # the bank's transaction type
    extra_columns: tuple[str, ...] = ()  # kept in the entry's details by column name (a check number)
    # -- the statement
    currency_column: str = ""
    currency: str = ""  # fixed, when no column gives it (else the import's)
    account_column: str = ""
    account: str = ""  # fixed, when no column gives it (else the import's)
    balance: str = ""  # running balance column
    balance_is_after_row: bool = True
    newest_first: bool = False

    def __post_init__(self) -> None:
        if not _PROFILE_NAME.fullmatch(self.name):
            raise ProfileRefused("name", f"{self.name!r} is not 1-64 of a-z, 0-9, '_', '.', '-'")
        try:
            self.dialect()
        except BadSetting as err:
            raise ProfileRefused(err.setting, err.message) from None
        for name, value in self._columns().items():
            if len(value) > MAX_COLUMN or storable_problem(value) is not None:
                raise ProfileRefused(name, f"{value[:40]!r} is not a column name")
        self._check_layout()
        if not self.booking_date:
            raise ProfileRefused("booking_date", "names no column: an entry needs its booking date")
        if len(self.extra_columns) > MAX_EXTRA:
            raise ProfileRefused("extra_columns", f"has more than {MAX_EXTRA} columns")
        if len({column.strip().casefold() for column in self.extra_columns}) != len(self.extra_columns):
            raise ProfileRefused("extra_columns", "names a column twice")
        if self.currency and self.currency not in ACTIVE_CURRENCIES:
            raise ProfileRefused("currency", f"{self.currency!r} is not an active ISO 4217 code")
        if len(self.account) > MAX_CODE or storable_problem(self.account) is not None:
            raise ProfileRefused("account", f"is not an account of at most {MAX_CODE} characters")

    def _check_layout(self) -> None:
        if self.amount_layout not in LAYOUTS:
            raise ProfileRefused("amount_layout", f"{self.amount_layout!r} is not one of {', '.join(LAYOUTS)}")
        wanted = {
            "signed": ("amount",),
            "debit_credit": ("debit", "credit"),
            "amount_and_indicator": ("amount", "indicator"),
        }[self.amount_layout]
        for name in ("amount", "debit", "credit", "indicator"):
            given = getattr(self, name)
            if name in wanted and not given:
                raise ProfileRefused(name, f"names no column: the {self.amount_layout} layout reads it")
            if name not in wanted and given:
                raise ProfileRefused(name, f"the {self.amount_layout} layout does not read it: leave it empty")
        if self.amount_layout == "amount_and_indicator":
            debit, credit = self.debit_word.strip().casefold(), self.credit_word.strip().casefold()
            if not debit:
                raise ProfileRefused("debit_word", "is empty: the indicator's word for a debit")
            if not credit or credit == debit:
                raise ProfileRefused("credit_word", "is empty or the debit word: the indicator's word for a credit")

    def _columns(self) -> dict[str, str]:
        named = {
            name: getattr(self, name)
            for name in (
                *("amount", "debit", "credit", "indicator", "booking_date", "value_date", "description", "reference"),
                *("counterparty_name", "counterparty_account", "bank_code", "currency_column", "account_column"),
                "balance",
            )
        }
        named.update({f"extra_columns[{index}]": column for index, column in enumerate(self.extra_columns)})
        return named

    def columns(self) -> dict[str, str]:
        """The columns the profile reads, by what they hold (`extra_columns[0]` for extras)."""
        return {name: column for name, column in self._columns().items() if column}

    def dialect(self) -> Dialect:
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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CsvProfile:
        """The profile `data` describes (JSON's types: texts, whole numbers, true/false, a list of
        texts); ProfileRefused naming the first field that is unknown, of the wrong type or wrong."""
        if not isinstance(data, Mapping):
            raise ProfileRefused("profile", "must be an object of fields")
        fields = {field.name: field for field in dataclasses.fields(cls)}
        for key in data:
            if key not in fields:
                shown = key[:40] if isinstance(key, str) else repr(key)
                raise ProfileRefused(str(shown), "is not a field of a CSV profile")
        if "name" not in data:
            raise ProfileRefused("name", "is required")
        values: dict[str, Any] = {}
        for key, value in data.items():
            values[key] = _typed(key, value, fields[key].type)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Every field, in JSON's types: `from_dict(to_dict())` is the same profile."""
        data = dataclasses.asdict(self)
        data["extra_columns"] = list(self.extra_columns)
        return data


def _typed(key: str, value: Any, kind: Any) -> Any:
    # Field types are strings under `from __future__ import annotations`.
    if kind == "bool":
        if not isinstance(value, bool):
            raise ProfileRefused(key, "must be true or false")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProfileRefused(key, "must be a whole number")
        return value
    if kind == "tuple[str, ...]":
        if not isinstance(value, list | tuple) or not all(isinstance(item, str) and item for item in value):
            raise ProfileRefused(key, "must be a list of column names")
        return tuple(value)
    if not isinstance(value, str):
        raise ProfileRefused(key, "must be a text")
    return value


def profile_names() -> list[str]:
    """The ready-made profiles (csv_profiles/*.json)."""
    return sorted(path.stem for path in PROFILES.glob("*.json"))


def profile_named(name: str) -> CsvProfile:
    """A ready-made profile; ValueError naming the ones there are for a name that is not one."""
    if name not in profile_names():
        raise ValueError(f"no CSV profile named {name[:40]!r}; there are: {', '.join(profile_names())}")
    data = json.loads((PROFILES / f"{name}.json").read_text(encoding="utf-8"))
    profile = CsvProfile.from_dict(data)
    if profile.name != name:
        raise ValueError(f"csv_profiles/{name}.json names itself {profile.name!r}")
    return profile
