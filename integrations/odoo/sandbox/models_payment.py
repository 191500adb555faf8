"""account.payment (Odoo 18): a payment and its journal entry.

States are draft, in_process, paid, canceled (one l; moves say "cancel") and
rejected. In Community, create gives a payment whose method line names no
account the company's outstanding receipts (inbound) or payments (outbound)
account, so action_post leaves it in_process: its liquidity line waits there
for a bank statement line. _compute_state makes it paid once that line is
matched, or once every invoice it was registered against is paid (the
Register Payment wizard). action_post goes straight to paid only when the
outstanding account is a cash account. The journal entry is numbered on the
journal's payment sequence (PBNK1/2026/00001).

action_post, action_validate, action_reject and action_cancel return None,
which Odoo's XML-RPC layer cannot marshal: the client gets a fault although
the change was committed.
"""

from __future__ import annotations

from typing import Any, ClassVar

from . import fields as f
from . import posting
from .faults import UserError, ValidationError
from .invoice_lines import commercial_partner
from .models_chart import company_default
from .models_move import AccountMove
from .money import format_amount, is_zero
from .orm import BaseModel, rpc
from .reconcile import counterpart_moves
from .sequence import as_date, format_date
from .store import Record

LABELS = {
    ("outbound", "customer"): "Customer Reimbursement",
    ("inbound", "customer"): "Customer Payment",
    ("outbound", "supplier"): "Vendor Payment",
    ("inbound", "supplier"): "Vendor Reimbursement",
}
PAYMENT_JOURNALS = ("bank", "cash", "credit")
STATES = ("draft", "in_process", "paid", "canceled", "rejected")


def _today(model: BaseModel) -> str:
    return model.env.today().isoformat()


class AccountPayment(BaseModel):
    _name = "account.payment"
    _description = "Payments"
    _order = "date desc, name desc"
    PRIVATE = frozenset({"_generate_journal_entry", "_seek_for_lines", "_synchronize_to_moves", "_compute_state"})
    # The field that holds the memo: 17.0 names it ref (sandbox/versions.py); stored as memo.
    MEMO: ClassVar[str] = "memo"
    FIELDS = {
        "name": f.char("Number", readonly=True),
        "date": f.date("Date", required=True, default=_today),
        "amount": f.monetary("Amount"),
        "payment_type": f.selection("Payment Type", ("outbound", "inbound"), required=True, default="inbound"),
        "partner_type": f.selection("Partner Type", ("customer", "supplier"), default="customer"),
        "partner_id": f.many2one("res.partner", "Customer/Vendor", ondelete="restrict"),
        "currency_id": f.many2one("res.currency", "Currency"),
        "journal_id": f.many2one("account.journal", "Journal"),
        "company_id": f.many2one("res.company", "Company", default=company_default),
        "memo": f.char("Memo"),
        "state": f.selection("Status", STATES, default="draft"),
        "move_id": f.many2one("account.move", "Journal Entry", readonly=True),
        "destination_account_id": f.many2one("account.account", "Destination Account"),
        "outstanding_account_id": f.many2one("account.account", "Outstanding Account", readonly=True),
        "partner_bank_id": f.many2one("res.partner.bank", "Recipient Bank Account"),
        "invoice_ids": f.many2many("account.move", "Invoices", readonly=True),
        "reconciled_invoice_ids": f.many2many("account.move", "Reconciled Invoices", computed=True),
        "reconciled_bill_ids": f.many2many("account.move", "Reconciled Bills", computed=True),
        "is_reconciled": f.boolean("Is Reconciled", computed=True),
        "is_matched": f.boolean("Is Matched With a Bank Statement", computed=True),
        "amount_signed": f.monetary("Amount Signed", computed=True),
    }

    def compute_display_name(self, rec: Record) -> str:
        return str(rec.get("name") or "Draft Payment")

    def outstanding_account(self, rec: Record) -> Any:
        """_get_outstanding_account: the company's outstanding receipts or payments account."""
        company = self.env.store.get("res.company", rec.get("company_id") or 0) or {}
        key = "account_journal_payment_debit_account_id"
        if rec.get("payment_type") != "inbound":
            key = "account_journal_payment_credit_account_id"
        account = company.get(key)
        if not account:
            raise UserError("No outstanding account could be found to make the payment")
        return account

    def compute_amount_signed(self, rec: Record) -> float:
        amount = float(rec.get("amount") or 0.0)
        return amount if rec.get("payment_type") == "inbound" else -amount

    def _counterpart_lines(self, rec: Record) -> list[Record]:
        move = self.env.store.get("account.move", rec.get("move_id") or 0) or {}
        lines = (self.env.store.get("account.move.line", i) or {} for i in move.get("line_ids") or [])
        return [line for line in lines if line.get("account_id") == rec.get("destination_account_id")]

    def compute_is_reconciled(self, rec: Record) -> bool:
        lines = self._counterpart_lines(rec)
        return bool(lines) and all(is_zero(float(line.get("amount_residual") or 0.0)) for line in lines)

    def _liquidity_lines(self, rec: Record) -> list[Record]:
        move = self.env.store.get("account.move", rec.get("move_id") or 0) or {}
        lines = (self.env.store.get("account.move.line", i) or {} for i in move.get("line_ids") or [])
        return [line for line in lines if line.get("account_id") == rec.get("outstanding_account_id")]

    def compute_is_matched(self, rec: Record) -> bool:
        """_compute_reconciliation_status: matched once a bank line took the liquidity line."""
        if not rec.get("outstanding_account_id"):
            return rec.get("state") == "paid"
        if not rec.get("move_id"):
            return False
        journal = self.env.store.get("account.journal", rec.get("journal_id") or 0) or {}
        if journal.get("default_account_id") == rec.get("outstanding_account_id"):
            return True
        return all(is_zero(float(line.get("amount_residual") or 0.0)) for line in self._liquidity_lines(rec))

    def _reconciled_moves(self, rec: Record, kinds: tuple[str, ...]) -> list[int]:
        moves = counterpart_moves(self.env, {line["id"] for line in self._counterpart_lines(rec)})
        store = self.env.store
        return sorted(m for m in moves if (store.get("account.move", m) or {}).get("move_type") in kinds)

    def compute_reconciled_invoice_ids(self, rec: Record) -> list[int]:
        return self._reconciled_moves(rec, ("out_invoice", "out_refund", "out_receipt"))

    def compute_reconciled_bill_ids(self, rec: Record) -> list[int]:
        return self._reconciled_moves(rec, ("in_invoice", "in_refund", "in_receipt"))

    def defaults(self) -> Record:
        values = super().defaults()
        journals = self.env["account.journal"].search_ids(
            [("company_id", "=", values["company_id"]), ("type", "in", list(PAYMENT_JOURNALS))], limit=1
        )
        values["journal_id"] = journals[0] if journals else False
        return values

    def check_constraints(self, rec_id: int) -> None:
        rec = self.record(rec_id)
        journal = self.env["account.journal"].record(rec["journal_id"]) if rec.get("journal_id") else {}
        if journal.get("type") not in PAYMENT_JOURNALS:
            raise ValidationError("Please define a payment method line on your payment.")
        if float(rec.get("amount") or 0.0) < 0:
            raise ValidationError("The payment amount cannot be negative.")
        updates: Record = {}
        company = self.env.store.get("res.company", journal["company_id"]) or {}
        if rec.get("company_id") != journal["company_id"]:
            updates["company_id"] = journal["company_id"]
        if not rec.get("currency_id"):
            updates["currency_id"] = journal.get("currency_id") or company.get("currency_id")
        if not rec.get("destination_account_id"):
            key = "__receivable_id" if rec.get("partner_type") == "customer" else "__payable_id"
            updates["destination_account_id"] = company.get(key, False)
        if not rec.get("outstanding_account_id"):
            updates["outstanding_account_id"] = self.outstanding_account({**rec, **updates})
        if updates:
            self.env.store.update(self._name, rec_id, updates)

    def line_label(self, rec: Record) -> str:
        """_get_aml_default_display_name_list: 'Customer Payment $ 115.00 - Partner - 01/15/2026'."""
        currency = self.env.store.get("res.currency", rec["currency_id"]) or {}
        parts = [f"{LABELS[(rec['payment_type'], rec['partner_type'])]} {format_amount(rec['amount'], currency)}"]
        if rec.get("partner_id"):
            parts.append(self.env["res.partner"].display(rec["partner_id"]))
        parts.append(format_date(as_date(rec["date"])))
        return " - ".join(parts)

    def generate_move(self, rec_id: int, writeoffs: list[Record] | None = None) -> int:
        """_generate_journal_entry: liquidity line, counterpart line, optional write-offs."""
        rec = self.record(rec_id)
        label = self.line_label(rec)
        sign = 1 if rec["payment_type"] == "inbound" else -1
        amount = float(rec["amount"]) * sign
        partner = commercial_partner(self.env, rec)
        extra = [dict(w) for w in writeoffs or []]
        counterpart = -(amount + sum(float(w["balance"]) for w in extra))
        lines = [
            {
                "name": label,
                "account_id": rec["outstanding_account_id"],
                "partner_id": partner,
                "balance": amount,
            },
            {
                "name": label,
                "account_id": rec["destination_account_id"],
                "partner_id": partner,
                "balance": counterpart,
                "date_maturity": rec["date"],
            },
            *({**w, "partner_id": partner} for w in extra),
        ]
        moves = self.env["account.move"]
        move_id = moves.create_records(
            [
                {
                    "move_type": "entry",
                    "journal_id": rec["journal_id"],
                    "company_id": rec["company_id"],
                    "currency_id": rec["currency_id"],
                    "partner_id": partner,
                    "date": rec["date"],
                    "ref": rec.get("memo") or False,
                    "line_ids": [(0, 0, line) for line in lines],
                }
            ]
        )[0]
        self.env.store.update("account.move", move_id, {"origin_payment_id": rec_id})
        self.env.store.update(self._name, rec_id, {"move_id": move_id})
        return move_id

    def post_payments(self, ids: list[int], writeoffs: dict[int, list[Record]] | None = None) -> None:
        """action_post: paid at once on a cash outstanding account, else in_process; a
        canceled or rejected payment is left as it is."""
        moves = move_model(self)
        for rec_id in ids:
            rec = self.record(rec_id)
            account = self.env.store.get("account.account", rec.get("outstanding_account_id") or 0) or {}
            cash = account.get("account_type") == "asset_cash"
            if rec["state"] not in ("draft", "in_process") and not cash:
                continue
            move_id = rec.get("move_id") or self.generate_move(rec_id, (writeoffs or {}).get(rec_id))
            if moves.record(move_id)["state"] == "draft":
                posting.post(moves, [move_id])
            state = "paid" if cash else "in_process"
            self.env.store.update(self._name, rec_id, {"state": state, "name": moves.record(move_id)["name"]})
        self.refresh_states(ids)

    def refresh_states(self, ids: list[int]) -> None:
        """_compute_state: in_process becomes paid when its liquidity line is matched or when
        every invoice it pays is paid."""
        store = self.env.store
        for rec_id in ids:
            rec = self.record(rec_id)
            if rec["state"] != "in_process":
                continue
            lines = self._liquidity_lines(rec)
            matched = bool(rec.get("move_id")) and is_zero(sum(float(ln.get("amount_residual") or 0) for ln in lines))
            invoices = [store.get("account.move", i) or {} for i in rec.get("invoice_ids") or []]
            settled = bool(invoices) and all(inv.get("payment_state") == "paid" for inv in invoices)
            if matched or settled:
                store.update(self._name, rec_id, {"state": "paid"})

    @rpc("multi", mutates=True, counts="ids")
    def action_post(self, ids: list[int]) -> None:
        self.post_payments(self.existing(ids))

    @rpc("multi", mutates=True)
    def action_validate(self, ids: list[int]) -> None:
        for rec_id in self.existing(ids):
            self.env.store.update(self._name, rec_id, {"state": "paid"})

    @rpc("multi", mutates=True)
    def action_reject(self, ids: list[int]) -> None:
        for rec_id in self.existing(ids):
            self.env.store.update(self._name, rec_id, {"state": "rejected"})

    @rpc("multi", mutates=True)
    def action_draft(self, ids: list[int]) -> None:
        moves = move_model(self)
        for rec_id in self.existing(ids):
            move_id = self.record(rec_id).get("move_id")
            self.env.store.update(self._name, rec_id, {"state": "draft"})
            if move_id and moves.record(move_id)["state"] != "draft":
                posting.reset_to_draft(moves, [move_id])

    @rpc("multi", mutates=True)
    def action_cancel(self, ids: list[int]) -> None:
        """Canceled; a draft entry is deleted, a posted one cancelled (lock dates permitting)."""
        moves = move_model(self)
        for rec_id in self.existing(ids):
            move_id = self.record(rec_id).get("move_id")
            self.env.store.update(self._name, rec_id, {"state": "canceled"})
            if move_id and moves.record(move_id)["state"] == "draft":
                self.env.store.update(self._name, rec_id, {"move_id": False})
                moves.delete(move_id)
            elif move_id:
                posting.cancel(moves, [move_id])

    @rpc("multi", mutates=True)
    def unlink(self, ids: list[int]) -> bool:
        for rec_id in self.existing(ids):
            move = self.env.store.get("account.move", self.record(rec_id).get("move_id") or 0)
            if move and move["state"] == "posted":
                raise UserError("You cannot delete an item linked to a posted entry.")
        for rec_id in ids:
            move_id = self.record(rec_id).get("move_id")
            self.delete(rec_id)
            if move_id and self.env.store.exists("account.move", move_id):
                self.env["account.move"].delete(move_id)
        return True


def move_model(model: BaseModel) -> AccountMove:
    moves = model.env["account.move"]
    assert isinstance(moves, AccountMove)
    return moves
