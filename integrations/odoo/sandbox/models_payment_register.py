"""account.payment.register: the "Register Payment" wizard.

Its payments are created in_process on the outstanding account, reconciled
with the invoices and made paid once every invoice they pay is paid
(AccountPayment._compute_state); a partial payment stays in_process.

The invoices come from the context (active_model / active_ids); creating the
wizard runs default_get, which is where Odoo refuses drafts and fully paid
documents. action_create_payments creates, posts and reconciles payments and
returns a window action (True with context dont_redirect_to_payments).
Calling it twice on the same wizard pays twice, as in Odoo.
"""

from __future__ import annotations

from typing import Any

from . import fields as f
from .companies import incompatible
from .faults import UserError
from .models_payment import PAYMENT_JOURNALS, AccountPayment
from .money import is_zero, round_amount
from .orm import BaseModel, as_ids, rpc
from .reconcile import reconcile
from .store import Record

VALID_TYPES = ("asset_receivable", "liability_payable")


class AccountPaymentRegister(BaseModel):
    _name = "account.payment.register"
    _description = "Register Payment"
    _rec_name = ""
    PRIVATE = frozenset({"_create_payments", "_get_batches", "_init_payments", "_post_payments", "_reconcile_payments"})
    FIELDS = {
        "payment_date": f.date("Payment Date", required=True),
        "amount": f.monetary("Amount"),
        "communication": f.char("Memo"),
        "group_payment": f.boolean("Group Payments"),
        "currency_id": f.many2one("res.currency", "Currency"),
        "journal_id": f.many2one("account.journal", "Journal"),
        "line_ids": f.many2many("account.move.line", "Journal items", readonly=True),
        "payment_type": f.selection("Payment Type", ("outbound", "inbound"), readonly=True),
        "partner_type": f.selection("Partner Type", ("customer", "supplier"), readonly=True),
        "source_amount": f.monetary("Amount to Pay (company currency)", readonly=True),
        "source_amount_currency": f.monetary("Amount to Pay (foreign currency)", readonly=True),
        "source_currency_id": f.many2one("res.currency", "Source Currency", readonly=True),
        "can_edit_wizard": f.boolean("Can Edit Wizard", readonly=True),
        "company_id": f.many2one("res.company", "Company", readonly=True),
        "partner_id": f.many2one("res.partner", "Customer/Vendor", readonly=True),
        "payment_difference": f.monetary("Payment Difference", computed=True),
        "payment_difference_handling": f.selection(
            "Payment Difference Handling", ("open", "reconcile"), default="open"
        ),
        "writeoff_account_id": f.many2one("account.account", "Difference Account"),
        "writeoff_label": f.char("Journal Item Label", default="Write-Off"),
    }

    def compute_payment_difference(self, rec: Record) -> float:
        if not rec.get("can_edit_wizard"):
            return 0.0
        return round_amount(float(rec.get("source_amount_currency") or 0.0) - float(rec.get("amount") or 0.0))

    def _line(self, line_id: int) -> Record:
        return self.env["account.move.line"].record(line_id)

    def _move_of(self, line: Record) -> Record:
        return self.env["account.move"].record(line["move_id"])

    def _lines_from_context(self) -> list[int]:
        """default_get: the receivable/payable items still open on the active records."""
        context = self.env.context
        active = as_ids(context.get("active_ids") or [])
        if context.get("active_model") == "account.move":
            moves = self.env["account.move"]
            lines = [i for move_id in moves.existing(active) for i in moves.record(move_id).get("line_ids") or []]
        elif context.get("active_model") == "account.move.line":
            lines = self.env["account.move.line"].existing(active)
        else:
            raise UserError(
                "The register payment wizard should only be called on account.move or account.move.line records."
            )
        available = []
        for line_id in lines:
            line = self._line(line_id)
            if self._move_of(line)["state"] != "posted":
                raise UserError("You can only register payment for posted journal entries.")
            account = self.env.store.get("account.account", line.get("account_id") or 0) or {}
            if account.get("account_type") not in VALID_TYPES or is_zero(
                float(line.get("amount_residual_currency") or 0.0)
            ):
                continue
            available.append(line_id)
        if not available:
            raise UserError(
                "You can't register a payment because there is nothing left to pay on the selected journal items."
            )
        if len({self._move_of(self._line(i))["company_id"] for i in lines}) > 1:
            raise UserError("You can't create payments for entries belonging to different companies.")
        kinds = {
            (self.env.store.get("account.account", self._line(i)["account_id"]) or {}).get("account_type")
            for i in available
        }
        if len(kinds) > 1:
            raise UserError("You can't register payments for both inbound and outbound moves at the same time.")
        return available

    def batches(self, line_ids: list[int]) -> list[dict[str, Any]]:
        """_get_batches: items grouped by partner, account, currency and partner type."""
        groups: dict[tuple[Any, ...], list[int]] = {}
        for line_id in line_ids:
            line = self._line(line_id)
            account = self.env.store.get("account.account", line["account_id"]) or {}
            kind = "customer" if account.get("account_type") == "asset_receivable" else "supplier"
            key = (line.get("partner_id"), line["account_id"], line["currency_id"], kind)
            groups.setdefault(key, []).append(line_id)
        result = []
        for (partner, account, currency, kind), lines in groups.items():
            balance = sum(float(self._line(i)["balance"]) for i in lines)
            result.append(
                {
                    "partner_id": partner,
                    "account_id": account,
                    "currency_id": currency,
                    "partner_type": kind,
                    "payment_type": "inbound" if balance > 0 else "outbound",
                    "lines": lines,
                    "source_amount": abs(round_amount(sum(float(self._line(i)["amount_residual"]) for i in lines))),
                    "source_amount_currency": abs(
                        round_amount(sum(float(self._line(i)["amount_residual_currency"]) for i in lines))
                    ),
                }
            )
        return result

    def communication_of(self, lines: list[int]) -> str:
        labels = set()
        for line_id in lines:
            line = self._line(line_id)
            move = self._move_of(line)
            labels.add(str(move.get("payment_reference") or line.get("name") or move.get("ref") or move.get("name")))
        return " ".join(sorted(labels))

    def _default_journal(self, company_id: int, currency_id: Any) -> Any:
        journals = self.env["account.journal"]
        domain: list[Any] = [("company_id", "=", company_id), ("type", "in", list(PAYMENT_JOURNALS[:2]))]
        for extra in ([("currency_id", "=", currency_id)], []):
            found = journals.search_ids(domain + extra, limit=1)
            if found:
                return found[0]
        return False

    def create_records(self, vals_list: list[Any]) -> list[int]:
        ids = []
        for vals in vals_list:
            self.check_fields(vals)
            lines = self._lines_from_context() if "line_ids" not in vals else self.convert("line_ids", vals["line_ids"])
            batches = self.batches(lines)
            first = batches[0]
            company_id = self._move_of(self._line(lines[0]))["company_id"]
            editable = len(batches) == 1
            values = self.defaults()
            for name, raw in vals.items():
                if not self._fields[name].computed and name != "id":
                    values[name] = self.convert(name, raw)
            company = self.env.store.get("res.company", company_id) or {}
            journal_id = values.get("journal_id") or self._default_journal(company_id, first["currency_id"])
            journal = self.env["account.journal"].record(journal_id) if journal_id else {}
            values.update(
                {
                    "line_ids": lines,
                    "company_id": company_id,
                    "can_edit_wizard": editable,
                    "partner_id": first["partner_id"] if editable else False,
                    "partner_type": first["partner_type"] if editable else False,
                    "payment_type": first["payment_type"],
                    "source_currency_id": first["currency_id"] if editable else False,
                    "source_amount": first["source_amount"] if editable else 0.0,
                    "source_amount_currency": first["source_amount_currency"] if editable else 0.0,
                    "journal_id": journal_id,
                    "currency_id": values.get("currency_id")
                    or journal.get("currency_id")
                    or first["currency_id"]
                    or company.get("currency_id"),
                    "payment_date": values.get("payment_date") or self.env.today().isoformat(),
                }
            )
            if "amount" not in vals:
                values["amount"] = first["source_amount_currency"] if editable else 0.0
            if "communication" not in vals:
                values["communication"] = self.communication_of(first["lines"]) if editable else False
            if "group_payment" not in vals:
                values["group_payment"] = editable and len({self._line(i)["move_id"] for i in first["lines"]}) == 1
            self.check_values(values)
            rec_id = self.env.store.insert(self._name, values)
            if journal and journal["company_id"] != company_id:
                raise incompatible(
                    self.display(rec_id),
                    self.env["res.company"].display(company_id),
                    "Journal",
                    "journal_id",
                    [self.env["account.journal"].display(journal_id)],
                )
            ids.append(rec_id)
        return ids

    def _payment_values(self, wizard: Record, batch: dict[str, Any], *, edit: bool) -> Record:
        payments = self.env["account.payment"]
        assert isinstance(payments, AccountPayment)
        return {
            "date": wizard["payment_date"],
            "amount": float(wizard["amount"]) if edit else batch["source_amount_currency"],
            "payment_type": batch["payment_type"],
            "partner_type": batch["partner_type"],
            # memo (18+) or, in 17, ref: the field the version names it (sandbox/versions.py)
            payments.MEMO: (wizard.get("communication") if edit else self.communication_of(batch["lines"])),
            "journal_id": wizard["journal_id"],
            "company_id": wizard["company_id"],
            "currency_id": wizard["currency_id"] if edit else batch["currency_id"],
            "partner_id": batch["partner_id"],
            "destination_account_id": batch["account_id"],
        }

    def _writeoff(self, wizard: Record, batch: dict[str, Any]) -> list[Record]:
        difference = self.compute_payment_difference(wizard)
        if wizard.get("payment_difference_handling") != "reconcile" or is_zero(difference):
            return []
        sign = 1 if batch["payment_type"] == "inbound" else -1
        return [
            {
                "name": wizard.get("writeoff_label") or "Write-Off",
                "account_id": wizard.get("writeoff_account_id"),
                "balance": sign * difference,
            }
        ]

    @rpc("multi", mutates=True, counts="ids")
    def action_create_payments(self, ids: list[int]) -> Any:
        self.existing(ids)
        if len(ids) != 1:
            raise ValueError(f"Expected singleton: {self._name}{tuple(ids)!r}")
        wizard = self.record(ids[0])
        batches = self.batches(list(wizard["line_ids"]))
        edit = bool(wizard.get("can_edit_wizard")) and (
            len(batches[0]["lines"]) == 1 or bool(wizard.get("group_payment"))
        )
        if not edit and not wizard.get("group_payment"):
            batches = [{**b, "lines": [line]} for b in batches for line in b["lines"]]
            batches = [{**b, **self.batches(b["lines"])[0]} for b in batches]
        todo = batches[:1] if edit else batches
        payments = self.env["account.payment"]
        assert isinstance(payments, AccountPayment)
        created: list[int] = []
        for batch in todo:
            payment_id = payments.create_records([self._payment_values(wizard, batch, edit=edit)])[0]
            payments.post_payments([payment_id], {payment_id: self._writeoff(wizard, batch) if edit else []})
            payment = payments.record(payment_id)
            move = self.env["account.move"].record(payment["move_id"])
            own = [i for i in move["line_ids"] if self._line(i)["account_id"] == batch["account_id"]]
            reconcile(self.env, own + [i for i in batch["lines"] if not self._line(i)["reconciled"]])
            invoices = sorted({self._line(i)["move_id"] for i in batch["lines"]})
            self.env.store.update(payments._name, payment_id, {"invoice_ids": invoices})
            # _compute_state depends on invoice_ids.payment_state: the invoice's earlier partial
            # payments become paid with it.
            paying = [
                p["id"]
                for p in self.env.store.table(payments._name).values()
                if set(invoices) & set(p.get("invoice_ids") or [])
            ]
            payments.refresh_states(sorted(paying))
            created.append(payment_id)
        if self.env.context.get("dont_redirect_to_payments"):
            return True
        action: dict[str, Any] = {
            "name": "Payments",
            "type": "ir.actions.act_window",
            "res_model": "account.payment",
            "context": {"create": False},
        }
        if len(created) == 1:
            action.update({"view_mode": "form", "res_id": created[0]})
        else:
            action.update({"view_mode": "list,form", "domain": [["id", "in", created]]})
        return action
