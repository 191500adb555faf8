"""A provider's JSON read strictly: exact decimals, no NaN, no key twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.payroll.errors import FileRefused
from integrations.payroll.json_values import amount, load


def test_numbers_are_decimals_exactly_as_written() -> None:
    value = load(b'{"a": 0.1, "b": 20832.92, "c": 3, "d": 1E+2}')

    assert value == {"a": Decimal("0.1"), "b": Decimal("20832.92"), "c": Decimal(3), "d": Decimal("1E+2")}
    assert amount(value, "b", "x") == Decimal("20832.92")
    assert str(amount(value, "c", "x")) == "3.00" and str(amount(value, "d", "x")) == "100.00"


def test_a_utf8_bom_is_allowed() -> None:
    assert load(b'\xef\xbb\xbf{"a": "1.00"}') == {"a": "1.00"}


def test_a_huge_integer_is_a_decimal_and_refused_as_too_large() -> None:
    value = load(b'{"a": ' + b"9" * 5000 + b"}")
    with pytest.raises(FileRefused) as refused:
        amount(value, "a", "x")
    assert str(refused.value) == (
        "x.a: 99999999999999999999...(5000 characters) is too large: at most 13 digits before the decimal point"
    )


def test_an_absent_amount_that_is_not_required_is_none() -> None:
    assert amount({}, "tax_debit", "payroll.totals", required=False) is None
    with pytest.raises(FileRefused, match=r"^payroll\.totals\.tax_debit: is required$"):
        amount({}, "tax_debit", "payroll.totals")
