"""Credit notes (out_refund, in_refund) as Odoo 18 numbers, signs, links and settles them
(addons/account/models/account_move.py: _get_starting_sequence, _compute_amount, _post's
_reconcile_reversed_moves, _compute_payment_state)."""

from __future__ import annotations

from typing import Any

from tests.unit.integrations.odoo.test_sandbox_payments import register

AMOUNTS = ["name", "state", "amount_total", "amount_total_signed", "amount_residual", "amount_residual_signed"]


def test_customer_credit_notes_number_yearly_in_their_own_sequence_and_are_negative_when_signed(odoo: Any) -> None:
    invoice = odoo.posted_invoice("out_invoice", 100.0)
    first = odoo.posted_invoice("out_refund", 40.0)
    second = odoo.posted_invoice("out_refund", 10.0)
    assert odoo.read1("account.move", first, AMOUNTS) == {
        "id": first,
        "name": "RINV/2026/00001",
        "state": "posted",
        "amount_total": 46.0,
        "amount_total_signed": -46.0,
        "amount_residual": 46.0,
        "amount_residual_signed": -46.0,
    }
    assert odoo.read1("account.move", second, ["name"])["name"] == "RINV/2026/00002"
    # The invoices' own sequence goes on where it was: a credit note takes no number from it.
    assert odoo.read1("account.move", odoo.posted_invoice("out_invoice", 5.0), ["name"])["name"] == "INV/2026/00002"
    assert odoo.read1("account.move", invoice, ["name"])["name"] == "INV/2026/00001"


def test_a_customer_credit_note_credits_income_and_tax_and_owes_the_customer(odoo: Any) -> None:
    refund = odoo.posted_invoice("out_refund", 100.0)
    line_ids = odoo.read1("account.move", refund, ["line_ids"])["line_ids"]
    rows = odoo.call("account.move.line", "read", line_ids, ["account_id", "debit", "credit", "display_type"])
    assert [(r["account_id"][1].split()[0], r["debit"], r["credit"], r["display_type"]) for r in rows] == [
        ("400000", 100.0, 0.0, "product"),
        ("251000", 15.0, 0.0, "tax"),
        ("121000", 0.0, 115.0, "payment_term"),
    ]


def test_vendor_credit_notes_number_monthly_and_are_positive_when_signed(odoo: Any) -> None:
    bill = odoo.posted_invoice("in_invoice", 100.0)
    refund = odoo.posted_invoice("in_refund", 100.0)
    assert odoo.read1("account.move", refund, AMOUNTS) == {
        "id": refund,
        "name": "RBILL/2026/03/0001",
        "state": "posted",
        "amount_total": 115.0,
        "amount_total_signed": 115.0,
        "amount_residual": 115.0,
        "amount_residual_signed": 115.0,
    }
    assert odoo.read1("account.move", bill, ["name", "amount_total_signed"]) == {
        "id": bill,
        "name": "BILL/2026/03/0001",
        "amount_total_signed": -115.0,
    }


def test_a_credit_note_reversing_a_posted_invoice_settles_it_when_posted(odoo: Any) -> None:
    invoice = odoo.posted_invoice("out_invoice", 100.0)
    partial = odoo.invoice("out_refund", 40.0, reversed_entry_id=invoice)
    # A draft reverses nothing yet.
    assert odoo.read1("account.move", invoice, ["amount_residual"])["amount_residual"] == 115.0
    odoo.call("account.move", "action_post", [partial])
    states = ["payment_state", "amount_residual", "reversed_entry_id", "reversal_move_ids"]
    assert odoo.read1("account.move", partial, states) == {
        "id": partial,
        "payment_state": "paid",
        "amount_residual": 0.0,
        "reversed_entry_id": [invoice, "INV/2026/00001"],
        "reversal_move_ids": [],
    }
    assert odoo.read1("account.move", invoice, ["payment_state", "amount_residual", "reversal_move_ids"]) == {
        "id": invoice,
        "payment_state": "partial",
        "amount_residual": 69.0,
        "reversal_move_ids": [partial],
    }
    rest = odoo.posted_invoice("out_refund", 60.0, reversed_entry_id=invoice)
    # Settled by credit notes alone, an invoice is reversed, not paid.
    assert odoo.read1("account.move", invoice, ["payment_state", "amount_residual", "reversal_move_ids"]) == {
        "id": invoice,
        "payment_state": "reversed",
        "amount_residual": 0.0,
        "reversal_move_ids": [partial, rest],
    }


def test_a_credit_note_reversing_a_draft_settles_nothing(odoo: Any) -> None:
    draft = odoo.invoice("out_invoice", 100.0)
    refund = odoo.posted_invoice("out_refund", 100.0, reversed_entry_id=draft)
    assert odoo.read1("account.move", refund, ["amount_residual", "payment_state"])["amount_residual"] == 115.0
    odoo.call("account.move", "action_post", [draft])
    # Posting the invoice afterwards does not match them either: Odoo matches when the credit note posts.
    assert odoo.read1("account.move", draft, ["amount_residual"])["amount_residual"] == 115.0


def test_a_vendor_credit_note_reversing_a_bill_settles_the_payable(odoo: Any) -> None:
    bill = odoo.posted_invoice("in_invoice", 100.0)
    refund = odoo.posted_invoice("in_refund", 100.0, reversed_entry_id=bill)
    assert odoo.read1("account.move", bill, ["payment_state", "amount_residual"]) == {
        "id": bill,
        "payment_state": "reversed",
        "amount_residual": 0.0,
    }
    assert odoo.read1("account.move", refund, ["payment_state"])["payment_state"] == "paid"


def test_an_invoice_paid_and_credited_is_paid_and_the_credit_note_stays_open(odoo: Any) -> None:
    invoice = odoo.posted_invoice("out_invoice", 100.0)
    register(odoo, [invoice])
    refund = odoo.posted_invoice("out_refund", 100.0, reversed_entry_id=invoice)
    assert odoo.read1("account.move", invoice, ["payment_state"])["payment_state"] == "paid"
    # The money went to the customer's account already: the credit note is what we owe them.
    assert odoo.read1("account.move", refund, ["payment_state", "amount_residual"]) == {
        "id": refund,
        "payment_state": "not_paid",
        "amount_residual": 115.0,
    }


def test_refunding_a_customer_credit_note_is_an_outbound_customer_payment_that_settles_it(
    odoo: Any, payment_states: Any
) -> None:
    refund = odoo.posted_invoice("out_refund", 100.0)
    payment_id = register(odoo, [refund], communication="refund #1001")["res_id"]
    payment = odoo.read1(
        "account.payment",
        payment_id,
        ["amount", "state", "payment_type", "partner_type", odoo.version.payment_memo, "move_id"],
    )
    assert {k: v for k, v in payment.items() if k != "move_id"} == {
        "id": payment_id,
        "amount": 115.0,
        "state": payment_states.settling,
        "payment_type": "outbound",
        "partner_type": "customer",
        odoo.version.payment_memo: "refund #1001",
    }
    line_ids = odoo.read1("account.move", payment["move_id"][0], ["line_ids"])["line_ids"]
    rows = odoo.call("account.move.line", "read", line_ids, ["account_id", "debit", "credit"])
    # Community books it on Outstanding Payments until a bank line is matched with it.
    assert sorted((r["account_id"][1].split()[0], r["debit"], r["credit"]) for r in rows) == [
        ("101404", 0.0, 115.0),
        ("121000", 115.0, 0.0),
    ]
    assert odoo.read1("account.move", refund, ["payment_state", "amount_residual", "matched_payment_ids"]) == {
        "id": refund,
        "payment_state": "paid",
        "amount_residual": 0.0,
        "matched_payment_ids": [payment_id],
    }


def test_a_vendor_refund_received_is_an_inbound_supplier_payment(odoo: Any, payment_states: Any) -> None:
    refund = odoo.posted_invoice("in_refund", 100.0)
    payment_id = register(odoo, [refund])["res_id"]
    payment = odoo.read1("account.payment", payment_id, ["payment_type", "partner_type", "state"])
    assert (payment["payment_type"], payment["partner_type"], payment["state"]) == (
        "inbound",
        "supplier",
        payment_states.settling,
    )
    assert odoo.read1("account.move", refund, ["payment_state"])["payment_state"] == "paid"


def test_a_credit_note_cannot_reverse_a_move_of_another_company_nor_one_that_does_not_exist(odoo: Any) -> None:
    french = odoo.posted_invoice(
        journal_id=odoo.journal("INV", 2),
        invoice_line_ids=[(0, 0, {"name": "x", "price_unit": 10, "tax_ids": [(6, 0, [odoo.tax("sale", 2)])]})],
    )
    with odoo.unchanged():
        fault = odoo.fault("account.move", "create", {"move_type": "out_refund", "reversed_entry_id": french})
    assert (fault.faultCode, fault.faultString) == (
        2,
        "Incompatible companies on records:\n"
        "- \u201cDraft Credit Note \u201d belongs to company \u201cMy Company\u201d and \u201cReversal of\u201d "
        "(reversed_entry_id: 'INV/2026/00001') belongs to another company.",
    )
    with odoo.unchanged():
        fault = odoo.fault("account.move", "create", {"move_type": "out_refund", "reversed_entry_id": 999999})
    assert fault.faultCode == 2
    assert "Constraint: account_move_reversed_entry_id_fkey" in fault.faultString


def test_a_credit_note_with_a_negative_total_is_refused_like_an_invoice(odoo: Any) -> None:
    refund = odoo.invoice("out_refund", -10.0)
    with odoo.unchanged():
        fault = odoo.fault("account.move", "action_post", [refund])
    assert (fault.faultCode, fault.faultString) == (
        2,
        "You cannot validate an invoice with a negative total amount. You should create a credit note instead. "
        "Use the action menu to transform it into a credit note or refund.",
    )
