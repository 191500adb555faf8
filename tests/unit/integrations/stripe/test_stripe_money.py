"""Minor units into exact decimal amounts, by the currency's exponent in Stripe's API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.iso4217 import ACTIVE_CURRENCIES
from integrations.stripe import money
from integrations.webhooks import Unreadable


@pytest.mark.parametrize(
    ("minor", "code", "text"),
    [
        (2000, "USD", "20.00"),
        (5, "EUR", "0.05"),
        (0, "GBP", "0.00"),
        (500, "JPY", "500"),
        (1, "KRW", "1"),
        (5120, "BHD", "5.12"),
        (10, "KWD", "0.01"),
        (100, "ISK", "1.00"),  # a special case: zero-decimal in practice, two-decimal in the API
        (1050, "HUF", "10.50"),
        (9_999_999_999_999_99, "USD", "9999999999999.99"),
    ],
)
def test_minor_units_convert_exactly(minor, code, text):
    assert money.amount_text(minor, code, "amount") == text
    assert money.decimal_amount(minor, code, "amount") == Decimal(text)


def test_stripes_zero_and_three_decimal_currencies_are_iso_currencies():
    assert money.ZERO_DECIMAL <= ACTIVE_CURRENCIES
    assert money.THREE_DECIMAL <= ACTIVE_CURRENCIES
    assert [money.exponent(code) for code in ("USD", "JPY", "UGX", "XOF", "BHD", "TND", "ISK", "TWD")] == [
        2,
        0,
        0,
        0,
        3,
        3,
        2,
        2,
    ]


@pytest.mark.parametrize("minor", [5121, 5125, 1])
def test_a_three_decimal_amount_not_ending_in_zero_is_refused(minor):
    with pytest.raises(Unreadable, match=r"^amount: [0-9.]+ OMR has a third decimal digit"):
        money.amount_text(minor, "OMR", "amount")


def test_an_amount_of_ten_trillion_is_refused_in_every_exponent():
    for minor, code in [(10**15, "USD"), (10**13, "JPY"), (10**16, "BHD")]:
        with pytest.raises(Unreadable, match="too large"):
            money.amount_text(minor, code, "amount")


def test_a_negative_amount_is_refused():
    with pytest.raises(Unreadable, match=r"^amount: must not be negative$"):
        money.amount_text(-1, "USD", "amount")


@pytest.mark.parametrize(("value", "code"), [("usd", "USD"), ("jpy", "JPY"), ("EUR", "EUR"), ("xcg", "XCG")])
def test_currencies_arrive_lower_case_and_are_upper_cased(value, code):
    assert money.currency(value, "currency") == code


# XTS and XXX name no money, HRK left List One; the last is a full-width "usd".
@pytest.mark.parametrize("value", ["xts", "xxx", "hrk", "us", "usdd", "\uff55\uff53\uff44"])
def test_what_iso_4217_does_not_list_as_money_is_refused(value):
    with pytest.raises(Unreadable, match=r"^currency: .* is not an active ISO 4217 currency"):
        money.currency(value, "currency")
