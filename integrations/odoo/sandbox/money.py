"""Currency rounding and formatting the way Odoo's tools do it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def round_amount(value: float, digits: int = 2) -> float:
    """float_round(..., 'HALF-UP'): ties go away from zero.

    Going through repr() drops binary noise first, which is what Odoo's
    epsilon nudge achieves (2.675 rounds to 2.68, not 2.67).
    """
    quantum = Decimal(1).scaleb(-digits)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    result = float(rounded)
    return 0.0 if result == 0 else result


def is_zero(value: float, digits: int = 2) -> bool:
    return round_amount(value, digits) == 0.0


def format_amount(amount: float, currency: dict[str, Any]) -> str:
    """tools.format_amount in en_US: grouping, NBSP between symbol and number."""
    digits = int(currency.get("decimal_places", 2))
    number = f"{round_amount(amount, digits):,.{digits}f}"
    number = number.replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
    symbol = currency.get("symbol") or ""
    if currency.get("position") == "after":
        return f"{number}\N{NO-BREAK SPACE}{symbol}"
    return f"{symbol}\N{NO-BREAK SPACE}{number}"
