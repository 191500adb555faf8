"""account.move: the ODOO_FACTS invoice, numbering, posting checks, lock dates, companies."""

from __future__ import annotations

from typing import Any

LINE_FIELDS = ["account_id", "debit", "credit", "display_type", "name"]


def lines_of(odoo: Any, move_id: int) -> list[tuple[str, float, float, str]]:
    line_ids = odoo.read1("account.move", move_id, ["line_ids"])["line_ids"]
    rows = odoo.call("account.move.line", "read", line_ids, LINE_FIELDS)
    return [(r["account_id"][1].split()[0], r["debit"], r["credit"], r["display_type"]) for r in rows]


def test_customer_invoice_matches_odoo_facts(odoo: Any) -> None:
    partner = odoo.partner()
    move_id = odoo.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "ref": "X",
            "invoice_date": "2026-03-05",
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {"name": "Consulting", "quantity": 1, "price_unit": 100, "tax_ids": [(6, 0, [odoo.tax("sale")])]},
                )
            ],
        },
    )
    draft = odoo.read1("account.move", move_id, ["name", "state", "amount_total", "payment_state"])
    assert draft == {"id": move_id, "name": "/", "state": "draft", "amount_total": 115.0, "payment_state": "not_paid"}
    assert odoo.call("account.move", "action_post", [move_id]) is False
    posted = odoo.read1(
        "account.move",
        move_id,
        [
            "name",
            "state",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "payment_state",
            "date",
            "invoice_date",
            "payment_reference",
        ],
    )
    assert posted == {
        "id": move_id,
        "name": "INV/2026/00001",
        "state": "posted",
        "amount_untaxed": 100.0,
        "amount_tax": 15.0,
        "amount_total": 115.0,
        "amount_residual": 115.0,
        "payment_state": "not_paid",
        "date": "2026-03-05",
        "invoice_date": "2026-03-05",
        "payment_reference": "INV/2026/00001",
    }
    assert lines_of(odoo, move_id) == [
        ("400000", 0.0, 100.0, "product"),
        ("251000", 0.0, 15.0, "tax"),
        ("121000", 115.0, 0.0, "payment_term"),
    ]


def test_vendor_bill_lines_and_monthly_numbering(odoo: Any) -> None:
    bill = odoo.posted_invoice("in_invoice", 200.0, ref="V-100")
    row = odoo.read1("account.move", bill, ["name", "amount_total", "amount_residual", "date", "invoice_date"])
    # Bills book on today when dated earlier in the current month (_get_accounting_date).
    assert row == {
        "id": bill,
        "name": "BILL/2026/03/0001",
        "amount_total": 230.0,
        "amount_residual": 230.0,
        "date": "2026-03-10",
        "invoice_date": "2026-03-05",
    }
    assert lines_of(odoo, bill) == [
        ("600000", 200.0, 0.0, "product"),
        ("131000", 30.0, 0.0, "tax"),
        ("211000", 0.0, 230.0, "payment_term"),
    ]
    january = odoo.posted_invoice("in_invoice", invoice_date="2026-01-20")
    assert odoo.read1("account.move", january, ["name", "date"]) == {
        "id": january,
        "name": "BILL/2026/01/0001",
        "date": "2026-01-31",
    }


def test_numbering_per_journal_year_and_refund_sequence(odoo: Any) -> None:
    first, second = odoo.posted_invoice(), odoo.posted_invoice()
    old = odoo.posted_invoice(invoice_date="2025-12-30")
    refund = odoo.posted_invoice("out_refund")
    names = {m["id"]: m["name"] for m in odoo.call("account.move", "read", [first, second, old, refund], ["name"])}
    assert names == {
        first: "INV/2026/00001",
        second: "INV/2026/00002",
        old: "INV/2025/00001",
        refund: "RINV/2026/00001",
    }


def test_batch_post_numbers_in_date_order(odoo: Any) -> None:
    later = odoo.invoice(invoice_date="2026-03-08")
    earlier = odoo.invoice(invoice_date="2026-03-01")
    odoo.call("account.move", "action_post", [later, earlier])
    names = {m["id"]: m["name"] for m in odoo.call("account.move", "read", [later, earlier], ["name"])}
    assert names == {earlier: "INV/2026/00001", later: "INV/2026/00002"}


def test_journal_entries_balance(odoo: Any) -> None:
    lines = [
        (0, 0, {"account_id": odoo.account("600000"), "name": "Rent", "debit": 100.0}),
        (0, 0, {"account_id": odoo.account("101401"), "name": "Rent", "credit": 100.0}),
    ]
    entry = odoo.call(
        "account.move", "create", {"move_type": "entry", "ref": "ADJ-1", "date": "2026-03-02", "line_ids": lines}
    )
    odoo.call("account.move", "action_post", [entry])
    assert odoo.read1("account.move", entry, ["name", "amount_total"]) == {
        "id": entry,
        "name": "MISC/2026/03/0001",
        "amount_total": 100.0,
    }
    lines[1] = (0, 0, {"account_id": odoo.account("101401"), "name": "Rent", "credit": 90.0})
    with odoo.unchanged():
        fault = odoo.fault("account.move", "create", {"move_type": "entry", "ref": "ADJ-2", "line_ids": lines})
    assert (fault.faultCode, fault.faultString) == (
        2,
        "An error has occurred.\n\nThe move (Draft Entry  (ADJ-2)) is not balanced.\n"
        "The total of debits equals $\xa0100.00 and the total of credits equals $\xa090.00.\n"
        'You might want to specify a default account on journal "Miscellaneous Operations" to automatically '
        "balance each move.",
    )
    with odoo.unchanged():
        fault = odoo.fault("account.move", "create", {"line_ids": [(0, 0, {"name": "no account", "debit": 1})]})
    assert fault.faultString == "The operation cannot be completed: Missing required account on accountable line."


def test_posting_checks(odoo: Any) -> None:
    empty = odoo.call("account.move", "create", {"move_type": "out_invoice", "partner_id": odoo.partner()})
    anonymous = odoo.invoice(partner_id=False)
    undated_bill = odoo.invoice("in_invoice", invoice_date=False)
    negative = odoo.invoice(price=-10.0)
    with odoo.unchanged():  # each refused post leaves its draft a draft, unnumbered
        fault = odoo.fault("account.move", "action_post", [empty])
        assert (fault.faultCode, fault.faultString) == (2, "You need to add a line before posting.")
        assert odoo.fault("account.move", "action_post", [anonymous]).faultString == (
            "The field 'Customer' is required, please complete it to validate the Customer Invoice."
        )
        assert odoo.fault("account.move", "action_post", [undated_bill]).faultString == (
            "The Bill/Refund date is required to validate this document."
        )
        assert odoo.fault("account.move", "action_post", [negative]).faultString.startswith(
            "You cannot validate an invoice with a negative total amount."
        )
    posted = odoo.posted_invoice()
    with odoo.unchanged():
        assert odoo.fault("account.move", "action_post", [posted]).faultString == (
            f"The entry INV/2026/00001 (id {posted}) must be in draft."
        )
        fault = odoo.fault("account.move", "action_post", [99999999])
    assert fault.faultString.startswith("Record does not exist or has been deleted.")


def test_undated_customer_invoice_is_dated_today_on_post(odoo: Any) -> None:
    move_id = odoo.posted_invoice(invoice_date=False)
    assert odoo.read1("account.move", move_id, ["invoice_date", "date"]) == {
        "id": move_id,
        "invoice_date": "2026-03-10",
        "date": "2026-03-10",
    }


def test_lock_date_moves_the_accounting_date_then_guards_the_entry(odoo: Any) -> None:
    odoo.server.control.set_lock_date(1, "2026-02-28")
    move_id = odoo.posted_invoice(invoice_date="2026-02-15")
    assert odoo.read1("account.move", move_id, ["invoice_date", "date", "name"]) == {
        "id": move_id,
        "invoice_date": "2026-02-15",
        "date": "2026-03-10",
        "name": "INV/2026/00001",
    }
    with odoo.unchanged():
        fault = odoo.fault("account.move", "write", [move_id], {"date": "2026-03-09"})
    assert fault.faultString == "You cannot modify the following readonly fields on a posted move: date"
    odoo.server.control.set_lock_date(1, "2026-03-31")
    for method in ("button_draft", "button_cancel"):
        with odoo.unchanged():
            fault = odoo.fault("account.move", method, [move_id])
        assert (fault.faultCode, fault.faultString) == (
            2,
            "You cannot add/modify entries prior to and inclusive of: Global Lock Date (03/31/2026).",
        )
    assert odoo.read1("account.move", move_id, ["state"])["state"] == "posted"
    odoo.server.control.set_lock_date(1, "2026-03-31", "hard_lock_date")
    with odoo.unchanged():
        fault = odoo.fault("account.move", "button_draft", [move_id])
    assert fault.faultString == (
        "You cannot add/modify entries prior to and inclusive of: Global Lock Date "
        "(03/31/2026) and Hard Lock Date (03/31/2026)."
    )


def test_edits_of_drafts_and_posted_moves(odoo: Any) -> None:
    move_id = odoo.invoice()
    odoo.call("account.move", "write", [move_id], {"invoice_line_ids": [(0, 0, {"name": "Extra", "price_unit": 50})]})
    assert odoo.read1("account.move", move_id, ["amount_untaxed", "amount_tax", "amount_total"]) == {
        "id": move_id,
        "amount_untaxed": 150.0,
        "amount_tax": 15.0,
        "amount_total": 165.0,
    }
    odoo.call("account.move", "action_post", [move_id])
    assert odoo.call("account.move", "write", [move_id], {"ref": "PO-7"}) is True
    assert odoo.read1("account.move", move_id, ["ref"])["ref"] == "PO-7"
    other = odoo.partner("Other")
    with odoo.unchanged():
        fault = odoo.fault("account.move", "write", [move_id], {"partner_id": other})
        assert fault.faultString == "You cannot modify the following readonly fields on a posted move: partner_id"
        fault = odoo.fault("account.move", "unlink", [move_id])
        assert fault.faultString == "You cannot delete an item linked to a posted entry."
    draft = odoo.invoice()
    assert odoo.call("account.move", "unlink", [draft]) is True
    assert odoo.call("account.move.line", "search", [("move_id", "=", draft)]) == []


def test_duplicate_vendor_reference_is_flagged_not_blocked(odoo: Any) -> None:
    vendor = odoo.partner("Vendor")
    first = odoo.posted_invoice("in_invoice", partner_id=vendor, ref="INV-77")
    second = odoo.posted_invoice("in_invoice", partner_id=vendor, ref="INV-77")
    assert odoo.read1("account.move", second, ["duplicated_ref_ids", "state"]) == {
        "id": second,
        "duplicated_ref_ids": [first],
        "state": "posted",
    }


def test_journal_and_company_consistency(odoo: Any) -> None:
    bills, partner, french_tax = odoo.journal("BILL"), odoo.partner(), odoo.tax("sale", 2)
    with odoo.unchanged():
        fault = odoo.fault("account.move", "create", {"move_type": "out_invoice", "journal_id": bills})
    assert (fault.faultCode, fault.faultString) == (2, "Cannot create a sale document in a non sale journal")
    with odoo.unchanged():
        fault = odoo.fault(
            "account.move",
            "create",
            {
                "move_type": "out_invoice",
                "partner_id": partner,
                "invoice_line_ids": [(0, 0, {"name": "x", "price_unit": 1, "tax_ids": [(6, 0, [french_tax])]})],
            },
        )
    assert fault.faultCode == 2
    assert fault.faultString == (
        "Incompatible companies on records:\n- \u201c/ x\u201d belongs to company \u201cMy Company\u201d and "
        "\u201cTaxes\u201d (tax_ids: '15%') belongs to another company."
    )
    fr_invoice = odoo.posted_invoice(
        journal_id=odoo.journal("INV", 2),
        invoice_line_ids=[(0, 0, {"name": "x", "price_unit": 10, "tax_ids": [(6, 0, [odoo.tax("sale", 2)])]})],
    )
    row = odoo.read1("account.move", fr_invoice, ["name", "company_id", "currency_id", "amount_total"])
    assert row == {
        "id": fr_invoice,
        "name": "INV/2026/00001",
        "company_id": [2, "My Company (FR)"],
        "currency_id": [125, "EUR"],
        "amount_total": 11.5,
    }


def test_inactive_currency_and_foreign_partner(odoo: Any) -> None:
    pounds = odoo.invoice(currency_id=147)
    french = odoo.partner("Client FR", company_id=2)
    with odoo.unchanged():
        fault = odoo.fault("account.move", "action_post", [pounds])
        assert fault.faultString == "You cannot validate a document with an inactive currency: GBP"
        fault = odoo.fault("account.move", "create", {"move_type": "out_invoice", "partner_id": french, "ref": "R"})
    assert fault.faultString == (
        "Incompatible companies on records:\n"
        "- \u201cDraft Invoice  (R)\u201d belongs to company \u201cMy Company\u201d and \u201cPartner\u201d "
        "(partner_id: 'Client FR') belongs to another company."
    )


def test_partner_accounts_only_on_payment_term_lines(odoo: Any) -> None:
    line = {"name": "x", "price_unit": 10, "account_id": odoo.account("121000")}
    payable = odoo.account("211000")
    with odoo.unchanged():
        fault = odoo.fault("account.move", "create", {"move_type": "out_invoice", "invoice_line_ids": [(0, 0, line)]})
        assert fault.faultString == "Any journal item on a receivable account must have a due date and vice versa."
        line["account_id"] = payable
        fault = odoo.fault("account.move", "create", {"move_type": "out_invoice", "invoice_line_ids": [(0, 0, line)]})
    assert fault.faultString == "Account 211000 is of payable type, but is used in a sale operation."


def test_deprecated_account_blocks_posting(odoo: Any) -> None:
    """17 and 18 deprecate an account; 19 archives it (`active`), and says so."""
    move_id = odoo.invoice()
    account = odoo.account("400000")
    if odoo.version.account_usable == "active":
        odoo.call("account.account", "write", [account], {"active": False})
        word = "a archived"  # sic, Odoo 19's account_move.py
    else:
        odoo.call("account.account", "write", [account], {"deprecated": True})
        word = "a deprecated"
    with odoo.unchanged():
        fault = odoo.fault("account.move", "action_post", [move_id])
    assert fault.faultString == f"A line of this move is using {word} account, you cannot post it."
