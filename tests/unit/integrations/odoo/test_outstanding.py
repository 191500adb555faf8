"""The connector applying an outstanding receipt (a payment the console posted on its own) to the
invoice it pays, in the sandbox: what Odoo's widget would offer, once, read back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from integrations.odoo.errors import ErrorKind, OdooError
from integrations.odoo.outstanding import Applied, invoice_find, receipt_apply, settled_types
from integrations.odoo.poster import OdooPoster
from tests.unit.integrations.odoo.test_poster_payments import client_for, payment_request

EUR = 125


def unmatched_receipt(odoo: Any, external_id: str = "ch_1", **changes: Any) -> tuple[int, int]:
    """A payment posted by the console without an invoice, and its Odoo partner."""
    [result] = OdooPoster(client_for(odoo)).post([payment_request(odoo, external_id, **changes)])
    assert result.ok and result.odoo_id is not None, result.error
    partner = odoo.read1("account.payment", result.odoo_id, ["partner_id"])["partner_id"][0]
    return result.odoo_id, partner


def refusal(odoo: Any, payment: int, invoice: int) -> OdooError:
    with odoo.unchanged(), pytest.raises(OdooError) as raised:
        receipt_apply(client_for(odoo), payment_id=payment, invoice_id=invoice)
    assert raised.value.kind is ErrorKind.DATA
    return raised.value


def test_a_receipt_pays_its_customers_invoice_and_says_what_it_did(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=partner)
    writes: list[str] = []

    applied = receipt_apply(
        client_for(odoo), payment_id=payment, invoice_id=invoice, before_write=lambda: writes.append("write")
    )

    assert applied == Applied(
        invoice_id=invoice,
        invoice_name="INV/2026/00001",
        payment_name="PBNK1/2026/00001",
        currency="USD",
        amount=Decimal("115.00"),
        invoice_residual=Decimal("0.00"),
        invoice_payment_state="paid",
        payment_rest=Decimal("0.00"),
    )
    assert writes == ["write"]
    assert odoo.read1("account.move", invoice, ["payment_state"])["payment_state"] == "paid"


def test_a_receipt_smaller_than_the_invoice_pays_part_of_it(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=partner, price=200.0)

    applied = receipt_apply(client_for(odoo), payment_id=payment, invoice_id=invoice)

    assert (applied.amount, applied.invoice_residual, applied.invoice_payment_state) == (
        Decimal("115.00"),
        Decimal("115.00"),
        "partial",
    )


def test_a_larger_receipt_keeps_what_the_invoice_did_not_take_outstanding(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=partner, price=50.0)  # 57.50 with its tax

    applied = receipt_apply(client_for(odoo), payment_id=payment, invoice_id=invoice)

    assert (applied.amount, applied.invoice_payment_state, applied.payment_rest) == (
        Decimal("57.50"),
        "paid",
        Decimal("57.50"),
    )


def test_applying_it_again_finds_it_applied_and_calls_nothing(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=partner)
    first = receipt_apply(client_for(odoo), payment_id=payment, invoice_id=invoice)

    with odoo.unchanged():
        again = receipt_apply(client_for(odoo), payment_id=payment, invoice_id=invoice, before_write=pytest.fail)

    assert again == Applied(**{**first.__dict__, "already": True})


def test_a_call_whose_answer_was_lost_is_found_applied_with_its_amount(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=partner, price=200.0)
    payment_move = odoo.read1("account.payment", payment, ["move_id"])["move_id"][0]
    [item] = odoo.call(
        "account.move.line", "search", [("move_id", "=", payment_move), ("account_id.code", "=", "121000")]
    )
    odoo.fault("account.move", "js_assign_outstanding_line", [invoice], item)  # committed, answer "lost"

    applied = receipt_apply(client_for(odoo), payment_id=payment, invoice_id=invoice, before_write=pytest.fail)

    assert (applied.already, applied.amount, applied.invoice_payment_state) == (True, Decimal("115.00"), "partial")


def test_another_customers_invoice_is_refused_though_odoo_would_take_it(odoo: Any) -> None:
    payment, _ = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=odoo.partner("Someone Else"))

    error = refusal(odoo, payment, invoice)

    assert error.reason == "match_other_partner"
    assert error.message == (
        "PBNK1/2026/00001 is from Blue Harbor Cafe, INV/2026/00001 is to Someone Else: Odoo matches a payment only "
        "with its own partner's documents (correct the payment's partner in Odoo first, or leave it unmatched)"
    )


def test_an_invoice_in_another_currency_is_refused(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=partner, currency_id=EUR)

    error = refusal(odoo, payment, invoice)

    assert error.reason == "match_other_currency" and error.message.startswith(
        "INV/2026/00001 is in EUR, PBNK1/2026/00001 in USD"
    )


def test_a_vendor_bill_is_not_what_a_customer_receipt_settles(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    bill = odoo.posted_invoice("in_invoice", partner_id=partner)

    error = refusal(odoo, payment, bill)

    assert (error.reason, error.message) == (
        "match_other_side",
        "BILL/2026/03/0001 is a vendor bill: PBNK1/2026/00001 can settle only a customer invoice or a sales receipt",
    )


def test_a_draft_a_paid_invoice_and_another_companys_are_refused(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    draft = odoo.invoice(partner_id=partner)
    assert refusal(odoo, payment, draft).reason == "match_invoice_not_posted"

    paid = odoo.posted_invoice(partner_id=partner)
    other, _ = unmatched_receipt(odoo, "ch_2")
    receipt_apply(client_for(odoo), payment_id=other, invoice_id=paid)
    error = refusal(odoo, payment, paid)
    assert (error.reason, error.message) == (
        "match_invoice_closed",
        "INV/2026/00001 is paid in Odoo: nothing is left to pay",
    )

    line = {"name": "Consulting", "quantity": 1, "price_unit": 100.0, "tax_ids": [(6, 0, [odoo.tax("sale", 2)])]}
    french = odoo.call(
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": partner,
            "journal_id": odoo.journal("INV", company=2),
            "currency_id": 1,
            "invoice_date": "2026-03-05",
            "invoice_line_ids": [(0, 0, line)],
        },
    )
    odoo.call("account.move", "action_post", [french])
    error = refusal(odoo, payment, french)
    assert (error.reason, error.message) == (
        "match_other_company",
        "INV/2026/00001 is in My Company (FR), PBNK1/2026/00001 in My Company",
    )


def test_a_receipt_applied_in_full_is_not_applied_to_a_second_invoice(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    first, second = odoo.posted_invoice(partner_id=partner), odoo.posted_invoice(partner_id=partner)
    receipt_apply(client_for(odoo), payment_id=payment, invoice_id=first)

    error = refusal(odoo, payment, second)

    assert (error.reason, error.message) == ("match_payment_applied", "PBNK1/2026/00001 is applied in full already")


def test_a_payment_cancelled_in_odoo_cannot_be_matched(odoo: Any, payment_states: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=partner)
    odoo.fault("account.payment", "action_cancel", [payment])

    error = refusal(odoo, payment, invoice)

    assert (error.reason, error.message) == (
        "match_payment_not_posted",
        f"PBNK1/2026/00001 is {payment_states.cancelled} in Odoo: only a posted payment can be matched",
    )


def test_an_invoice_is_found_by_its_number_in_the_company_among_what_the_payment_settles(odoo: Any) -> None:
    payment, partner = unmatched_receipt(odoo)
    invoice = odoo.posted_invoice(partner_id=partner)
    odoo.posted_invoice("in_invoice", partner_id=partner)
    client = client_for(odoo)
    kinds = settled_types(client, payment)

    assert kinds == ("out_invoice", "out_receipt")
    assert invoice_find(client, company_id=1, number="INV/2026/00001", move_types=kinds) == invoice
    with pytest.raises(OdooError) as missing:
        invoice_find(client, company_id=1, number="BILL/2026/03/0001", move_types=kinds)
    assert (missing.value.reason, missing.value.message) == (
        "match_invoice_not_found",
        "Odoo has no posted customer invoice or sales receipt 'BILL/2026/03/0001' in this company",
    )
    with pytest.raises(OdooError, match="no posted customer invoice"):
        invoice_find(client, company_id=2, number="INV/2026/00001", move_types=kinds)
