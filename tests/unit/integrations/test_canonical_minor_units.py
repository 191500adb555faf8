"""An amount that posts as it is must be one its currency has (ISO 4217's minor units):
1000.50 is no amount in JPY. Invoice lines are not refused: a unit price may carry more
decimals than the currency, and Odoo rounds each line's subtotal to the currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from integrations.canonical import Invoice, JournalEntry, PayloadError, Payment, currency_quantum, parse_document
from integrations.iso4217 import ACTIVE_CURRENCIES, LIST_ONE, minor_units
from tests.factories import bank_line_event, invoice_event, journal_entry_event, payment_event, with_data


def refused(kind: str, data: Any) -> PayloadError:
    with pytest.raises(PayloadError) as raised:
        parse_document(kind, data)
    return raised.value


@pytest.mark.parametrize(
    ("code", "places"),
    [
        *[("USD", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("CLP", 0), ("ISK", 0), ("UGX", 0), ("XOF", 0)],
        *[("BHD", 3), ("IQD", 3), ("JOD", 3), ("KWD", 3), ("LYD", 3), ("OMR", 3), ("TND", 3)],
        *[("CLF", 4), ("UYW", 4), ("MGA", 2), ("HUF", 2), ("TWD", 2), ("XAD", 2)],
        *[("XAU", None), ("XDR", None), ("XTS", None)],
    ],
)
def test_minor_units_are_list_ones(code: str, places: int | None) -> None:
    assert minor_units(code) == places


def test_every_code_of_list_one_has_its_minor_unit_and_nothing_else_does() -> None:
    assert all(minor_units(code) in (None, 0, 2, 3, 4) for code in LIST_ONE)
    with pytest.raises(KeyError):
        minor_units("HRK")


def test_a_payment_of_a_fraction_of_a_yen_is_refused_saying_why() -> None:
    error = refused("payment", with_data(payment_event("p"), currency="JPY", amount="1000.50")["data"])
    assert str(error) == "data.amount: JPY has no minor unit: 1000.50 is not an amount in JPY"


@pytest.mark.parametrize("amount", ["1000", "1000.0", "1000.00"])
def test_a_whole_yen_amount_is_accepted_however_written(amount: str) -> None:
    doc = parse_document("payment", with_data(payment_event("p"), currency="JPY", amount=amount)["data"])
    assert isinstance(doc, Payment) and doc.amount == Decimal(1000)


def test_a_bank_line_of_a_fraction_of_a_krona_is_refused() -> None:
    error = refused("bank_statement_line", with_data(bank_line_event("t"), currency="ISK", amount="-100.50")["data"])
    assert str(error) == "data.amount: ISK has no minor unit: -100.50 is not an amount in ISK"


@pytest.mark.parametrize(
    ("lines", "path"),
    [
        ([{"debit": "10.50"}, {"credit": "10.50"}], "data.lines[0].debit"),
        ([{"debit": "11"}, {"credit": "10.50"}, {"credit": "0.50"}], "data.lines[1].credit"),
    ],
)
def test_a_journal_line_with_a_fraction_of_a_won_is_refused_by_its_place(lines: list[Any], path: str) -> None:
    data = with_data(journal_entry_event("j"), currency="KRW")["data"]
    data["lines"] = [{"account_code": "6000", **line} for line in lines]
    error = refused("journal_entry", data)
    assert (error.path, error.message) == (path, "KRW has no minor unit: 10.50 is not an amount in KRW")


def test_a_journal_entry_in_whole_won_is_accepted() -> None:
    data = with_data(journal_entry_event("j"), currency="KRW")["data"]
    data["lines"] = [{"account_code": "6000", "debit": "11"}, {"account_code": "2100", "credit": "11.00"}]
    entry = parse_document("journal_entry", data)
    assert isinstance(entry, JournalEntry) and entry.amount == Decimal(11)


def test_a_three_decimal_currency_takes_the_two_decimals_amounts_have() -> None:
    doc = parse_document("payment", with_data(payment_event("p"), currency="KWD", amount="5.12")["data"])
    assert isinstance(doc, Payment) and doc.amount == Decimal("5.12")


def test_a_currency_without_a_minor_unit_in_iso_4217_is_held_to_two_decimals_only() -> None:
    doc = parse_document("payment", with_data(payment_event("p"), currency="XAU", amount="1.25")["data"])
    assert isinstance(doc, Payment) and doc.amount == Decimal("1.25")


def test_an_invoice_line_is_not_refused_and_its_subtotal_rounds_to_the_currency_as_odoo_does() -> None:
    data = with_data(invoice_event(), currency="JPY")["data"]
    data["lines"] = [
        {"description": "Tea", "quantity": "3", "unit_price": "33.33"},
        {"description": "Cup", "quantity": "1", "unit_price": "0.50"},
    ]
    doc = parse_document("customer_invoice", data)
    # 99.99 is a line of 100 JPY in Odoo, 0.50 one of 1 (half up): 101 JPY untaxed.
    assert isinstance(doc, Invoice) and doc.amount == Decimal(101)
    assert [line.subtotal for line in doc.lines] == [Decimal("99.99"), Decimal("0.50")]


def test_the_quantum_of_every_active_currency_is_its_minor_unit_capped_at_the_cent() -> None:
    for code in ACTIVE_CURRENCIES:
        places = minor_units(code)
        expected = Decimal("0.01") if places is None or places >= 2 else Decimal(1).scaleb(-places)
        assert currency_quantum(code) == expected
