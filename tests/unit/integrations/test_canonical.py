from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from integrations.canonical import BankStatementLine, Invoice, JournalEntry, PayloadError, parse_document
from tests.factories import bank_line_event, invoice_event, journal_entry_event, payment_event, with_data


def test_invoice_amount_is_the_sum_of_line_subtotals_in_decimal() -> None:
    event = with_data(
        invoice_event(),
        lines=[
            {"description": "a", "quantity": "3", "unit_price": "0.10"},
            {"description": "b", "quantity": "1.5", "unit_price": "19.99"},
        ],
    )
    doc = parse_document("customer_invoice", event["data"])
    assert isinstance(doc, Invoice)
    assert doc.amount == Decimal("30.29")  # 0.30 + 29.985 rounded half-up to 29.99, as Odoo does
    assert doc.journal_key == "customer_invoice"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"currency": "usd"}, "data.currency"),
        ({"currency": None}, "data.currency"),
        ({"invoice_date": "20/11/2026"}, "data.invoice_date"),
        ({"invoice_date": "2026-02-30"}, "data.invoice_date"),
        ({"due_date": "2026-11-01"}, "data.due_date"),
        ({"partner": "Blue Harbor"}, "data.partner"),
        ({"partner": {"email": "x@example.com"}}, "data.partner.name"),
        ({"lines": []}, "data.lines"),
        ({"lines": [{"description": "x", "quantity": "1", "unit_price": 100.0}]}, "data.lines[0].unit_price"),
        ({"lines": [{"description": "x", "quantity": "1", "unit_price": "1.001"}]}, "data.lines[0].unit_price"),
        ({"lines": [{"description": "x", "quantity": "1", "unit_price": "NaN"}]}, "data.lines[0].unit_price"),
        ({"lines": [{"description": "x", "quantity": "0", "unit_price": "1"}]}, "data.lines[0].quantity"),
        ({"lines": [{"description": "x", "quantity": "1", "unit_price": "1e20"}]}, "data.lines[0].unit_price"),
        ({"lines": [{"description": "a\x00b", "quantity": "1", "unit_price": "1"}]}, "data.lines[0].description"),
        ({"reference": "x" * 257}, "data.reference"),
    ],
)
def test_bad_invoice_data_is_refused_by_path(change: dict[str, object], path: str) -> None:
    event = with_data(invoice_event(), **change)
    with pytest.raises(PayloadError) as raised:
        parse_document("customer_invoice", event["data"])
    assert raised.value.path == path


def test_payment_bank_line_and_journal_entry_parse() -> None:
    assert parse_document("payment", payment_event("ch_1", "order-1")["data"]).amount == Decimal("115.00")
    assert parse_document("bank_statement_line", bank_line_event("t1", "-12.30")["data"]).amount == Decimal("-12.30")
    entry = parse_document("journal_entry", journal_entry_event("run-1")["data"])
    assert isinstance(entry, JournalEntry)
    assert entry.amount == Decimal("5000.00")


def test_unbalanced_journal_entry_is_refused_with_both_totals() -> None:
    data = journal_entry_event("run-1")["data"]
    data["lines"][1]["credit"] = "4999.99"
    with pytest.raises(PayloadError, match=r"not balanced: debit 5000.00 != credit 4999.99"):
        parse_document("journal_entry", data)


def test_journal_line_needs_exactly_one_side() -> None:
    data = journal_entry_event("run-1")["data"]
    data["lines"][0]["credit"] = "1.00"
    with pytest.raises(PayloadError, match="exactly one of debit or credit"):
        parse_document("journal_entry", data)


def test_unknown_kind_is_named() -> None:
    with pytest.raises(PayloadError, match="kind: must be one of"):
        parse_document("credit_note", {})


def test_hostile_text_is_kept_verbatim() -> None:
    hostile = '<script>alert("x")</script>\x1b[31m'
    event = with_data(invoice_event(), reference=hostile)
    doc = parse_document("customer_invoice", event["data"])
    assert isinstance(doc, Invoice)
    assert doc.reference == hostile


def test_a_bank_line_keeps_what_its_file_says() -> None:
    from tests.unit.integrations.odoo.test_statement_line_details import FILE_LINE

    doc = parse_document("bank_statement_line", FILE_LINE)
    assert isinstance(doc, BankStatementLine)
    assert (doc.value_date, doc.counterparty_account, doc.bank_code, doc.reversal) == (
        date(2026, 11, 15),
        "NL69INGB0123456789",
        "PMNT/ICDT/ESCT",
        False,
    )
    assert doc.details == (("purpose", "SUPP"),) and doc.raw.startswith("<Ntry>")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reversal", "yes", "data.reversal: must be true or false"),
        ("details", ["a"], "data.details: must be an object of names and texts"),
        ("details", {"a": 1}, "data.details.a: must be a string"),
        ("raw", "x" * 20001, "data.raw: is longer than 20000 characters"),
        ("value_date", "15/11/2026", "data.value_date"),
    ],
)
def test_a_bank_line_refuses_malformed_file_fields_by_name(field: str, value: Any, message: str) -> None:
    from tests.unit.integrations.odoo.test_statement_line_details import FILE_LINE

    with pytest.raises(PayloadError) as err:
        parse_document("bank_statement_line", {**FILE_LINE, field: value})
    assert str(err.value).startswith(message)
