"""Journal items and partial reconciliations (read through RPC, written by the moves)."""

from __future__ import annotations

from typing import Any

from . import fields as f
from .faults import UserError
from .orm import BaseModel, rpc
from .store import Record

DISPLAY_TYPES = (
    "product",
    "cogs",
    "tax",
    "discount",
    "rounding",
    "payment_term",
    "line_section",
    "line_note",
    "epd",
)
EDIT_REFUSED = (
    "[sandbox] Journal items cannot be edited directly in the sandbox; "
    "write the journal entry's line_ids / invoice_line_ids instead."
)


class AccountMoveLine(BaseModel):
    _name = "account.move.line"
    _description = "Journal Item"
    _order = "date desc, move_name desc, id"
    FIELDS = {
        "move_id": f.many2one("account.move", "Journal Entry", required=True, ondelete="cascade"),
        "name": f.char("Label"),
        "account_id": f.many2one("account.account", "Account", ondelete="restrict"),
        "partner_id": f.many2one("res.partner", "Partner", ondelete="restrict"),
        "display_type": f.selection("Display Type", DISPLAY_TYPES, default="product"),
        "sequence": f.integer("Sequence", default=10),
        "quantity": f.floating("Quantity", default=1.0),
        "price_unit": f.floating("Unit Price"),
        "discount": f.floating("Discount (%)"),
        "tax_ids": f.many2many("account.tax", "Taxes"),
        "tax_line_id": f.many2one("account.tax", "Originator Tax", readonly=True),
        "tax_base_amount": f.monetary("Base Amount", readonly=True),
        "price_subtotal": f.monetary("Subtotal", readonly=True),
        "price_total": f.monetary("Total", readonly=True),
        "debit": f.monetary("Debit"),
        "credit": f.monetary("Credit"),
        "balance": f.monetary("Balance"),
        "amount_currency": f.monetary("Amount in Currency"),
        "currency_id": f.many2one("res.currency", "Currency", required=True),
        "amount_residual": f.monetary("Residual Amount", readonly=True),
        "amount_residual_currency": f.monetary("Residual Amount in Currency", readonly=True),
        "reconciled": f.boolean("Reconciled", readonly=True),
        "date_maturity": f.date("Due Date"),
        "analytic_distribution": f.json("Analytic Distribution"),
        "date": f.date("Date", computed=True),
        "ref": f.char("Reference", computed=True),
        "move_name": f.char("Number", computed=True),
        "move_type": f.char("Type", computed=True),
        "parent_state": f.char("Status", computed=True),
        "journal_id": f.many2one("account.journal", "Journal", computed=True),
        "company_id": f.many2one("res.company", "Company", computed=True),
        "company_currency_id": f.many2one("res.currency", "Company Currency", computed=True),
        "account_type": f.char("Internal Type", computed=True),
        "matched_debit_ids": f.one2many("account.partial.reconcile", "credit_move_id", "Matched Debits", computed=True),
        "matched_credit_ids": f.one2many(
            "account.partial.reconcile", "debit_move_id", "Matched Credits", computed=True
        ),
    }

    def _move(self, rec: Record) -> Record:
        return self.env.store.get("account.move", rec["move_id"]) or {}

    def compute_date(self, rec: Record) -> Any:
        return self._move(rec).get("date", False)

    def compute_ref(self, rec: Record) -> Any:
        return self._move(rec).get("ref", False)

    def compute_move_name(self, rec: Record) -> Any:
        return self._move(rec).get("name", False)

    def compute_move_type(self, rec: Record) -> Any:
        return self._move(rec).get("move_type", False)

    def compute_parent_state(self, rec: Record) -> Any:
        return self._move(rec).get("state", False)

    def compute_journal_id(self, rec: Record) -> Any:
        return self._move(rec).get("journal_id", False)

    def compute_company_id(self, rec: Record) -> Any:
        return self._move(rec).get("company_id", False)

    def compute_company_currency_id(self, rec: Record) -> Any:
        company = self.env.store.get("res.company", self._move(rec).get("company_id") or 0)
        return company["currency_id"] if company else False

    def compute_account_type(self, rec: Record) -> Any:
        account = self.env.store.get("account.account", rec.get("account_id") or 0)
        return account["account_type"] if account else False

    def compute_display_name(self, rec: Record) -> str:
        move = self._move(rec)
        parts = [move.get("name"), move.get("ref") and f"({move['ref']})", rec.get("name")]
        return " ".join(str(p) for p in parts if p)

    def visible(self, rec: Record) -> bool:
        return self.env["account.move"].visible(self._move(rec))

    # Odoo allows editing items of draft entries; the sandbox routes all
    # edits through account.move so the dynamic lines stay consistent.
    @rpc("model", mutates=True, counts="vals")
    def create(self, vals_list: Any) -> Any:
        raise UserError(EDIT_REFUSED)

    @rpc("multi", mutates=True)
    def write(self, ids: list[int], vals: dict[str, Any]) -> bool:
        raise UserError(EDIT_REFUSED)

    @rpc("multi", mutates=True)
    def unlink(self, ids: list[int]) -> bool:
        raise UserError(EDIT_REFUSED)


class AccountPartialReconcile(BaseModel):
    _name = "account.partial.reconcile"
    _description = "Partial Reconcile"
    FIELDS = {
        "debit_move_id": f.many2one("account.move.line", "Debit Line", required=True, ondelete="cascade"),
        "credit_move_id": f.many2one("account.move.line", "Credit Line", required=True, ondelete="cascade"),
        "amount": f.monetary("Amount"),
        "debit_amount_currency": f.monetary("Debit Amount in Currency"),
        "credit_amount_currency": f.monetary("Credit Amount in Currency"),
        "company_id": f.many2one("res.company", "Company"),
        "max_date": f.date("Max Date of Matched Lines"),
    }

    @rpc("model", mutates=True, counts="vals")
    def create(self, vals_list: Any) -> Any:
        raise UserError("[sandbox] Reconcile through account.payment.register instead.")

    @rpc("multi", mutates=True)
    def write(self, ids: list[int], vals: dict[str, Any]) -> bool:
        raise UserError("[sandbox] Reconcile through account.payment.register instead.")
