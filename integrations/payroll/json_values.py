"""Reading a provider's JSON file strictly: every value checked where it is, by its path.

Money is read exactly from the JSON text: numbers are parsed as Decimal (never float), and
an amount with more than two decimals is refused, not rounded. Gusto writes its amounts as
decimal strings ("Dollar amounts are represented to the cent", Gusto's API notes) and
"1456.0" is one of them; a JSON number is read as exactly what it says too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from integrations.canonical import AMOUNT_DIGITS, CENT, FIRST_YEAR, LAST_YEAR, printable_name, storable_problem
from integrations.payroll.errors import FileRefused

_AMOUNT_RE = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_ID = 100


def load(content: bytes) -> Any:
    """The JSON value of the file, or FileRefused saying why it is not JSON."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise FileRefused("", f"is not UTF-8 text (byte {err.start + 1} is {content[err.start]:#04x})") from None
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_int=Decimal,
            parse_constant=_no_constant,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as err:
        raise FileRefused(f"line {err.lineno}, column {err.colno}", f"is not JSON: {err.msg}") from None
    except RecursionError:
        raise FileRefused("", "is not a payroll file: nested too deep") from None
    except _Refused as err:
        raise FileRefused("", f"is not JSON we read: {err}") from None


class _Refused(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            # Which of the two a reader takes differs between parsers; refuse rather than pick one.
            raise _Refused(f"the key {printable_name(key)!r} is given twice in one object")
        result[key] = value
    return result


def obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise FileRefused(path, f"must be an object, not {_kind(value)}")
    return value


def required(parent: Mapping[str, Any], key: str, path: str) -> Any:
    value = parent.get(key)
    if value is None:
        raise FileRefused(f"{path}.{key}", "is required")
    return value


def amount(parent: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> Decimal | None:
    """A non-negative amount to the cent; None when it is absent and not required."""
    where = f"{path}.{key}"
    value = parent.get(key)
    if value is None:
        if required:
            raise FileRefused(where, "is required")
        return None
    if isinstance(value, str):
        match = _AMOUNT_RE.fullmatch(value) if value.isascii() and len(value) <= 40 else None
        if match is None:
            raise FileRefused(where, f"{printable_name(value)!r} is not an amount such as 1234.56")
        if len(match.group(2)) > AMOUNT_DIGITS:
            raise FileRefused(where, f"is too large: at most {AMOUNT_DIGITS} digits before the decimal point")
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
        if not number.is_finite() or abs(number) >= Decimal(10) ** AMOUNT_DIGITS:
            raise FileRefused(
                where, f"{_short(number)} is too large: at most {AMOUNT_DIGITS} digits before the decimal point"
            )
    else:
        raise FileRefused(where, f'must be an amount such as "1234.56", not {_kind(value)}')
    if number != number.quantize(CENT):
        raise FileRefused(
            where, f"{_short(value)} has more than 2 decimal places: an amount is to the cent, never rounded"
        )
    if number < 0:
        raise FileRefused(where, f"{_short(value)} must not be negative")
    # + 0 turns a "-0.00" into 0.00.
    return number.quantize(CENT) + 0


def text(parent: Mapping[str, Any], key: str, path: str, *, limit: int = MAX_ID, required: bool = True) -> str:
    where = f"{path}.{key}"
    value = parent.get(key)
    if value is None or value == "":
        if required:
            raise FileRefused(where, "is required")
        return ""
    if not isinstance(value, str):
        raise FileRefused(where, f"must be a string, not {_kind(value)}")
    problem = storable_problem(value)
    if problem is not None:
        raise FileRefused(where, problem)
    if len(value) > limit:
        raise FileRefused(where, f"is longer than {limit} characters")
    if required and not value.strip():
        raise FileRefused(where, "is required")
    return value.strip()


def flag(parent: Mapping[str, Any], key: str, path: str) -> bool | None:
    value = parent.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise FileRefused(f"{path}.{key}", f"must be true or false, not {_kind(value)}")
    return value


def iso_date(parent: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> date | None:
    where = f"{path}.{key}"
    value = parent.get(key)
    if value is None or value == "":
        if required:
            raise FileRefused(where, "is required")
        return None
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        shown = printable_name(value) if isinstance(value, str) else _kind(value)
        raise FileRefused(where, f"must be a date YYYY-MM-DD, not {shown}")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise FileRefused(where, f"{value!r} is not a valid date") from None
    return in_range(day, where)


def in_range(day: date, where: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise FileRefused(where, f"{day.isoformat()} is not between {FIRST_YEAR}-01-01 and {LAST_YEAR}-12-31")
    return day


def _short(value: Decimal | str) -> str:
    shown = str(value)
    return shown if len(shown) <= 40 else f"{shown[:20]}...({len(shown)} characters)"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the JSON {'true' if value else 'false'}"
    if isinstance(value, Decimal):
        return "a JSON number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"
