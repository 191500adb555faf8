"""Reading the fields of a Shopify body, each refusal naming the field by its path
(`order.line_items[2].price_set.shop_money.amount`).

Money is read as Decimal from the JSON text itself: a decimal string as Shopify
sends it ("199.00"), or a JSON number, which the body's decoder already turned into
a Decimal or an int (never a float), so 19.99 stays 19.99.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from integrations.canonical import AMOUNT_DIGITS
from integrations.webhooks import Unreadable

CENT = Decimal("0.01")
_DECIMAL_RE = re.compile(r"-?[0-9]{1,20}(\.[0-9]{1,20})?")
_DIGITS_RE = re.compile(r"[0-9]{1,20}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            # Two values for one field: which one Shopify meant is a guess.
            raise ValueError(f"the key {key!r} appears twice in one object")
        obj[key] = value
    return obj


def decode(body: bytes, root: str) -> Mapping[str, Any]:
    """The body's top-level object, or Unreadable saying why it is not one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Unreadable(f"the body is not UTF-8 text (byte {err.start})") from None
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise Unreadable("the body is not JSON: it nests too deeply") from None
    except ValueError as err:
        raise Unreadable(f"the body is not JSON: {err}") from None
    if not isinstance(value, dict):
        raise Unreadable(f"{root}: the body must be a JSON object, not a JSON {type(value).__name__}")
    return value


def obj(parent: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> Mapping[str, Any] | None:
    value = parent.get(key)
    if value is None:
        if required:
            raise Unreadable(f"{path}.{key}: is missing")
        return None
    if not isinstance(value, dict):
        raise Unreadable(f"{path}.{key}: must be an object")
    return value


def items(parent: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> list[Mapping[str, Any]]:
    """A list of objects; absent or null is an empty list unless it is required."""
    value = parent.get(key)
    if value is None:
        if required:
            raise Unreadable(f"{path}.{key}: is missing")
        return []
    if not isinstance(value, list):
        raise Unreadable(f"{path}.{key}: must be a list")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise Unreadable(f"{path}.{key}[{index}]: must be an object")
    return value


def ident(parent: Mapping[str, Any], key: str, path: str) -> str:
    """A Shopify id (a JSON integer, or its digits as a string) as its digits."""
    value = parent.get(key)
    if value is None or value == "":
        raise Unreadable(f"{path}.{key}: is missing")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Unreadable(f"{path}.{key}: must be an integer id")
    digits = str(value)
    if not _DIGITS_RE.fullmatch(digits) or int(digits) == 0:
        raise Unreadable(f"{path}.{key}: {value!r} is not a Shopify id")
    return str(int(digits))


def text(parent: Mapping[str, Any], key: str, path: str) -> str:
    """A string field, stripped; absent or null is ""."""
    value = parent.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Unreadable(f"{path}.{key}: must be a string")
    return value.strip()


def flag(parent: Mapping[str, Any], key: str, path: str) -> bool:
    value = parent.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Unreadable(f"{path}.{key}: must be true or false")
    return value


def number(value: Any, where: str) -> Decimal:
    """A decimal value: a decimal string, or a JSON number decoded as Decimal or int."""
    if isinstance(value, bool):
        raise Unreadable(f"{where}: must be a decimal number, not {str(value).lower()}")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise Unreadable(f"{where}: must be a finite decimal number")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        if not _DECIMAL_RE.fullmatch(value.strip()):
            raise Unreadable(f"{where}: {value[:40]!r} is not a decimal number")
        return Decimal(value.strip())
    raise Unreadable(f"{where}: must be a decimal number")


def cents(value: Decimal, where: str) -> Decimal:
    """An amount as the console keeps it: at most 2 decimal places, never rounded here."""
    if value and value.adjusted() >= AMOUNT_DIGITS:
        raise Unreadable(f"{where}: {value:.3e} is too large for an amount")
    if value != value.quantize(CENT):
        # A three-decimal currency (KWD, BHD...) or a price Shopify never sends: rounding
        # it would post an amount nobody charged.
        raise Unreadable(f"{where}: {value} has more than 2 decimal places, which the console's amounts cannot carry")
    return value.quantize(CENT)


def quantity(parent: Mapping[str, Any], key: str, path: str) -> int:
    where = f"{path}.{key}"
    if parent.get(key) is None:
        raise Unreadable(f"{where}: is missing")
    value = number(parent[key], where)
    if value and value.adjusted() >= AMOUNT_DIGITS:
        raise Unreadable(f"{where}: {value:.3e} is too large for a quantity")
    if value != value.to_integral_value() or value < 0:
        raise Unreadable(f"{where}: {value} is not a whole number of items")
    return int(value)


def money(parent: Mapping[str, Any], key: str, path: str, currency: str, *, required: bool = True) -> Decimal:
    """The shop-currency amount of `key`: `<key>_set.shop_money.amount` when the body has
    the money bag, else the plain `<key>` field (payloads from before multi-currency, in
    the shop's currency)."""
    bag = parent.get(f"{key}_set")
    if bag is not None:
        where = f"{path}.{key}_set"
        if not isinstance(bag, dict):
            raise Unreadable(f"{where}: must be an object")
        shop = obj(bag, "shop_money", where)
        assert shop is not None
        where = f"{where}.shop_money"
        code = shop.get("currency_code")
        if code is not None and code != currency:
            raise Unreadable(f"{where}.currency_code: {code!r} is not the shop currency {currency}")
        if shop.get("amount") is None:
            raise Unreadable(f"{where}.amount: is missing")
        return cents(number(shop.get("amount"), f"{where}.amount"), f"{where}.amount")
    if parent.get(key) is None:
        if required:
            raise Unreadable(f"{path}.{key}: is missing (and so is {key}_set)")
        return Decimal("0.00")
    return cents(number(parent.get(key), f"{path}.{key}"), f"{path}.{key}")


def shop_currency_of(parent: Mapping[str, Any], key: str) -> str:
    """The currency code of `<key>_set.shop_money`, or "" when the body has none there."""
    bag = parent.get(f"{key}_set")
    if isinstance(bag, dict):
        shop = bag.get("shop_money")
        if isinstance(shop, dict) and isinstance(shop.get("currency_code"), str):
            return str(shop["currency_code"])
    return ""


def moment(parent: Mapping[str, Any], keys: tuple[str, ...], path: str) -> datetime:
    """The first of `keys` present, as an aware datetime in its own offset (the shop's
    time zone, as Shopify writes it)."""
    for key in keys:
        value = parent.get(key)
        if value is None or value == "":
            continue
        where = f"{path}.{key}"
        if not isinstance(value, str):
            raise Unreadable(f"{where}: must be an ISO 8601 date and time")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise Unreadable(f"{where}: {value[:40]!r} is not an ISO 8601 date and time") from None
        if parsed.tzinfo is None:
            raise Unreadable(f"{where}: {value!r} has no time-zone offset")
        return parsed
    raise Unreadable(f"{path}.{keys[0]}: is missing")


def utc(moment_: datetime) -> datetime:
    return moment_.astimezone(UTC)


def local_date(moment_: datetime) -> date:
    """The date in the offset Shopify wrote: the shop's own calendar day, as its reports show it."""
    return moment_.date()


def amount_text(value: Decimal) -> str:
    """A canonical amount string: two decimals, as the ingestion API takes it."""
    return f"{value.quantize(CENT):f}"
