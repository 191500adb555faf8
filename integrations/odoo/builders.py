"""Canonical objects to Odoo field values (account.move, payment, statement line); the few
names that differ between Odoo 17, 18 and 19 come from versions.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from integrations import canonical
from integrations.canonical import BankStatementLine, Invoice, JournalEntry, Partner, Payment, default_counterparty
from integrations.odoo.errors import ErrorKind, OdooError
from integrations.odoo.requests import PostingRequest
from integrations.odoo.versions import OdooVersion

MOVE_TYPES = {**canonical.MOVE_TYPES, "journal_entry": "entry"}
# account.payment's partner_type for each counterparty: it picks the receivable or the payable
# as the payment's destination account (_compute_destination_account_id).
PARTNER_TYPES = {"customer": "customer", "vendor": "supplier"}


def money(value: Decimal) -> float:
    # XML-RPC has no decimal type; Odoo reads doubles and rounds to the currency.
    # Our amounts carry at most 2 decimals, which a double represents to the cent.
    return float(value)


def _missing(what: str, code: str) -> OdooError:
    return OdooError(ErrorKind.DATA, "missing_mapping", f"No Odoo {what} resolved for {code!r}.")


def document_partner(doc: Invoice | Payment) -> Partner:
    """The partner a document posts with. A document linked to another may leave it out at
    ingestion; the console puts in the linked document's before asking to post it."""
    if doc.partner is None:
        raise ValueError("the document reached the connector without its partner (the linked document's)")
    return doc.partner


def partner_vals(partner: Partner) -> dict[str, Any]:
    vals: dict[str, Any] = {"name": partner.name}
    if partner.email:
        vals["email"] = partner.email
    if partner.vat:
        vals["vat"] = partner.vat
    if partner.ref:
        vals["ref"] = partner.ref
    return vals


def _invoice_vals(req: PostingRequest, doc: Invoice, partner_id: int) -> dict[str, Any]:
    targets = req.targets
    lines = []
    for line in doc.lines:
        vals: dict[str, Any] = {
            "name": line.description,
            "quantity": money(line.quantity),
            "price_unit": money(line.unit_price),
        }
        if line.tax_code:
            if line.tax_code not in targets.tax_ids:
                raise _missing("tax", line.tax_code)
            vals["tax_ids"] = [(6, 0, [targets.tax_ids[line.tax_code]])]
        else:
            vals["tax_ids"] = [(6, 0, [])]
        if line.account_code:
            if line.account_code not in targets.account_ids:
                raise _missing("account", line.account_code)
            vals["account_id"] = targets.account_ids[line.account_code]
        lines.append((0, 0, vals))
    move: dict[str, Any] = {
        "move_type": doc.move_type,
        "company_id": targets.company_id,
        "journal_id": targets.journal_id,
        "currency_id": targets.currency_id,
        "partner_id": partner_id,
        "ref": req.marker,
        "invoice_date": doc.invoice_date.isoformat(),
        "invoice_line_ids": lines,
    }
    if doc.due_date is not None:
        move["invoice_date_due"] = doc.due_date.isoformat()
    if doc.reference:
        move["payment_reference"] = doc.reference
    if targets.reversed_move_id is not None:
        # Odoo matches the credit note with the invoice it reverses when it posts (_post).
        move["reversed_entry_id"] = targets.reversed_move_id
    return move


def _entry_vals(req: PostingRequest, doc: JournalEntry, partner_ids: dict[Partner, int]) -> dict[str, Any]:
    targets = req.targets
    lines = []
    for line in doc.lines:
        if line.account_code not in targets.account_ids:
            raise _missing("account", line.account_code)
        vals: dict[str, Any] = {
            "account_id": targets.account_ids[line.account_code],
            "name": line.description or doc.reference or req.marker,
            "debit": money(line.debit),
            "credit": money(line.credit),
        }
        if line.partner is not None:
            vals["partner_id"] = partner_ids[line.partner]
        lines.append((0, 0, vals))
    return {
        "move_type": "entry",
        "company_id": targets.company_id,
        "journal_id": targets.journal_id,
        "currency_id": targets.currency_id,
        "ref": req.marker,
        "date": doc.date.isoformat(),
        "line_ids": lines,
    }


def move_vals(req: PostingRequest, partner_ids: dict[Partner, int]) -> dict[str, Any]:
    doc = req.document
    if isinstance(doc, Invoice):
        return _invoice_vals(req, doc, partner_ids[document_partner(doc)])
    if isinstance(doc, JournalEntry):
        return _entry_vals(req, doc, partner_ids)
    raise TypeError(f"{req.kind} is not posted as an account.move")


def move_replace_vals(vals: dict[str, Any]) -> dict[str, Any]:
    """Values that rewrite a draft left by an earlier failed post (e.g. after an override)."""
    replaced = dict(vals)
    for key in ("invoice_line_ids", "line_ids"):
        if key in replaced:
            replaced[key] = [(5, 0, 0), *replaced[key]]
    return replaced


def statement_line_vals(
    req: PostingRequest, doc: BankStatementLine, partner_id: int | None, *, with_import_id: bool
) -> dict[str, Any]:
    # `ref` goes to the line's journal entry (Odoo delegates it to account.move);
    # unique_import_id exists only with the bank statement import module.
    vals: dict[str, Any] = {
        "journal_id": req.targets.journal_id,
        "date": doc.date.isoformat(),
        "payment_ref": doc.description,
        "amount": money(doc.amount),
        "ref": req.marker,
    }
    if with_import_id:
        vals["unique_import_id"] = statement_import_id(req)
    if partner_id is not None:
        vals["partner_id"] = partner_id
    # What Odoo's reconciliation models match on: the other party's name and account, and
    # the bank's own words for the movement.
    if doc.counterparty_name:
        vals["partner_name"] = doc.counterparty_name
    if doc.counterparty_account:
        vals["account_number"] = doc.counterparty_account
    if doc.bank_code:
        vals["transaction_type"] = doc.bank_code
    details = statement_line_details(doc)
    if details:
        vals["transaction_details"] = details
    return vals


def statement_line_details(doc: BankStatementLine) -> dict[str, Any]:
    """The line as the bank file gave it, for Odoo's transaction_details (a JSON field)."""
    named: dict[str, Any] = {
        "value_date": doc.value_date.isoformat() if doc.value_date else "",
        "bank_reference": doc.bank_reference,
        "end_to_end_id": doc.end_to_end_id,
        "remittance": doc.remittance,
        "statement": doc.statement,
    }
    details: dict[str, Any] = {key: value for key, value in named.items() if value}
    if doc.reversal:
        details["reversal"] = True
    if doc.details:
        details["details"] = dict(doc.details)
    if doc.raw:
        details["raw"] = doc.raw
    return details


def statement_import_id(req: PostingRequest) -> str:
    return f"finops:{req.marker}"


def payment_vals(req: PostingRequest, doc: Payment, partner_id: int, version: OdooVersion) -> dict[str, Any]:
    """A payment on its own (it settles nothing in Odoo): the direction of the money and, apart
    from it, the side of the ledger: an outbound customer payment is a refund, booked against
    the receivable, not the payable. The marker goes to the payment's memo (18+) or, in 17, to
    the `ref` of the journal entry the payment is (by _inherits)."""
    return {
        "payment_type": doc.direction,
        "partner_type": PARTNER_TYPES[doc.counterparty or default_counterparty(doc.direction)],
        "partner_id": partner_id,
        "amount": money(doc.amount),
        "currency_id": req.targets.currency_id,
        "journal_id": req.targets.journal_id,
        "company_id": req.targets.company_id,
        "date": doc.date.isoformat(),
        version.payment_memo: req.marker,
    }


def payment_register_vals(req: PostingRequest, doc: Payment) -> dict[str, Any]:
    return {
        "journal_id": req.targets.journal_id,
        "amount": money(doc.amount),
        "currency_id": req.targets.currency_id,
        "payment_date": doc.date.isoformat(),
        "communication": req.marker,
    }
