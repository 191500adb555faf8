"""A GL profile reads amounts and dates as its export writes them, and refuses what it cannot."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from integrations.payroll.gl_profile import DEFAULT, GLProfile

EUROPEAN = GLProfile(name="eu", decimal_separator=",", thousands_separator=".", date_format="%d.%m.%Y")
SWISS = GLProfile(name="ch", thousands_separator="'")


@pytest.mark.parametrize(
    ("profile", "written", "amount"),
    [
        (DEFAULT, "1234.56", "1234.56"),
        (DEFAULT, " 1234.5 ", "1234.50"),
        (DEFAULT, "1234", "1234.00"),
        (DEFAULT, "1234.560", "1234.56"),
        (DEFAULT, "", "0.00"),
        (DEFAULT, "-0.00", "0.00"),
        (EUROPEAN, "1.234.567,89", "1234567.89"),
        (EUROPEAN, "234,5", "234.50"),
        (SWISS, "1'234.56", "1234.56"),
    ],
)
def test_an_amount_is_read_exactly_to_the_cent(profile: GLProfile, written: str, amount: str) -> None:
    read = profile.amount(written)
    assert read == Decimal(amount) and str(read) == amount


@pytest.mark.parametrize(
    ("profile", "written", "message"),
    [
        (DEFAULT, "1,234.56", "'1,234.56' is not an amount such as 1234.56"),
        (DEFAULT, "12.345", "'12.345' has more than 2 decimal places: an amount is to the cent, never rounded"),
        (DEFAULT, "1e3", "'1e3' is not an amount such as 1234.56"),
        (DEFAULT, "(12.00)", "'(12.00)' is not an amount such as 1234.56"),
        (DEFAULT, "١٢٣", "'١٢٣' is not an amount such as 1234.56"),
        (DEFAULT, "NaN", "'NaN' is not an amount such as 1234.56"),
        (EUROPEAN, "1.23,45", "'1.23,45' is not an amount such as 1.234,56"),
        (EUROPEAN, "1234.56", "'1234.56' is not an amount such as 1.234,56"),
    ],
)
def test_what_is_not_an_amount_of_the_profile_is_refused_saying_why(
    profile: GLProfile, written: str, message: str
) -> None:
    with pytest.raises(ValueError) as refused:
        profile.amount(written)
    assert str(refused.value) == message


def test_a_date_is_read_in_the_profiles_format() -> None:
    assert EUROPEAN.day("30.01.2026") == date(2026, 1, 30)
    with pytest.raises(ValueError, match=re.escape("'2026-01-30' is not a date written %d.%m.%Y")):
        EUROPEAN.day("2026-01-30")


@pytest.mark.parametrize(
    "options",
    [
        {"delimiter": ";;"},
        {"delimiter": '"'},
        {"decimal_separator": ";"},
        {"decimal_separator": ",", "thousands_separator": ","},
        {"thousands_separator": "_"},
        {"skip_rows": -1},
        {"credit": ""},
    ],
)
def test_a_profile_that_cannot_read_a_file_is_refused_when_made(options: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="profile bad: "):
        GLProfile(name="bad", **options)  # type: ignore[arg-type]


def test_a_profile_names_only_the_columns_it_reads() -> None:
    assert GLProfile(name="lean", description="", department="").columns() == {
        "account": "account",
        "debit": "debit",
        "credit": "credit",
    }
