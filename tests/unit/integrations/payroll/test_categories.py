"""Payroll categories, and the department suffix the account mapping maps."""

from __future__ import annotations

import pytest

from integrations.canonical import MAX_CODE
from integrations.payroll import categories


def test_every_category_is_a_distinct_code_that_fits_an_account_code_with_a_department() -> None:
    assert len(set(categories.CATEGORIES)) == len(categories.CATEGORIES)
    assert all(code.startswith("payroll.") and len(code) + 1 + 16 <= MAX_CODE for code in categories.CATEGORIES)


def test_a_split_line_carries_its_department_after_the_mark() -> None:
    assert categories.split_code("payroll.gross_wages", "ENG") == "payroll.gross_wages@ENG"
    assert categories.split_code("6000", "") == "6000"
    with pytest.raises(ValueError, match="is longer than the 64 characters"):
        categories.split_code("payroll.gross_wages", "x" * 45)
