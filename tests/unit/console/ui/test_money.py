"""Money written as the reader's locale writes it, never rounded, the locale negotiated from the
browser's Accept-Language among those offered; every page has the filter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from console.ui.money import OFFERED, PROBE, money_text, negotiated, reader_locale_reset, reader_locale_set, shape


@pytest.mark.parametrize(
    ("locale", "usd", "eur"),
    [
        ("en_US", "-$18,430.50", "€18,430.50"),
        ("de_DE", "-18.430,50\xa0$", "18.430,50\xa0€"),
        ("fr_FR", "-18\u202f430,50\xa0$US", "18\u202f430,50\xa0€"),
        ("en_GB", "-US$18,430.50", "€18,430.50"),
    ],
)
def test_each_locale_writes_its_symbol_separators_and_sign(locale: str, usd: str, eur: str) -> None:
    assert money_text(Decimal("-18430.50"), "USD", locale) == usd
    assert money_text(Decimal("18430.50"), "EUR", locale) == eur


def test_an_amount_is_never_rounded_and_a_currency_without_cents_drops_only_zeros() -> None:
    assert money_text(Decimal("1200.00"), "JPY", "en_US") == "¥1,200"
    assert money_text(Decimal("1200.50"), "JPY", "en_US") == "¥1,200.50"
    assert money_text(Decimal("0.125"), "USD", "en_US") == "$0.125"
    assert money_text(Decimal("5"), "USD", "en_US") == "$5.00"


def test_every_offered_locale_has_a_shape_for_the_common_currencies() -> None:
    for locale in OFFERED:
        for currency in ("USD", "EUR", "GBP", "CAD", "JPY", "CHF"):
            written = shape(locale, currency)
            assert written.group != written.decimal, (locale, currency)
    assert money_text(PROBE, "USD", "de_CH") == "$\xa01\u2019234\u2019567.89"  # Swiss grouping: the apostrophe


def test_the_browsers_preferences_choose_the_locale() -> None:
    assert negotiated("de-CH,de;q=0.9,en;q=0.8") == "de_CH"
    assert negotiated("fr;q=0.1, ja") == "ja_JP"
    assert negotiated("en") == "en_US"
    assert negotiated("xx, *") == "en_US" and negotiated("garbage;;q=z, <script>") == "en_US"


def test_templates_write_money_in_the_readers_locale() -> None:
    template = Template("{{ amount|money:currency }}")
    token = reader_locale_set("de-DE")
    try:
        assert template.render(Context({"amount": Decimal("18430.00"), "currency": "EUR"})) == "18.430,00\xa0€"
    finally:
        reader_locale_reset(token)
    assert template.render(Context({"amount": Decimal("18430.00"), "currency": "USD"})) == "$18,430.00"
    assert template.render(Context({"amount": None, "currency": "USD"})) == ""
