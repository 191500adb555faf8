"""Applying a payment that posted on its own (an outstanding receipt) to the invoice it pays,
as the invoice form's "Outstanding credits" does in Odoo: account.move.js_assign_outstanding_line
with the payment's open item on the receivable.

Odoo's widget offers only items of the invoice's own partner, on the invoice's receivable or
payable account, of a posted entry, still open; the method itself checks only what every
reconciliation checks (accounts, companies, posted, not reconciled already) and reconciles
another partner's payment or a foreign-currency one if asked. So this module checks what the
widget would offer, and a few things more, before it calls: same company, same currency (an
exchange difference is not the console's to book), same partner, the document the payment's
side settles (a customer's receipt an invoice, a vendor's a credit note), the invoice posted
and not paid, the payment posted and not applied in full.

Exactly once: a payment found reconciled with the invoice already (a call whose answer was
lost) is reported applied without a second call; Odoo's own rules make a repeated call harmless
anyway (a paid invoice has nothing open to pair). The method returns None, which XML-RPC
answers with a fault after the work committed: what was done is read back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from integrations.odoo.client import OdooClient
from integrations.odoo.errors import ErrorKind, OdooError, returned_none

MOVE = "account.move"
LINE = "account.move.line"
PAYMENT = "account.payment"
PARTIAL = "account.partial.reconcile"
CENT = Decimal("0.01")

# What a payment settles, by its direction and side: Odoo's move types.
SETTLES: dict[tuple[str, str], tuple[str, ...]] = {
    ("inbound", "customer"): ("out_invoice", "out_receipt"),
    ("inbound", "supplier"): ("in_refund",),
    ("outbound", "customer"): ("out_refund",),
    ("outbound", "supplier"): ("in_invoice", "in_receipt"),
}
DOCUMENT_WORDS = {
    "out_invoice": "a customer invoice",
    "out_receipt": "a sales receipt",
    "out_refund": "a customer credit note",
    "in_invoice": "a vendor bill",
    "in_receipt": "a purchase receipt",
    "in_refund": "a vendor credit note",
    "entry": "a journal entry",
}
OPEN_PAYMENT_STATES = ("not_paid", "partial")
PAYMENT_FIELDS = [
    "name",
    "state",
    "move_id",
    "company_id",
    "currency_id",
    "payment_type",
    "partner_type",
    "destination_account_id",
    "reconciled_invoice_ids",
    "reconciled_bill_ids",
]
MOVE_FIELDS = [
    "name",
    "state",
    "move_type",
    "company_id",
    "currency_id",
    "commercial_partner_id",
    "payment_state",
    "amount_residual",
    "line_ids",
]
LINE_FIELDS = ["account_id", "partner_id", "amount_residual", "reconciled", "matched_debit_ids", "matched_credit_ids"]


@dataclass(frozen=True)
class Applied:
    """What the payment and the invoice are after the match (read back from Odoo)."""

    invoice_id: int
    invoice_name: str
    payment_name: str
    currency: str
    amount: Decimal  # applied to this invoice by the payment, in its currency
    invoice_residual: Decimal  # what the invoice still owes
    invoice_payment_state: str  # paid, partial (in_payment with Odoo's accounting app)
    payment_rest: Decimal  # what stays outstanding of the payment
    already: bool = False  # found applied: nothing was called this time


def _noop() -> None:
    return None


def _id(value: Any) -> int | None:
    return int(value[0]) if isinstance(value, list | tuple) and value else None


def _label(value: Any) -> str:
    return str(value[1]) if isinstance(value, list | tuple) and len(value) > 1 else ""


def _money(value: Any) -> Decimal:
    # Odoo sends floats; their shortest text is the amount it stored, rounded to its currency.
    return Decimal(str(value or 0.0)).quantize(CENT)


def _refused(reason: str, message: str) -> OdooError:
    return OdooError(ErrorKind.DATA, reason, message)


def _one(client: OdooClient, model: str, rec_id: int, fields: Sequence[str], what: str) -> dict[str, Any]:
    rows = client.read(model, [rec_id], fields)
    if not rows:
        raise _refused("missing_record", f"Odoo has no {what} {rec_id} (deleted since?)")
    return dict(rows[0])


def invoice_find(client: OdooClient, *, company_id: int, number: str, move_types: Sequence[str]) -> int:
    """The posted document numbered `number` (INV/2026/00012) in the company, of these types."""
    rows = client.search_read(
        MOVE,
        [
            ["name", "=", number],
            ["company_id", "=", company_id],
            ["move_type", "in", list(move_types)],
            ["state", "=", "posted"],
        ],
        ["id"],
        limit=2,
    )
    what = " or ".join(DOCUMENT_WORDS[t].split(" ", 1)[1] for t in move_types)
    if not rows:
        raise _refused("match_invoice_not_found", f"Odoo has no posted {what} {number!r} in this company")
    if len(rows) > 1:
        raise _refused("match_invoice_ambiguous", f"Odoo has several posted documents numbered {number!r}")
    return int(rows[0]["id"])


def settled_types(client: OdooClient, payment_id: int) -> tuple[str, ...]:
    """The move types the payment may settle, by its direction and side."""
    payment = _one(client, PAYMENT, payment_id, ["payment_type", "partner_type"], "payment")
    return SETTLES[(str(payment["payment_type"]), str(payment["partner_type"]))]


def receipt_apply(
    client: OdooClient, *, payment_id: int, invoice_id: int, before_write: Callable[[], None] = _noop
) -> Applied:
    """Apply the posted payment to the invoice once; OdooError (data) says why it cannot be."""
    payment = _one(client, PAYMENT, payment_id, PAYMENT_FIELDS, "payment")
    invoice = _one(client, MOVE, invoice_id, MOVE_FIELDS, "invoice")
    item = _payment_item(client, payment)
    reconciled = {*payment.get("reconciled_invoice_ids", []), *payment.get("reconciled_bill_ids", [])}
    if invoice_id in reconciled:
        return _read_back(client, payment, invoice_id, item["id"], already=True)
    _check(client, payment, invoice, item)
    before_write()
    try:
        client.execute(MOVE, "js_assign_outstanding_line", [invoice_id], item["id"])
    except OdooError as err:
        if not returned_none(err):
            raise
    applied = _read_back(client, payment, invoice_id, item["id"], already=False)
    if not applied.amount:
        raise _refused(
            "match_no_change",
            f"Odoo matched nothing of {applied.payment_name} with {applied.invoice_name}; "
            "look at both in Odoo before trying again",
        )
    return applied


def _payment_item(client: OdooClient, payment: dict[str, Any]) -> dict[str, Any]:
    """The payment's item on its destination account (the customer's receivable)."""
    name = str(payment.get("name") or f"payment {payment['id']}")
    state = str(payment.get("state"))
    # posted (17), in_process or paid (18+): versions.py
    if state not in client.odoo_version().payment_posted:
        raise _refused("match_payment_not_posted", f"{name} is {state} in Odoo: only a posted payment can be matched")
    move_id, account_id = _id(payment.get("move_id")), _id(payment.get("destination_account_id"))
    lines = client.search_read(LINE, [["move_id", "=", move_id], ["account_id", "=", account_id]], LINE_FIELDS)
    if not lines:
        raise _refused("missing_record", f"{name} has no item on its receivable or payable account in Odoo")
    return dict(lines[0])


def _check(client: OdooClient, payment: dict[str, Any], invoice: dict[str, Any], item: dict[str, Any]) -> None:
    payment_name = str(payment.get("name"))
    number = str(invoice.get("name") or f"invoice {invoice['id']}")
    kinds = SETTLES[(str(payment["payment_type"]), str(payment["partner_type"]))]
    move_type = str(invoice.get("move_type"))
    if move_type not in kinds:
        raise _refused(
            "match_other_side",
            f"{number} is {DOCUMENT_WORDS.get(move_type, move_type)}: {payment_name} can settle only "
            f"{' or '.join(DOCUMENT_WORDS[k] for k in kinds)}",
        )
    if invoice.get("state") != "posted":
        raise _refused("match_invoice_not_posted", f"{number} is {invoice.get('state')} in Odoo, not posted")
    if _id(invoice.get("company_id")) != _id(payment.get("company_id")):
        raise _refused(
            "match_other_company",
            f"{number} is in {_label(invoice.get('company_id'))}, "
            f"{payment_name} in {_label(payment.get('company_id'))}",
        )
    if _id(invoice.get("currency_id")) != _id(payment.get("currency_id")):
        raise _refused(
            "match_other_currency",
            f"{number} is in {_label(invoice.get('currency_id'))}, {payment_name} in "
            f"{_label(payment.get('currency_id'))}: the console matches a payment only with a document of its "
            "currency (Odoo would book an exchange difference)",
        )
    if invoice.get("payment_state") not in OPEN_PAYMENT_STATES:
        raise _refused(
            "match_invoice_closed", f"{number} is {invoice.get('payment_state')} in Odoo: nothing is left to pay"
        )
    if item.get("reconciled") or not _money(item.get("amount_residual")):
        raise _refused("match_payment_applied", f"{payment_name} is applied in full already")
    if _id(item.get("partner_id")) != _id(invoice.get("commercial_partner_id")):
        raise _refused(
            "match_other_partner",
            f"{payment_name} is from {_label(item.get('partner_id')) or 'no partner'}, {number} is to "
            f"{_label(invoice.get('commercial_partner_id'))}: Odoo matches a payment only with its own partner's "
            "documents (correct the payment's partner in Odoo first, or leave it unmatched)",
        )
    lines = client.read(LINE, list(invoice.get("line_ids") or []), ["account_id", "reconciled"])
    account = _id(item.get("account_id"))
    if not any(_id(line.get("account_id")) == account and not line.get("reconciled") for line in lines):
        raise _refused(
            "match_other_account",
            f"{number} has nothing open on {_label(item.get('account_id'))}, where {payment_name} is booked",
        )


def _read_back(client: OdooClient, payment: dict[str, Any], invoice_id: int, item_id: int, *, already: bool) -> Applied:
    invoice = _one(client, MOVE, invoice_id, MOVE_FIELDS, "invoice")
    item = _one(client, LINE, item_id, LINE_FIELDS, "journal item")
    partial_ids = [*item.get("matched_debit_ids", []), *item.get("matched_credit_ids", [])]
    own = set(invoice.get("line_ids") or [])
    amount = Decimal(0)
    for partial in client.read(PARTIAL, partial_ids, ["debit_move_id", "credit_move_id", "debit_amount_currency"]):
        if {_id(partial.get("debit_move_id")), _id(partial.get("credit_move_id"))} & own:
            amount += _money(partial.get("debit_amount_currency"))
    return Applied(
        invoice_id=invoice_id,
        invoice_name=str(invoice.get("name") or ""),
        payment_name=str(payment.get("name") or ""),
        currency=_label(payment.get("currency_id")),
        amount=amount.quantize(CENT),
        invoice_residual=_money(invoice.get("amount_residual")),
        invoice_payment_state=str(invoice.get("payment_state") or ""),
        payment_rest=abs(_money(item.get("amount_residual"))),
        already=already,
    )
