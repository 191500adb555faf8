"""The invoice's "Outstanding credits" as Odoo 18 runs them over XML-RPC:
account.move.js_assign_outstanding_line reconciles a payment's open receivable item with the
invoice's open items on the same account, checks what every reconciliation checks
(AccountMoveLine._check_amls_exigibility_for_reconciliation) and nothing more, and returns
None, which XML-RPC answers with a fault after the work committed."""

from __future__ import annotations

from typing import Any

import pytest

NONE_FAULT = "TypeError: cannot marshal None unless allow_none is enabled"


def posted_payment(odoo: Any, partner: int, amount: float = 115.0, **extra: Any) -> int:
    values = {
        "payment_type": "inbound",
        "partner_type": "customer",
        "partner_id": partner,
        "amount": amount,
        "journal_id": odoo.journal("BNK1"),
        "date": "2026-03-09",
        odoo.version.payment_memo: "stripe/ch_1",
        **extra,
    }
    payment_id = int(odoo.call("account.payment", "create", values))
    assert odoo.last_line(odoo.fault("account.payment", "action_post", [payment_id])) == NONE_FAULT
    return payment_id


def receivable_item(odoo: Any, payment_id: int) -> int:
    """The payment's item on the customer's receivable: the one the widget offers."""
    payment = odoo.read1("account.payment", payment_id, ["move_id", "destination_account_id"])
    lines = odoo.call("account.move.line", "search_read", [("move_id", "=", payment["move_id"][0])], ["account_id"])
    [item] = [line["id"] for line in lines if line["account_id"][0] == payment["destination_account_id"][0]]
    return int(item)


def assign(odoo: Any, invoice: int, item: int) -> str:
    return str(odoo.last_line(odoo.fault("account.move", "js_assign_outstanding_line", [invoice], item)))


def test_an_outstanding_receipt_pays_the_invoice_and_the_answer_is_the_none_fault(
    odoo: Any, payment_states: Any
) -> None:
    partner = odoo.partner("Blue Harbor Cafe")
    invoice = odoo.posted_invoice(partner_id=partner)
    payment = posted_payment(odoo, partner)

    assert assign(odoo, invoice, receivable_item(odoo, payment)) == NONE_FAULT

    assert odoo.read1("account.move", invoice, ["payment_state", "amount_residual", "matched_payment_ids"]) == {
        "id": invoice,
        "payment_state": "paid",
        "amount_residual": 0.0,
        "matched_payment_ids": [payment],
    }
    after = odoo.read1("account.payment", payment, ["state", "is_reconciled", "reconciled_invoice_ids"])
    # Applied to the invoice, still waiting on Outstanding Receipts for its bank line.
    assert after == {
        "id": payment,
        "state": payment_states.on_its_own,
        "is_reconciled": True,
        "reconciled_invoice_ids": [invoice],
    }


def test_a_smaller_receipt_pays_part_and_a_larger_one_keeps_its_rest_outstanding(odoo: Any) -> None:
    partner = odoo.partner()
    first, second = odoo.posted_invoice(partner_id=partner), odoo.posted_invoice(partner_id=partner)
    small, large = posted_payment(odoo, partner, 40.0), posted_payment(odoo, partner, 200.0)

    assign(odoo, first, receivable_item(odoo, small))
    assign(odoo, second, receivable_item(odoo, large))

    moves = odoo.call("account.move", "read", [first, second], ["payment_state", "amount_residual"])
    assert [(m["payment_state"], m["amount_residual"]) for m in moves] == [("partial", 75.0), ("paid", 0.0)]
    rest = odoo.read1("account.move.line", receivable_item(odoo, large), ["amount_residual", "reconciled"])
    assert (rest["amount_residual"], rest["reconciled"]) == (-85.0, False)


def test_an_invoice_paid_already_leaves_the_receipt_as_it_was_without_an_error(odoo: Any) -> None:
    partner = odoo.partner()
    invoice = odoo.posted_invoice(partner_id=partner)
    assign(odoo, invoice, receivable_item(odoo, posted_payment(odoo, partner)))
    again = posted_payment(odoo, partner)
    item = receivable_item(odoo, again)

    with odoo.unchanged():
        # The invoice has no open item left on the receivable: nothing to pair, no error.
        assert assign(odoo, invoice, item) == NONE_FAULT


def test_odoo_does_not_check_the_partner_so_another_customers_receipt_would_pay_the_invoice(odoo: Any) -> None:
    # The widget offers only the invoice's partner's items; the method does not check it.
    # The console checks it before calling (integrations/odoo/outstanding.py).
    invoice = odoo.posted_invoice(partner_id=odoo.partner("Blue Harbor Cafe"))
    payment = posted_payment(odoo, odoo.partner("Someone Else"))

    assign(odoo, invoice, receivable_item(odoo, payment))

    assert odoo.read1("account.move", invoice, ["payment_state"])["payment_state"] == "paid"


def test_an_item_reconciled_already_is_refused_and_nothing_changes(odoo: Any) -> None:
    partner = odoo.partner()
    first, second = odoo.posted_invoice(partner_id=partner), odoo.posted_invoice(partner_id=partner)
    item = receivable_item(odoo, posted_payment(odoo, partner))
    assign(odoo, first, item)

    with odoo.unchanged():
        fault = odoo.fault("account.move", "js_assign_outstanding_line", [second], item)
    assert (fault.faultCode, fault.faultString) == (
        2,
        "You are trying to reconcile some entries that are already reconciled.",
    )


def test_a_draft_invoice_is_refused(odoo: Any) -> None:
    partner = odoo.partner()
    draft = odoo.invoice(partner_id=partner)
    item = receivable_item(odoo, posted_payment(odoo, partner))

    with odoo.unchanged():
        fault = odoo.fault("account.move", "js_assign_outstanding_line", [draft], item)
    assert (fault.faultCode, fault.faultString) == (2, "You can only reconcile posted entries.")


def test_an_item_on_an_account_that_does_not_reconcile_is_refused(odoo: Any) -> None:
    invoice = odoo.posted_invoice()
    lines = odoo.call("account.move.line", "search_read", [("move_id", "=", invoice)], ["display_type"])
    [income] = [line["id"] for line in lines if line["display_type"] == "product"]

    with odoo.unchanged():
        fault = odoo.fault("account.move", "js_assign_outstanding_line", [invoice], income)
    assert fault.faultCode == 2
    assert fault.faultString.startswith("Account 400000 Product Sales does not allow reconciliation.")


def test_items_of_two_companies_are_refused(odoo: Any) -> None:
    if odoo.version.account_companies == "company_id":
        pytest.skip("an Odoo 17 account belongs to one company: no receivable is shared by two")
    receivable = odoo.account("121000")
    odoo.call("account.account", "write", [receivable], {"company_ids": [(6, 0, [1, 2])]})
    invoice = odoo.posted_invoice()
    partner = odoo.read1("account.move", invoice, ["partner_id"])["partner_id"][0]
    french = posted_payment(
        odoo, partner, journal_id=odoo.journal("BNK1", company=2), destination_account_id=receivable
    )

    with odoo.unchanged():
        fault = odoo.fault("account.move", "js_assign_outstanding_line", [invoice], receivable_item(odoo, french))
    assert (fault.faultCode, fault.faultString) == (
        2,
        "Entries don't belong to the same company: My Company, My Company (FR)",
    )


def test_an_item_that_does_not_exist_and_two_invoices_are_refused(odoo: Any) -> None:
    partner = odoo.partner()
    invoices = [odoo.posted_invoice(partner_id=partner), odoo.posted_invoice(partner_id=partner)]
    item = receivable_item(odoo, posted_payment(odoo, partner))

    with odoo.unchanged():
        missing = odoo.fault("account.move", "js_assign_outstanding_line", invoices[:1], 999_999)
        several = odoo.fault("account.move", "js_assign_outstanding_line", invoices, item)
    assert (missing.faultCode, missing.faultString.splitlines()[0]) == (2, "Record does not exist or has been deleted.")
    assert several.faultCode == 1
    assert odoo.last_line(several).startswith("ValueError: Expected singleton: account.move(")
