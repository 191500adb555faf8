"""Minor units into exact decimal amounts, by the currency's exponent in Stripe's API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrations.iso4217 import ACTIVE_CURRENCIES, minor_units
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


@pytest.mark.parametrize(("minor", "text"), [(10000, "100.00"), (100, "1.00"), (0, "0.00")])
def test_whole_kronur_in_stripes_two_decimal_isk_are_exact(minor, text):
    # ISK has no minor unit in ISO 4217; Stripe's API keeps two decimals and takes multiples of 100.
    assert money.amount_text(minor, "ISK", "amount") == text


@pytest.mark.parametrize("minor", [10050, 1, 99])
def test_a_fraction_of_a_krona_is_refused_naming_both_rules(minor):
    with pytest.raises(Unreadable, match=r"^amount: \d+ is [0-9.]+ ISK, but ISK has no minor unit \(ISO 4217\)"):
        money.amount_text(minor, "ISK", "amount")


def test_stripes_exponents_differ_from_iso_4217_only_where_every_stripe_amount_is_still_exact():
    differing = {
        code: (money.exponent(code), minor_units(code))
        for code in sorted(ACTIVE_CURRENCIES)
        if money.exponent(code) != minor_units(code)
    }
    # Stripe has fewer decimals than ISO, so its amounts are exact in the currency: MGA
    # (zero-decimal in Stripe); IQD and LYD (three-decimal in ISO, not among Stripe's) and
    # CLF and UYW (four-decimal), read as two-decimal.
    fewer = {code for code, (stripe, iso) in differing.items() if iso is not None and stripe < iso}
    assert fewer == {"MGA", "IQD", "LYD", "CLF", "UYW"}
    # Stripe has more: ISK (a special case of Stripe's), and UYI, which Stripe does not offer.
    more = {code for code, (stripe, iso) in differing.items() if iso is not None and stripe > iso}
    assert more == {"ISK", "UYI"}
    for code in more:
        assert money.amount_text(12300, code, "amount") == "123.00"
        with pytest.raises(Unreadable, match="has no minor unit"):
            money.amount_text(12345, code, "amount")
    # Units of account and metals have no minor unit in ISO 4217: read as two-decimal.
    assert {code for code, (_, iso) in differing.items() if iso is None} == {
        "XAG",
        "XAU",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XDR",
        "XPD",
        "XPT",
        "XSU",
        "XUA",
    }
