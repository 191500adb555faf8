"""Lock dates move a document to a later accounting date; they refuse nothing (Odoo 17/18,
AccountMove._post and _get_accounting_date), for every kind the console posts."""

from __future__ import annotations

from typing import Any

import pytest

TODAY = "2026-12-02"


@pytest.fixture
def locked(odoo: Any) -> Any:
    odoo.server.control.set_today(TODAY)
    odoo.server.control.set_lock_date(1, "2026-06-30")
    return odoo


def entry(odoo: Any, day: str, journal: str = "MISC") -> int:
    move_id = odoo.call(
        "account.move",
        "create",
        {
            "move_type": "entry",
            "journal_id": odoo.journal(journal),
            "date": day,
            "line_ids": [
                (0, 0, {"account_id": odoo.account("600000"), "name": "Salaries", "debit": 500.0}),
                (0, 0, {"account_id": odoo.account("211000"), "name": "Net pay", "credit": 500.0}),
            ],
        },
    )
    assert odoo.call("account.move", "action_post", [move_id]) is False
    return int(move_id)


def dated(odoo: Any, model: str, rec_id: int, *fields: str) -> dict[str, Any]:
    row = odoo.read1(model, rec_id, ["date", *fields])
    row.pop("id")
    return row


def test_a_journal_entry_lands_at_the_end_of_the_first_open_month(locked: Any) -> None:
    move_id = entry(locked, "2026-03-15")
    assert dated(locked, "account.move", move_id, "name", "state") == {
        "date": "2026-07-31",
        "name": "MISC/2026/07/0001",
        "state": "posted",
    }


def test_a_customer_invoice_keeps_its_invoice_date_and_books_later(locked: Any) -> None:
    first = locked.posted_invoice(invoice_date="2026-03-15")
    assert dated(locked, "account.move", first, "invoice_date", "name") == {
        "date": "2026-07-31",
        "invoice_date": "2026-03-15",
        "name": "INV/2026/00001",
    }
    # Once the yearly sequence has a number, a late invoice books on today (ODOO_FACTS).
    second = locked.posted_invoice(invoice_date="2026-03-16")
    assert dated(locked, "account.move", second, "invoice_date")["date"] == TODAY


def test_a_vendor_bill_is_dated_after_the_lock_date_while_still_a_draft(locked: Any) -> None:
    bill = locked.invoice("in_invoice", invoice_date="2026-03-15", ref="V-1")
    assert dated(locked, "account.move", bill)["date"] == "2026-07-31"
    assert locked.call("account.move", "action_post", [bill]) is False
    assert dated(locked, "account.move", bill, "name") == {"date": "2026-07-31", "name": "BILL/2026/07/0001"}


def test_a_bank_statement_line_books_after_the_lock_date(locked: Any) -> None:
    line_id = locked.call(
        "account.bank.statement.line",
        "create",
        {"journal_id": locked.journal("BNK1"), "date": "2026-03-04", "payment_ref": "Wire", "amount": 250.0},
    )
    assert dated(locked, "account.bank.statement.line", line_id, "state") == {"date": "2026-07-31", "state": "posted"}


def test_a_payment_keeps_its_date_and_its_entry_books_after_the_lock_date(locked: Any, payment_states: Any) -> None:
    """From 18 a payment has a date of its own; 17's is its entry's (_inherits), moved with it."""
    payment_id = locked.call(
        "account.payment",
        "create",
        {"payment_type": "inbound", "partner_id": locked.partner(), "amount": 50.0, "date": "2026-03-09"},
    )
    locked.fault("account.payment", "action_post", [payment_id])
    payment = locked.read1("account.payment", payment_id, ["date", "move_id", "state"])
    own_date = "2026-03-09" if payment_states.in_process else "2026-07-31"
    assert (payment["date"], payment["state"]) == (own_date, payment_states.on_its_own)
    assert dated(locked, "account.move", payment["move_id"][0])["date"] == "2026-07-31"


def test_sale_and_tax_lock_dates_move_only_what_they_lock(odoo: Any) -> None:
    odoo.server.control.set_today(TODAY)
    odoo.server.control.set_lock_date(1, "2026-06-30", "sale_lock_date")
    assert dated(odoo, "account.move", entry(odoo, "2026-03-15"))["date"] == "2026-03-15"
    assert dated(odoo, "account.move", odoo.posted_invoice(invoice_date="2026-03-15"))["date"] == "2026-07-31"
    odoo.server.control.set_lock_date(1, False, "sale_lock_date")
    odoo.server.control.set_lock_date(1, "2026-06-30", "tax_lock_date")
    assert dated(odoo, "account.move", entry(odoo, "2026-03-16"))["date"] == "2026-03-16"  # no tax on it
    taxed = odoo.posted_invoice(invoice_date="2026-03-16")
    assert dated(odoo, "account.move", taxed)["date"] == TODAY  # INV numbered already: yearly, so today
