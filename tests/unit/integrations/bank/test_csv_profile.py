"""A CSV profile is data: it goes to a dict and back unchanged, and a dict that could not read a
statement is refused naming the field that is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.bank.csv_profile import CsvProfile, ProfileRefused, profile_named, profile_names

FULL: dict[str, Any] = {
    "name": "full-bank.v2",
    "note": "every field given",
    "delimiter": ";",
    "quotechar": "'",
    "encoding": "latin-1",
    "skip_rows": 3,
    "footer_rows": 1,
    "date_format": "%d.%m.%Y",
    "decimal_separator": ",",
    "thousands_separator": ".",
    "amount_layout": "amount_and_indicator",
    "amount": "Betrag",
    "debit": "",
    "credit": "",
    "debit_credit_signed": False,
    "indicator": "S/H",
    "debit_word": "S",
    "credit_word": "H",
    "booking_date": "Buchungstag",
    "value_date": "Valuta",
    "description": "Verwendungszweck",
    "reference": "Bankreferenz",
    "counterparty_name": "Empfänger",
    "counterparty_account": "IBAN",
    "bank_code": "Buchungstext",
    "extra_columns": ["Mandat", "Gläubiger-ID"],
    "currency_column": "Währung",
    "currency": "EUR",
    "account_column": "Konto",
    "account": "DE89370400440532013000",
    "balance": "Saldo",
    "balance_is_after_row": False,
    "newest_first": True,
}
MINIMAL: dict[str, Any] = {"name": "minimal", "amount": "Amount", "booking_date": "Date"}


def test_a_profile_with_every_field_goes_to_a_dict_and_back_unchanged() -> None:
    profile = CsvProfile.from_dict(FULL)

    assert profile.to_dict() == FULL
    assert CsvProfile.from_dict(profile.to_dict()) == profile
    assert profile.extra_columns == ("Mandat", "Gläubiger-ID")


def test_fields_left_out_take_their_defaults() -> None:
    profile = CsvProfile.from_dict(MINIMAL)

    assert (profile.delimiter, profile.encoding, profile.amount_layout) == (",", "utf-8-sig", "signed")
    assert profile.balance_is_after_row and not profile.newest_first
    assert CsvProfile.from_dict(profile.to_dict()) == profile
    assert profile.columns() == {"amount": "Amount", "booking_date": "Date"}


@pytest.mark.parametrize("name", profile_names())
def test_every_ready_made_profile_loads_by_name_and_round_trips(name: str) -> None:
    profile = profile_named(name)
    assert profile.name == name
    assert profile.note
    assert CsvProfile.from_dict(profile.to_dict()) == profile


def test_the_ready_made_profiles_are_those_the_readme_lists() -> None:
    assert profile_names() == ["chase_checking", "oca_balance", "oca_debit_credit", "oca_multi_currency", "oca_simple"]


def test_a_name_that_is_no_ready_made_profile_is_refused_naming_those_there_are() -> None:
    with pytest.raises(ValueError, match="no CSV profile named 'chase'; there are: chase_checking, oca_balance"):
        profile_named("chase")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"delimeter": ";"}, "delimeter", "is not a field of a CSV profile"),
        ({"name": ""}, "name", "'' is not 1-64 of a-z"),
        ({"name": "Big Bank"}, "name", "'Big Bank' is not 1-64 of a-z"),
        ({"delimiter": ";;"}, "delimiter", "';;' is not one character"),
        ({"delimiter": "\n"}, "delimiter", "'\\n' is not one character other than a line break"),
        ({"quotechar": ","}, "quotechar", "',' is not one character other than the delimiter"),
        ({"encoding": "klingon"}, "encoding", "'klingon' is not a text encoding"),
        ({"encoding": "base64"}, "encoding", "'base64' is not a text encoding"),
        ({"skip_rows": -1}, "skip_rows", "-1 is not between 0 and 100"),
        ({"footer_rows": 101}, "footer_rows", "101 is not between 0 and 100"),
        ({"date_format": "%d.%m"}, "date_format", "'%d.%m' does not write and read back a year, month and day"),
        ({"date_format": "Date"}, "date_format", "'Date' does not write and read back"),
        ({"decimal_separator": ";"}, "decimal_separator", "';' is not one of"),
        ({"thousands_separator": "_"}, "thousands_separator", "'_' is not one of"),
        ({"thousands_separator": "."}, "thousands_separator", "'.' is the decimal separator too"),
        (
            {"amount_layout": "split"},
            "amount_layout",
            "'split' is not one of signed, debit_credit, amount_and_indicator",
        ),
        ({"amount": ""}, "amount", "names no column: the signed layout reads it"),
        ({"debit": "Debit"}, "debit", "the signed layout does not read it: leave it empty"),
        ({"amount_layout": "debit_credit"}, "amount", "the debit_credit layout does not read it"),
        ({"amount_layout": "debit_credit", "amount": "", "debit": "Debit"}, "credit", "names no column"),
        ({"amount_layout": "amount_and_indicator"}, "indicator", "names no column"),
        ({"amount_layout": "amount_and_indicator", "indicator": "D/C", "debit_word": " "}, "debit_word", "is empty"),
        (
            {"amount_layout": "amount_and_indicator", "indicator": "D/C", "debit_word": "d", "credit_word": "D"},
            "credit_word",
            "is empty or the debit word",
        ),
        ({"booking_date": ""}, "booking_date", "names no column: an entry needs its booking date"),
        ({"description": "Text\x00"}, "description", "'Text\\x00' is not a column name"),
        ({"extra_columns": ["Type", "type "]}, "extra_columns", "names a column twice"),
        ({"extra_columns": [str(n) for n in range(21)]}, "extra_columns", "has more than 20 columns"),
        ({"currency": "usd"}, "currency", "'usd' is not an active ISO 4217 code"),
        ({"currency": "XYZ"}, "currency", "'XYZ' is not an active ISO 4217 code"),
        ({"account": "A" * 65}, "account", "is not an account of at most 64 characters"),
        # Of the wrong JSON type.
        ({"skip_rows": "2"}, "skip_rows", "must be a whole number"),
        ({"skip_rows": True}, "skip_rows", "must be a whole number"),
        ({"newest_first": "yes"}, "newest_first", "must be true or false"),
        ({"newest_first": 1}, "newest_first", "must be true or false"),
        ({"extra_columns": "Type"}, "extra_columns", "must be a list of column names"),
        ({"extra_columns": ["Type", ""]}, "extra_columns", "must be a list of column names"),
        ({"amount": 3}, "amount", "must be a text"),
        ({"currency": None}, "currency", "must be a text"),
    ],
)
def test_a_bad_field_is_refused_by_name(changes: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ProfileRefused) as refused:
        CsvProfile.from_dict({**MINIMAL, **changes})
    assert refused.value.field == field
    assert refused.value.message.startswith(message)
    assert str(refused.value).startswith(f"{field}: ")


def test_a_profile_without_a_name_or_not_an_object_is_refused() -> None:
    with pytest.raises(ProfileRefused, match=r"^name: is required$"):
        CsvProfile.from_dict({"amount": "Amount", "booking_date": "Date"})
    with pytest.raises(ProfileRefused, match=r"^profile: must be an object of fields$"):
        CsvProfile.from_dict(["name"])  # type: ignore[arg-type]
