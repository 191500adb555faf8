"""account.bank.statement.line: a bank transaction and its posted journal entry.

Odoo creates the entry (liquidity line on the journal's bank account,
counterpart on its suspense account) and posts it at once, numbered on the
bank journal's sequence (BNK1/2026/00001).

unique_import_id is not part of Community's account module: Enterprise's
account_bank_statement_import adds it with the SQL constraint "A bank account
transactions can be imported only once!". The sandbox offers it only when
running as Enterprise (SandboxServer(edition="enterprise") or
control.set_edition("enterprise")); in Community mode the field is unknown.
"""

from __future__ import annotations

from typing import Any

from . import fields as f
from . import posting
from .faults import UserError, ValidationError
from .invoice_lines import line_amounts, reconcilable, to_balance
from .models_move import AccountMove
from .money import round_amount
from .orm import BaseModel, constraint_error, rpc, to_date
from .sequence import check_fiscal_lock_dates
from .store import Record

MOVE_SIDE = ("date", "ref", "narration")


class AccountBankStatementLine(BaseModel):
    _name = "account.bank.statement.line"
    _description = "Bank Statement Line"
    _order = "date desc, sequence, id desc"
    _rec_name = "name"
    FIELDS = {
        "move_id": f.many2one("account.move", "Journal Entry", required=True, readonly=True, ondelete="cascade"),
        "journal_id": f.many2one("account.journal", "Journal", required=True),
        "company_id": f.many2one("res.company", "Company", required=True),
        "sequence": f.integer("Sequence", default=1),
        "partner_id": f.many2one("res.partner", "Partner", ondelete="restrict"),
        "account_number": f.char("Bank Account Number"),
        "partner_name": f.char("Partner Name"),
        "transaction_type": f.char("Transaction Type"),
        "payment_ref": f.char("Label"),
        # Odoo: fields.Json(readonly=True), "Technical field to store details about the bank
        # statement line"; readonly is the form's, create writes it.
        "transaction_details": f.json("Transaction Details", readonly=True),
        "amount": f.monetary("Amount"),
        "foreign_currency_id": f.many2one("res.currency", "Foreign Currency"),
        "amount_currency": f.monetary("Amount in Currency"),
        "currency_id": f.many2one("res.currency", "Journal Currency", computed=True),
        "amount_residual": f.floating("Residual Amount", computed=True),
        "is_reconciled": f.boolean("Is Reconciled", computed=True),
        "name": f.char("Number", computed=True),
        "state": f.char("Status", computed=True),
        "date": f.date("Date", computed=True),
        "ref": f.char("Reference", computed=True),
        "narration": f.text("Terms and Conditions", computed=True),
        "checked": f.boolean("Checked", computed=True),
    }

    def _move(self, rec: Record) -> Record:
        return self.env.store.get("account.move", rec.get("move_id") or 0) or {}

    def compute_name(self, rec: Record) -> Any:
        return self._move(rec).get("name", False)

    def compute_state(self, rec: Record) -> Any:
        return self._move(rec).get("state", False)

    def compute_date(self, rec: Record) -> Any:
        return self._move(rec).get("date", False)

    def compute_ref(self, rec: Record) -> Any:
        return self._move(rec).get("ref", False)

    def compute_narration(self, rec: Record) -> Any:
        return self._move(rec).get("narration", False)

    def compute_checked(self, rec: Record) -> bool:
        return self._move(rec).get("state") == "posted"

    def compute_currency_id(self, rec: Record) -> Any:
        journal = self.env.store.get("account.journal", rec.get("journal_id") or 0) or {}
        company = self.env.store.get("res.company", rec.get("company_id") or 0) or {}
        return journal.get("currency_id") or company.get("currency_id", False)

    def compute_amount_residual(self, rec: Record) -> float:
        key = "amount_currency" if rec.get("foreign_currency_id") else "amount"
        return -float(rec.get(key) or 0.0)

    def compute_is_reconciled(self, rec: Record) -> bool:
        return round_amount(float(rec.get("amount") or 0.0)) == 0.0

    def compute_display_name(self, rec: Record) -> str:
        return str(self.compute_name(rec) or rec.get("payment_ref") or f"{self._name},{rec['id']}")

    def _moves(self) -> AccountMove:
        moves = self.env["account.move"]
        assert isinstance(moves, AccountMove)
        return moves

    def _journal(self, vals: dict[str, Any]) -> Record:
        journal_id = vals.get("journal_id") or self.env.context.get("default_journal_id")
        journals = self.env["account.journal"]
        if not journal_id:
            found = journals.search_ids([("company_id", "=", self.env.company_id()), ("type", "=", "bank")], limit=1)
            journal_id = found[0] if found else False
        if not journal_id:
            raise ValidationError("The operation cannot be completed: Journal is required")
        return journals.record(self.convert("journal_id", journal_id))

    def _line_vals(self, rec: Record, journal: Record) -> list[dict[str, Any]]:
        """_prepare_move_line_default_vals: liquidity line and suspense counterpart."""
        if not journal.get("suspense_account_id"):
            name = self.env["account.journal"].display(journal["id"])
            raise UserError(
                f"You can't create a new statement line without a suspense account set on the {name} journal."
            )
        company = self.env.store.get("res.company", journal["company_id"]) or {}
        currency_id = journal.get("currency_id") or company.get("currency_id")
        amount = round_amount(float(rec.get("amount") or 0.0))
        balance = to_balance(self.env, {"currency_id": currency_id, "company_id": journal["company_id"]}, amount)
        common = {"name": rec.get("payment_ref") or False, "partner_id": rec.get("partner_id") or False}
        counterpart: dict[str, Any] = {**common, "account_id": journal["suspense_account_id"], "balance": -balance}
        if rec.get("foreign_currency_id"):
            counterpart.update(
                {
                    "currency_id": rec["foreign_currency_id"],
                    "amount_currency": -round_amount(float(rec.get("amount_currency") or 0.0)),
                }
            )
        else:
            counterpart["amount_currency"] = -amount
        liquidity = {
            **common,
            "account_id": journal.get("default_account_id"),
            "balance": balance,
            "amount_currency": amount,
        }
        return [liquidity, counterpart]

    def check_constraints(self, rec_id: int) -> None:
        rec = self.record(rec_id)
        if rec.get("amount_currency") and not rec.get("foreign_currency_id"):
            raise ValidationError(
                "You can't provide an amount in foreign currency without specifying a foreign currency."
            )

    def create_records(self, vals_list: list[Any]) -> list[int]:
        ids = []
        for vals in vals_list:
            self.check_fields(vals)
            journal = self._journal(vals)
            values = self.defaults()
            for name, raw in vals.items():
                if name in ("move_id", "id") or self._fields[name].computed:
                    continue
                values[name] = self.convert(name, raw)
            values.update({"journal_id": journal["id"], "company_id": journal["company_id"]})
            company = self.env.store.get("res.company", journal["company_id"]) or {}
            if values.get("foreign_currency_id") == (journal.get("currency_id") or company.get("currency_id")):
                values.update({"foreign_currency_id": False, "amount_currency": 0.0})
            if values.get("partner_id"):
                self.env["res.partner"].record(values["partner_id"])
            # move_id is filled once the entry exists.
            self.check_values({k: v for k, v in values.items() if k != "move_id"})
            moves = self._moves()
            move_id = moves.create_records(
                [
                    {
                        "move_type": "entry",
                        "journal_id": journal["id"],
                        "partner_id": values.get("partner_id") or False,
                        "date": to_date(vals.get("date")) or self.env.today().isoformat(),
                        "ref": vals.get("ref") or False,
                        "narration": vals.get("narration") or False,
                        "line_ids": [(0, 0, line) for line in self._line_vals(values, journal)],
                    }
                ]
            )[0]
            rec_id = self.env.store.insert(self._name, {**values, "move_id": move_id})
            self.env.store.update("account.move", move_id, {"statement_line_id": rec_id})
            self.check_constraints(rec_id)
            posting.post(moves, [move_id])
            ids.append(rec_id)
        return ids

    @rpc("multi", mutates=True)
    def write(self, ids: list[int], vals: dict[str, Any]) -> bool:
        self.check_fields(vals)
        for rec_id in self.existing(ids):
            own = {k: v for k, v in vals.items() if k not in MOVE_SIDE}
            if own:
                self.write_records([rec_id], own)
            rec = self.record(rec_id)
            move_side = {k: vals[k] for k in MOVE_SIDE if k in vals}
            if move_side:
                self._write_move_side(rec, move_side)
            if {"amount", "payment_ref", "partner_id", "amount_currency", "foreign_currency_id"} & set(vals):
                self._resync_lines(rec)
        return True

    def _write_move_side(self, rec: Record, vals: dict[str, Any]) -> None:
        """Odoo writes these through to the posted entry, lock dates permitting."""
        move = self._move(rec)
        posted = move.get("state") == "posted"
        if posted and "date" in vals:
            check_fiscal_lock_dates(self.env, move)
        new = {k: (to_date(v) if k == "date" else v or False) for k, v in vals.items()}
        self.env.store.update("account.move", move["id"], new)
        if posted and "date" in vals:
            check_fiscal_lock_dates(self.env, self._move(rec))

    def _resync_lines(self, rec: Record) -> None:
        move = self._move(rec)
        journal = self.env["account.journal"].record(rec["journal_id"])
        for line_id, line in zip(move.get("line_ids") or [], self._line_vals(rec, journal), strict=False):
            current = self.env.store.table("account.move.line")[line_id]
            self.env.store.update(
                "account.move.line",
                line_id,
                {
                    "name": line["name"],
                    "partner_id": line["partner_id"],
                    **line_amounts(
                        float(line["balance"]),
                        float(line["amount_currency"]),
                        open_item=reconcilable(self.env, current.get("account_id")),
                    ),
                },
            )
        self.env.store.update("account.move", move["id"], {"partner_id": rec.get("partner_id") or False})

    @rpc("multi", mutates=True)
    def unlink(self, ids: list[int]) -> bool:
        for rec_id in self.existing(ids):
            move_id = self.record(rec_id)["move_id"]
            self.delete(rec_id)
            if self.env.store.exists("account.move", move_id):
                self._moves().delete(move_id)
        return True


class AccountBankStatementLineEnterprise(AccountBankStatementLine):
    """With account_bank_statement_import installed (Enterprise)."""

    FIELDS = {**AccountBankStatementLine.FIELDS, "unique_import_id": f.char("Import ID", readonly=True)}

    def check_constraints(self, rec_id: int) -> None:
        super().check_constraints(rec_id)
        rec = self.record(rec_id)
        key = rec.get("unique_import_id")
        if not key:
            return
        if self.env.store.ids_with(self._name, ("unique_import_id",), (key,)) - {rec_id}:
            raise constraint_error("A bank account transactions can be imported only once!")
