"""The strict reader refuses what the database cannot hold or a sender did not mean:
amounts, products and totals too large for NUMERIC(18, 2), numbers that are not decimal
strings of ASCII digits, fields nobody defined, currencies outside ISO 4217, text
PostgreSQL cannot store, dates whose arithmetic would leave Python's range."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from integrations.canonical import MAX_ABS_AMOUNT, Invoice, PayloadError, parse_document
from integrations.iso4217 import ACTIVE_CURRENCIES
from tests.factories import bank_line_event, invoice_event, journal_entry_event, payment_event, with_data

BIG = "9999999999999.99"  # the largest amount a field may hold


def invoice_data(*lines: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = with_data(invoice_event(), **changes)["data"]
    if lines:
        data["lines"] = [{"description": "x", "quantity": "1", "unit_price": "1.00", **line} for line in lines]
    return data


def refused(kind: str, data: Any) -> PayloadError:
    with pytest.raises(PayloadError) as raised:
        parse_document(kind, data)
    return raised.value


def test_a_product_too_large_for_the_database_is_refused_naming_the_line() -> None:
    error = refused("customer_invoice", invoice_data({"quantity": BIG, "unit_price": BIG}))
    assert error.path == "data.lines[0]"
    assert "quantity x unit_price" in error.message and "too large" in error.message


def test_a_product_that_rounds_up_to_the_limit_is_refused() -> None:
    # 54.50 x 183486238532.11 = 9999999999999.995, which rounds half-up to 10,000,000,000,000.00.
    error = refused("customer_invoice", invoice_data({"quantity": "54.50", "unit_price": "183486238532.11"}))
    assert error.path == "data.lines[0]"


def test_lines_that_each_fit_but_add_up_too_large_are_refused_by_their_total() -> None:
    error = refused("customer_invoice", invoice_data({"unit_price": BIG}, {"unit_price": "0.01"}))
    assert error.path == "data.lines" and "total of the lines" in error.message


def test_lines_whose_absolute_amounts_add_up_too_large_are_refused() -> None:
    # +9.9 trillion and -9.9 trillion net to zero, but each side is posted.
    error = refused("customer_invoice", invoice_data({"unit_price": BIG}, {"unit_price": "-" + BIG}, {}))
    assert error.path == "data.lines" and "sum of the lines' amounts" in error.message


def test_a_journal_entry_whose_total_debit_is_too_large_is_refused() -> None:
    data = journal_entry_event("run-1")["data"]
    data["lines"] = [
        {"account_code": "6000", "debit": BIG},
        {"account_code": "6000", "debit": BIG},
        {"account_code": "2100", "credit": BIG},
        {"account_code": "2100", "credit": BIG},
    ]
    error = refused("journal_entry", data)
    assert error.path == "data.lines" and "total debit" in error.message


def test_the_largest_amounts_that_fit_are_accepted() -> None:
    doc = parse_document("customer_invoice", invoice_data({"unit_price": BIG}))
    assert doc.amount == Decimal(BIG) < MAX_ABS_AMOUNT
    assert parse_document("payment", {**payment_event("p")["data"], "amount": BIG}).amount == Decimal(BIG)


@pytest.mark.parametrize(
    "value", ["10000000000000", "-10000000000000.00", "00000000000001", "123456789012345678901234567890"]
)
def test_an_amount_with_more_than_13_digits_before_the_point_is_refused(value: str) -> None:
    error = refused("bank_statement_line", {**bank_line_event("t")["data"], "amount": value})
    assert error.path == "data.amount" and "13 digits" in error.message


@pytest.mark.parametrize("number", [100, 100.0, 0, True])
def test_json_numbers_are_refused_for_amounts_integers_like_floats(number: object) -> None:
    error = refused("payment", {**payment_event("p")["data"], "amount": number})
    assert error.path == "data.amount"
    assert error.message == 'must be a decimal string such as "100.00", not a JSON number'


# Arabic-Indic, full-width, Persian and Devanagari digits: Decimal() reads each of them.
NON_ASCII_DIGITS = ["\u0661\u0660\u0660", "\uff11\uff10\uff10", "\u06f1\u06f0\u06f0.\u06f5\u06f0", "\u0967\u0966\u0966"]


@pytest.mark.parametrize("digits", NON_ASCII_DIGITS)
def test_non_ascii_digits_are_refused(digits: str) -> None:
    error = refused("customer_invoice", invoice_data({"quantity": digits}))
    assert error.path == "data.lines[0].quantity" and "digits 0-9" in error.message


@pytest.mark.parametrize("text", ["1_000", "1e3", "+5", " 5", "5 ", "5.", ".5", "Infinity", "0x10", "1,000.00"])
def test_decimal_strings_decimal_would_read_but_the_schema_does_not_allow_are_refused(text: str) -> None:
    error = refused("customer_invoice", invoice_data({"unit_price": text}))
    assert error.path == "data.lines[0].unit_price"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (invoice_data(colour="blue"), "data.colour"),
        (invoice_data({"discount": "5"}), "data.lines[0].discount"),
        (invoice_data(partner={"name": "Blue Harbor", "iban": "DE00"}), "data.partner.iban"),
        (invoice_data(**{"\ud800": "x"}), "data.'\\ud800'"),
    ],
)
def test_unknown_fields_are_refused_wherever_they_are(data: dict[str, Any], path: str) -> None:
    error = refused("customer_invoice", data)
    assert error.path == path and "is not a field here" in error.message


def test_unknown_fields_of_journal_lines_payments_and_bank_lines_are_refused() -> None:
    entry = journal_entry_event("run-1")["data"]
    entry["lines"][0]["partner"] = {"name": "Payroll", "bic": "X"}
    assert refused("journal_entry", entry).path == "data.lines[0].partner.bic"
    entry = journal_entry_event("run-1")["data"]
    entry["lines"][1]["cost_center"] = "CC1"
    assert refused("journal_entry", entry).path == "data.lines[1].cost_center"
    assert refused("payment", {**payment_event("p")["data"], "fee": "1.00"}).path == "data.fee"
    assert refused("bank_statement_line", {**bank_line_event("t")["data"], "iban": "x"}).path == "data.iban"


@pytest.mark.parametrize("code", ["XXX", "XTS", "ABC", "usd", "US", "HRK", 840])
def test_currencies_that_are_not_active_iso_4217_codes_are_refused(code: object) -> None:
    error = refused("customer_invoice", invoice_data(currency=code))
    assert error.path == "data.currency" and "ISO 4217" in error.message


@pytest.mark.parametrize("code", ["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "XOF", "ZWG"])
def test_active_currencies_are_accepted(code: str) -> None:
    assert code in ACTIVE_CURRENCIES
    assert parse_document("customer_invoice", invoice_data(currency=code)).currency == code


@pytest.mark.parametrize(
    ("change", "path", "needle"),
    [
        ({"reference": "a\x00b"}, "data.reference", "NUL"),
        ({"reference": "a\ud800b"}, "data.reference", "lone surrogate"),
        ({"partner": {"name": "\udfff"}}, "data.partner.name", "lone surrogate"),
    ],
)
def test_text_postgresql_cannot_store_is_refused(change: dict[str, Any], path: str, needle: str) -> None:
    error = refused("customer_invoice", invoice_data(**change))
    assert error.path == path and needle in error.message
    str(error).encode("utf-8")  # the message itself can be sent as JSON


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_dates_outside_the_accepted_years_are_refused(day: str) -> None:
    error = refused("customer_invoice", invoice_data(invoice_date=day))
    assert error.path == "data.invoice_date" and "between 1900-01-01 and 2999-12-31" in error.message


def test_a_date_with_a_trailing_newline_is_refused() -> None:
    assert refused("payment", {**payment_event("p")["data"], "date": "2026-11-21\n"}).path == "data.date"


def test_the_factories_events_still_parse() -> None:
    for event in (invoice_event(), payment_event("p", "o-1"), bank_line_event("t"), journal_entry_event("j")):
        parse_document(event["kind"], copy.deepcopy(event["data"]))
    assert isinstance(parse_document("customer_invoice", invoice_data()), Invoice)
