"""Bank statement lines: their posted entry, and unique_import_id per edition."""

from __future__ import annotations

from typing import Any


def statement_line(odoo: Any, **extra: Any) -> Any:
    values = {
        "journal_id": odoo.journal("BNK1"),
        "date": "2026-03-04",
        "payment_ref": "Wire ACME 42",
        "amount": 250.0,
        "partner_id": odoo.partner(),
        **extra,
    }
    return odoo.call("account.bank.statement.line", "create", values)


def test_statement_line_creates_and_posts_its_entry(odoo: Any) -> None:
    line_id = statement_line(odoo)
    line = odoo.read1(
        "account.bank.statement.line",
        line_id,
        ["name", "state", "date", "amount", "move_id", "is_reconciled", "payment_ref"],
    )
    assert {k: v for k, v in line.items() if k != "move_id"} == {
        "id": line_id,
        "name": "BNK1/2026/00001",
        "state": "posted",
        "date": "2026-03-04",
        "amount": 250.0,
        "is_reconciled": False,
        "payment_ref": "Wire ACME 42",
    }
    move = odoo.read1("account.move", line["move_id"][0], ["line_ids", "statement_line_id", "move_type"])
    assert move["statement_line_id"][0] == line_id and move["move_type"] == "entry"
    items = odoo.call("account.move.line", "read", move["line_ids"], ["account_id", "debit", "credit", "name"])
    assert [(r["account_id"][1].split()[0], r["debit"], r["credit"], r["name"]) for r in items] == [
        ("101401", 250.0, 0.0, "Wire ACME 42"),
        ("101402", 0.0, 250.0, "Wire ACME 42"),
    ]
    assert statement_line(odoo, amount=-20.0) != line_id
    names = odoo.call("account.bank.statement.line", "search_read", [], fields=["name"], order="id")
    assert [n["name"] for n in names] == ["BNK1/2026/00001", "BNK1/2026/00002"]


def test_community_has_no_unique_import_id(odoo: Any) -> None:
    bank = odoo.journal("BNK1")
    with odoo.unchanged():
        fault = odoo.fault(
            "account.bank.statement.line", "create", {"journal_id": bank, "amount": 1.0, "unique_import_id": "abc"}
        )
    assert fault.faultCode == 1
    assert odoo.last_line(fault) == (
        "ValueError: Invalid field 'unique_import_id' on model 'account.bank.statement.line'"
    )
    assert odoo.call("account.bank.statement.line", "search_count", []) == 0


def test_enterprise_unique_import_id_is_unique(odoo: Any) -> None:
    odoo.server.control.set_edition("enterprise")
    first = statement_line(odoo, unique_import_id="BANK-2026-0001")
    moves_before = odoo.call("account.move", "search_count", [])
    again = {"journal_id": odoo.journal("BNK1"), "amount": 250.0, "payment_ref": "again"}
    with odoo.unchanged():  # neither the line nor the entry it would have posted
        fault = odoo.fault("account.bank.statement.line", "create", {**again, "unique_import_id": "BANK-2026-0001"})
    assert (fault.faultCode, fault.faultString) == (
        2,
        "The operation cannot be completed: A bank account transactions can be imported only once!",
    )
    assert odoo.call("account.move", "search_count", []) == moves_before
    found = odoo.call("account.bank.statement.line", "search", [("unique_import_id", "=", "BANK-2026-0001")])
    assert found == [first]


def test_statement_line_validations(odoo: Any) -> None:
    bank = odoo.journal("BNK1")
    with odoo.unchanged():
        fault = odoo.fault(
            "account.bank.statement.line", "create", {"journal_id": bank, "amount": 10.0, "amount_currency": 9.0}
        )
    assert fault.faultString == (
        "You can't provide an amount in foreign currency without specifying a foreign currency."
    )
    euro = statement_line(odoo, foreign_currency_id=125, amount_currency=230.0)
    row = odoo.read1("account.bank.statement.line", euro, ["foreign_currency_id", "amount_currency"])
    assert row == {"id": euro, "foreign_currency_id": [125, "EUR"], "amount_currency": 230.0}
    assert odoo.call("account.bank.statement.line", "unlink", [euro]) is True
    assert odoo.call("account.bank.statement.line", "read", [euro], ["name"]) == []
