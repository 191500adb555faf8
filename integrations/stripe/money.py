"""Stripe amounts: integers in the currency's minor unit, into the canonical decimal strings.

Stripe's rules (docs.stripe.com/currencies, "Minor units in API amounts"):
- most currencies are two-decimal: 1000 is 10.00 USD;
- the zero-decimal currencies below take whole units: 500 is 500 JPY;
- the three-decimal currencies below take thousandths, and Stripe requires the last digit
  of their amounts to be 0 (5.124 KWD must be sent as 5120 or 5130), so they convert
  exactly to the console's two decimals; one that does not end in 0 is refused;
- ISK, HUF and TWD are "special cases" that stay two-decimal in the API (ISK 100 is 1 krona)
  even where Stripe only lets whole units be charged or paid out, so they are read as two-decimal.

Conversion is integer arithmetic into Decimal; a float never takes part.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations.canonical import AMOUNT_DIGITS
from integrations.iso4217 import ACTIVE_CURRENCIES, LIST_ONE_PUBLISHED
from integrations.webhooks import Unreadable

ZERO_DECIMAL = frozenset("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split())
THREE_DECIMAL = frozenset("BHD JOD KWD OMR TND".split())


def currency(value: Any, path: str) -> str:
    """The ISO 4217 code of a Stripe currency (Stripe writes them lower-case)."""
    if value is None or value == "":
        raise Unreadable(f"{path}: is required")
    if not isinstance(value, str):
        raise Unreadable(f'{path}: must be a currency code such as "usd", not a JSON {type(value).__name__}')
    code = value.upper()
    if code not in ACTIVE_CURRENCIES:
        raise Unreadable(
            f"{path}: {value[:10]!r} is not an active ISO 4217 currency (List One of {LIST_ONE_PUBLISHED})"
        )
    return code


def exponent(code: str) -> int:
    """How many decimals Stripe's integer amounts of this currency carry."""
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def decimal_amount(minor: int, code: str, path: str) -> Decimal:
    """The exact amount `minor` minor units of `code` are, with at most two decimals."""
    if minor < 0:
        raise Unreadable(f"{path}: must not be negative")
    places = exponent(code)
    if places == 3:
        if minor % 10:
            raise Unreadable(
                f"{path}: {Decimal(minor).scaleb(-3)} {code} has a third decimal digit; Stripe requires "
                f"the last digit of {code} amounts to be 0, and the console keeps two decimals"
            )
        minor, places = minor // 10, 2
    if minor >= 10 ** (AMOUNT_DIGITS + places):
        raise Unreadable(f"{path}: {minor} is too large: amounts must stay below 10^{AMOUNT_DIGITS} {code}")
    return Decimal(minor).scaleb(-places)


def amount_text(minor: int, code: str, path: str) -> str:
    """The canonical decimal string of `minor` minor units of `code` ("20.00", "500", "5.12")."""
    return str(decimal_amount(minor, code, path))
