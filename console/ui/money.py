"""Money as the reader's locale writes it: "$18,430.00", "18.430,00 €", "18 430,00 $US".

The locale is the reader's browser's (Accept-Language), among the locales the console offers;
pages of a request without one are written as en-US. Babel knows each locale's symbols,
separators and where the sign and the symbol go; asking it for every amount costs ~70 µs, so each
(locale, currency) is asked once, for the shape of a probe amount, and amounts are then written
by Python's own formatting into that shape (~2 µs). The amount is never rounded: a currency
without minor units (JPY) drops them only when they are zero.
"""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision

DEFAULT_LOCALE = "en_US"
# The locales offered: those of the finance teams the console is sold to. Adding one is a line,
# and a test: a locale grouping digits other than by threes (en_IN's lakhs) needs more than a shape.
OFFERED = (
    "en_US", "en_GB", "en_CA", "en_AU", "en_IE", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_BE",
    "fr_CA", "fr_CH", "nl_NL", "nl_BE", "es_ES", "es_MX", "it_IT", "pt_PT", "pt_BR", "sv_SE", "da_DK",
    "nb_NO", "fi_FI", "pl_PL", "cs_CZ", "ja_JP",
)  # fmt: skip
PROBE = Decimal("1234567.89")
_reader_locale: contextvars.ContextVar[str] = contextvars.ContextVar("reader_locale", default=DEFAULT_LOCALE)
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Shape:
    """A locale's way with one currency: around the digits, and the digits' separators."""

    prefix: str
    suffix: str
    negative_prefix: str
    negative_suffix: str
    group: str
    decimal: str
    minor_units: int


def _split(text: str) -> tuple[str, str, str, str]:
    """Prefix, group separator, decimal separator and suffix of the probe 1234567.89 as written."""
    found = re.search(r"1(?P<g>\D*)234(?P=g)567(\D+)89", text)
    if not found:
        raise ValueError(f"cannot read the probe amount in {text!r}")
    return text[: found.start()], found.group("g"), found.group(2), text[found.end() :]


@cache
def shape(locale_name: str, currency: str) -> Shape:
    locale = Locale.parse(locale_name)
    prefix, group, decimal, suffix = _split(format_currency(PROBE, currency, locale=locale, currency_digits=False))
    negative_prefix, _, _, negative_suffix = _split(
        format_currency(-PROBE, currency, locale=locale, currency_digits=False)
    )
    return Shape(prefix, suffix, negative_prefix, negative_suffix, group, decimal, get_currency_precision(currency))


def money_text(amount: Decimal | int | str | None, currency: str, locale_name: str | None = None) -> str:
    """The amount with its currency as the locale writes it; a code Babel has no symbol for is
    written as the code, where the locale puts a symbol."""
    if amount is None:
        return ""
    value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    try:
        form = shape(locale_name or _reader_locale.get(), currency.upper())
    except (UnknownLocaleError, ValueError):
        return f"{value:,.2f} {currency}"
    places = 2
    exponent = value.as_tuple().exponent
    if form.minor_units == 0 and (value == value.to_integral_value()):
        places = 0
    elif isinstance(exponent, int) and -exponent > 2:
        places = -exponent  # more places than cents as stored: written, never rounded away
    digits = f"{abs(value):,.{places}f}".translate({ord(","): "\0", ord("."): form.decimal}).replace("\0", form.group)
    if value < 0:
        return f"{form.negative_prefix}{digits}{form.negative_suffix}"
    return f"{form.prefix}{digits}{form.suffix}"


@cache
def negotiated(accept_language: str) -> str:
    """The offered locale closest to the browser's preferences (RFC 9110 Accept-Language)."""
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        if not _LANGUAGE.match(tag) or tag == "*":
            continue
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((weight, tag))
    preferred = [tag.replace("-", "_") for _, tag in sorted(ranked, key=lambda r: -r[0])]
    chosen = Locale.negotiate(preferred, OFFERED, sep="_")
    return str(chosen) if chosen is not None else DEFAULT_LOCALE


def reader_locale_set(accept_language: str) -> contextvars.Token[str]:
    return _reader_locale.set(negotiated(accept_language[:500]) if accept_language else DEFAULT_LOCALE)


def reader_locale_reset(token: contextvars.Token[str]) -> None:
    _reader_locale.reset(token)


def reader_locale() -> str:
    return _reader_locale.get()
