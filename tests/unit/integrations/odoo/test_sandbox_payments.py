"""Register Payment wizard and account.payment as Odoo 18 runs them."""

from __future__ import annotations

from typing import Any

import pytest


def register(odoo: Any, move_ids: list[int], **values: Any) -> Any:
    context = {"active_model": "account.move", "active_ids": move_ids}
    wizard = odoo.call(
        "account.payment.register", "create", {"journal_id": odoo.journal("BNK1"), **values}, context=context
    )
    return odoo.call("account.payment.register", "action_create_payments", [wizard], context=context)


def test_full_payment_marks_the_invoice_paid(odoo: Any, payment_states: Any) -> None:
    invoice = odoo.posted_invoice()
    action = register(odoo, [invoice])
    payment_id = action["res_id"]
    assert action == {
        "name": "Payments",
        "type": "ir.actions.act_window",
        "res_model": "account.payment",
        "context": {"create": False},
        "view_mode": "form",
        "res_id": payment_id,
    }
    payment = odoo.read1(
        "account.payment",
        payment_id,
        [
            "name",
            "amount",
            "state",
            "payment_type",
            "partner_type",
            odoo.version.payment_memo,
            "date",
            "is_reconciled",
            "reconciled_invoice_ids",
            "move_id",
        ],
    )
    assert {k: v for k, v in payment.items() if k != "move_id"} == {
        "id": payment_id,
        "name": "PBNK1/2026/00001",
        "amount": 115.0,
        "state": payment_states.settling,
        "payment_type": "inbound",
        "partner_type": "customer",
        odoo.version.payment_memo: "INV/2026/00001",
        "date": "2026-03-10",
        "is_reconciled": True,
        "reconciled_invoice_ids": [invoice],
    }
    line_ids = odoo.read1("account.move", payment["move_id"][0], ["line_ids"])["line_ids"]
    lines = odoo.call("account.move.line", "read", line_ids, ["account_id", "debit", "credit"])
    # Community books the payment on Outstanding Receipts until a bank line is matched with it.
    assert [(r["account_id"][1].split()[0], r["debit"], r["credit"]) for r in lines] == [
        ("101403", 115.0, 0.0),
        ("121000", 0.0, 115.0),
    ]
    assert odoo.read1("account.move", invoice, ["payment_state", "amount_residual", "matched_payment_ids"]) == {
        "id": invoice,
        "payment_state": "paid",
        "amount_residual": 0.0,
        "matched_payment_ids": [payment_id],
    }


def test_partial_payments(odoo: Any) -> None:
    invoice = odoo.posted_invoice()
    register(odoo, [invoice], amount=40.0, payment_date="2026-03-11", communication="first part")
    assert odoo.read1("account.move", invoice, ["payment_state", "amount_residual"]) == {
        "id": invoice,
        "payment_state": "partial",
        "amount_residual": 75.0,
    }
    action = register(odoo, [invoice])
    second = odoo.read1("account.payment", action["res_id"], ["name", "amount"])
    assert second == {"id": action["res_id"], "name": "PBNK1/2026/00002", "amount": 75.0}
    assert odoo.read1("account.move", invoice, ["payment_state"])["payment_state"] == "paid"
    memos = odoo.call("account.payment", "search_read", [], fields=[odoo.version.payment_memo], order="id")
    assert [m[odoo.version.payment_memo] for m in memos] == ["first part", "INV/2026/00001"]


def test_vendor_bill_payment_is_outbound(odoo: Any) -> None:
    bill = odoo.posted_invoice("in_invoice", ref="V-100")
    payment_id = register(odoo, [bill])["res_id"]
    payment = odoo.read1(
        "account.payment", payment_id, ["payment_type", "partner_type", "amount", odoo.version.payment_memo]
    )
    assert payment == {
        "id": payment_id,
        "payment_type": "outbound",
        "partner_type": "supplier",
        "amount": 115.0,
        odoo.version.payment_memo: "V-100",
    }
    assert odoo.read1("account.move", bill, ["payment_state"])["payment_state"] == "paid"


def test_wizard_refusals(odoo: Any) -> None:
    draft = odoo.invoice()
    context = {"active_model": "account.move", "active_ids": [draft]}
    with odoo.unchanged():
        fault = odoo.fault("account.payment.register", "create", {}, context=context)
    assert (fault.faultCode, fault.faultString) == (2, "You can only register payment for posted journal entries.")
    paid = odoo.posted_invoice()
    register(odoo, [paid])
    with odoo.unchanged():
        fault = odoo.fault(
            "account.payment.register", "create", {}, context={"active_model": "account.move", "active_ids": [paid]}
        )
    assert fault.faultString == (
        "You can't register a payment because there is nothing left to pay on the selected journal items."
    )
    with odoo.unchanged():
        fault = odoo.fault("account.payment.register", "create", {})
    assert fault.faultString == (
        "The register payment wizard should only be called on account.move or account.move.line records."
    )


def test_several_invoices_and_no_redirect(odoo: Any) -> None:
    partner = odoo.partner()
    invoices = [odoo.posted_invoice(partner_id=partner), odoo.posted_invoice(partner_id=partner)]
    action = register(odoo, invoices)
    assert action["view_mode"] == "list,form"
    assert len(action["domain"][0][2]) == 2
    other = odoo.posted_invoice()
    context = {"active_model": "account.move", "active_ids": [other], "dont_redirect_to_payments": True}
    wizard = odoo.call("account.payment.register", "create", {}, context=context)
    assert odoo.call("account.payment.register", "action_create_payments", [wizard], context=context) is True
    # The wizard keeps its lines and amount: calling it again pays again, as in Odoo.
    assert odoo.call("account.payment.register", "action_create_payments", [wizard], context=context) is True
    assert odoo.call("account.payment", "search_count", [("partner_id", "=", partner)]) == 2
    assert len(odoo.call("account.payment", "search", [])) == 4


def direct_payment(odoo: Any, payment_type: str = "inbound") -> int:
    return int(
        odoo.call(
            "account.payment",
            "create",
            {
                "payment_type": payment_type,
                "partner_type": "customer" if payment_type == "inbound" else "supplier",
                "partner_id": odoo.partner(),
                "amount": 50.0,
                "journal_id": odoo.journal("BNK1"),
                "date": "2026-03-09",
                odoo.version.payment_memo: "deposit",
            },
        )
    )


def test_direct_payment_posts_in_process_and_its_none_result_is_a_fault(odoo: Any, payment_states: Any) -> None:
    payment_id = direct_payment(odoo)
    assert odoo.read1("account.payment", payment_id, ["state", "name"]) == {
        "id": payment_id,
        "state": "draft",
        "name": False,
    }
    fault = odoo.fault("account.payment", "action_post", [payment_id])
    assert odoo.last_line(fault) == "TypeError: cannot marshal None unless allow_none is enabled"
    # Without an invoice it waits on Outstanding Receipts for a bank line: in process, not paid.
    payment = odoo.read1("account.payment", payment_id, ["state", "name", "is_matched", "outstanding_account_id"])
    assert {k: v for k, v in payment.items() if k != "outstanding_account_id"} == {
        "id": payment_id,
        "state": payment_states.on_its_own,
        "name": "PBNK1/2026/00001",
        "is_matched": False,
    }
    assert payment["outstanding_account_id"][1].startswith("101403")
    outbound = direct_payment(odoo, "outbound")
    odoo.fault("account.payment", "action_post", [outbound])
    payment = odoo.read1("account.payment", outbound, ["state", "outstanding_account_id"])
    assert payment["state"] == payment_states.on_its_own
    assert payment["outstanding_account_id"][1].startswith("101404")


def test_partial_payment_stays_in_process_until_the_invoice_is_paid(odoo: Any, payment_states: Any) -> None:
    invoice = odoo.posted_invoice()
    first = register(odoo, [invoice], amount=40.0)["res_id"]
    assert odoo.read1("account.payment", first, ["state"])["state"] == payment_states.on_its_own
    second = register(odoo, [invoice])["res_id"]
    states = odoo.call("account.payment", "read", [first, second], ["state"])
    assert [s["state"] for s in states] == [payment_states.settling] * 2


def test_cancel_reject_and_validate_return_none_and_set_odoo_18_states(odoo: Any, payment_states: Any) -> None:
    if not payment_states.in_process:
        pytest.skip("Odoo 17's payment states are its entry's: see the test after this one")
    payment_id = direct_payment(odoo)
    odoo.fault("account.payment", "action_post", [payment_id])
    for method, state in (("action_validate", "paid"), ("action_reject", "rejected"), ("action_cancel", "canceled")):
        fault = odoo.fault("account.payment", method, [payment_id])
        assert odoo.last_line(fault) == "TypeError: cannot marshal None unless allow_none is enabled"
        assert odoo.read1("account.payment", payment_id, ["state"])["state"] == state
    move_id = odoo.read1("account.payment", payment_id, ["move_id"])["move_id"][0]
    assert odoo.read1("account.move", move_id, ["state"])["state"] == "cancel"
    # Posting a canceled payment again changes nothing.
    odoo.fault("account.payment", "action_post", [payment_id])
    assert odoo.read1("account.payment", payment_id, ["state"])["state"] == "canceled"
    draft = direct_payment(odoo)
    odoo.fault("account.payment", "action_cancel", [draft])
    assert odoo.read1("account.payment", draft, ["state", "move_id"]) == {
        "id": draft,
        "state": "canceled",
        "move_id": False,
    }


def test_odoo_17s_payment_is_its_entry_in_state_and_memo(odoo: Any, payment_states: Any) -> None:
    """17.0: the payment inherits account.move (_inherits): no memo but the entry's ref, its
    state the entry's (posted, cancel), and no action_validate or action_reject (18.0's)."""
    if payment_states.in_process:
        pytest.skip("18 and 19 give payments their own memo and states")
    payment_id = direct_payment(odoo)
    odoo.fault("account.payment", "action_post", [payment_id])
    payment = odoo.read1("account.payment", payment_id, ["state", "ref", "move_id"])
    assert (payment["state"], payment["ref"]) == ("posted", "deposit")
    assert odoo.read1("account.move", payment["move_id"][0], ["ref", "state"])["ref"] == "deposit"
    for method in ("action_validate", "action_reject"):
        fault = odoo.fault("account.payment", method, [payment_id])
        assert odoo.last_line(fault) == f"AttributeError: The method 'account.payment.{method}' does not exist"
    for unknown in ("memo", "invoice_ids"):
        fault = odoo.fault("account.payment", "read", [payment_id], [unknown])
        assert odoo.last_line(fault) == f"ValueError: Invalid field '{unknown}' on model 'account.payment'"
    odoo.fault("account.payment", "action_cancel", [payment_id])
    assert odoo.read1("account.payment", payment_id, ["state"])["state"] == "cancel"


def test_payment_constraints(odoo: Any) -> None:
    sales = odoo.journal("INV")
    with odoo.unchanged():
        fault = odoo.fault("account.payment", "create", {"payment_type": "inbound", "amount": -1.0})
        assert (fault.faultCode, fault.faultString) == (2, "The payment amount cannot be negative.")
        fault = odoo.fault("account.payment", "create", {"payment_type": "inbound", "amount": 1.0, "journal_id": sales})
    assert fault.faultString == "Please define a payment method line on your payment."


def test_an_outbound_customer_payment_is_a_customer_reimbursement_against_the_receivable(
    odoo: Any, payment_states: Any
) -> None:
    # Odoo 18: the destination account follows partner_type (customer: the receivable), the
    # outstanding account payment_type (outbound: Outstanding Payments), whatever the other is.
    payment_id = odoo.call(
        "account.payment",
        "create",
        {
            "payment_type": "outbound",
            "partner_type": "customer",
            "partner_id": odoo.partner(),
            "amount": 50.0,
            "journal_id": odoo.journal("BNK1"),
            "date": "2026-03-09",
            odoo.version.payment_memo: "refund",
        },
    )
    odoo.fault("account.payment", "action_post", [payment_id])
    payment = odoo.read1(
        "account.payment", payment_id, ["state", "destination_account_id", "outstanding_account_id", "move_id"]
    )
    assert payment["state"] == payment_states.on_its_own
    assert payment["destination_account_id"][1].startswith("121000")
    assert payment["outstanding_account_id"][1].startswith("101404")
    line_ids = odoo.read1("account.move", payment["move_id"][0], ["line_ids"])["line_ids"]
    lines = odoo.call("account.move.line", "read", line_ids, ["account_id", "debit", "credit", "name"])
    # The money leaves the bank's outstanding account and the customer's receivable is debited back.
    assert [(r["account_id"][1].split()[0], r["debit"], r["credit"]) for r in lines] == [
        ("101404", 0.0, 50.0),
        ("121000", 50.0, 0.0),
    ]
    assert lines[0]["name"] == "Customer Reimbursement $\xa050.00 - Acme Corp - 03/09/2026"
