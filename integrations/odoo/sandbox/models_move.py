"""account.move: creation, edition and deletion of journal entries and invoices."""

from __future__ import annotations

from typing import Any

from . import fields as f
from . import posting
from .companies import incompatible
from .faults import UserError, ValidationError
from .invoice_lines import (
    INVOICE_TYPES,
    NOT_ACCOUNTABLE,
    SALE_TYPES,
    check_balanced,
    commercial_partner,
    is_invoice,
    line_amounts,
    lines_of,
    move_display_name,
    recompute_amounts,
    recompute_invoice_lines,
    reconcilable,
)
from .money import round_amount
from .orm import BaseModel, constraint_error, foreign_key_error, rpc, to_date
from .reconcile import assign_outstanding, counterpart_moves
from .sequence import accounting_date, as_date, check_fiscal_lock_dates
from .store import Record
from .versions import account_company_ids

MOVE_TYPES = ("entry", *INVOICE_TYPES)
PURCHASE_TYPES = ("in_invoice", "in_refund", "in_receipt")
UNMODIFIABLE = (
    "invoice_line_ids",
    "line_ids",
    "invoice_date",
    "date",
    "partner_id",
    "partner_bank_id",
    "invoice_payment_term_id",
    "currency_id",
    "fiscal_position_id",
    "invoice_cash_rounding_id",
)
# Stored by the sandbox but computed in Odoo: writes to them change nothing.
DERIVED = frozenset(
    {
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_residual",
        "amount_untaxed_signed",
        "amount_total_signed",
        "amount_residual_signed",
        "payment_state",
        "posted_before",
        "sequence_prefix",
        "sequence_number",
        "origin_payment_id",
        "statement_line_id",
    }
)
LINE_COMMANDS = ("line_ids", "invoice_line_ids")


class AccountMove(BaseModel):
    _name = "account.move"
    _description = "Journal Entry"
    _order = "date desc, name desc, invoice_date desc, id desc"
    PRIVATE = frozenset(
        {
            "_post",
            "_check_balanced",
            "_get_unbalanced_moves",
            "_check_fiscal_lock_dates",
            "_get_accounting_date",
            "_get_violated_lock_dates",
            "_affect_tax_report",
            "_reverse_moves",
            "_compute_amount",
            "_compute_payment_state",
            "_compute_name",
            "_sync_dynamic_lines",
            "_get_move_display_name",
            "_check_draftable",
            "_unlink_or_reverse",
            "_invoice_paid_hook",
        }
    )
    FIELDS = {
        "name": f.char("Number"),
        "ref": f.char("Reference"),
        "date": f.date("Date", required=True),
        "state": f.selection("Status", ("draft", "posted", "cancel"), required=True, default="draft"),
        "move_type": f.selection("Type", MOVE_TYPES, required=True, default="entry"),
        "journal_id": f.many2one("account.journal", "Journal", required=True),
        "company_id": f.many2one("res.company", "Company"),
        "currency_id": f.many2one("res.currency", "Currency", required=True),
        "company_currency_id": f.many2one("res.currency", "Company Currency", computed=True),
        "partner_id": f.many2one("res.partner", "Partner", ondelete="restrict"),
        "commercial_partner_id": f.many2one("res.partner", "Commercial Entity", computed=True),
        "line_ids": f.one2many("account.move.line", "move_id", "Journal Items"),
        "invoice_line_ids": f.one2many("account.move.line", "move_id", "Invoice lines", computed=True),
        "invoice_date": f.date("Invoice/Bill Date"),
        "invoice_date_due": f.date("Due Date"),
        "invoice_origin": f.char("Origin"),
        "payment_reference": f.char("Payment Reference"),
        "narration": f.text("Terms and Conditions"),
        "amount_untaxed": f.monetary("Untaxed Amount", readonly=True),
        "amount_tax": f.monetary("Tax", readonly=True),
        "amount_total": f.monetary("Total", readonly=True),
        "amount_residual": f.monetary("Amount Due", readonly=True),
        "amount_untaxed_signed": f.monetary("Untaxed Amount Signed", readonly=True),
        "amount_total_signed": f.monetary("Total Signed", readonly=True),
        "amount_residual_signed": f.monetary("Amount Due Signed", readonly=True),
        "payment_state": f.selection(
            "Payment Status",
            ("not_paid", "in_payment", "paid", "partial", "reversed", "blocked", "invoicing_legacy"),
            readonly=True,
            default="not_paid",
        ),
        "posted_before": f.boolean("Posted Before", readonly=True),
        "auto_post": f.selection("Auto-post", ("no", "at_date", "monthly", "quarterly", "yearly"), default="no"),
        "checked": f.boolean("Checked"),
        "origin_payment_id": f.many2one("account.payment", "Payment", readonly=True),
        "statement_line_id": f.many2one("account.bank.statement.line", "Statement Line", readonly=True),
        "reversed_entry_id": f.many2one("account.move", "Reversal of"),
        "reversal_move_ids": f.one2many("account.move", "reversed_entry_id", "Reversal Move", computed=True),
        "matched_payment_ids": f.many2many("account.payment", "Matched Payments", computed=True),
        "duplicated_ref_ids": f.many2many("account.move", "Duplicated Ref", computed=True),
        "sequence_prefix": f.char("Sequence Prefix", readonly=True),
        "sequence_number": f.integer("Sequence Number", readonly=True),
    }

    # -- computed fields ------------------------------------------------------

    def compute_display_name(self, rec: Record) -> str:
        return move_display_name(rec)

    def compute_invoice_line_ids(self, rec: Record) -> list[int]:
        keep = ("product", *NOT_ACCOUNTABLE)
        lines = (self.env.store.get("account.move.line", i) for i in rec.get("line_ids") or [])
        return [line["id"] for line in lines if line and line.get("display_type") in keep]

    def compute_reversal_move_ids(self, rec: Record) -> list[int]:
        return sorted(self.env.store.ids_with(self._name, ("reversed_entry_id",), (rec["id"],)))

    def compute_commercial_partner_id(self, rec: Record) -> Any:
        return commercial_partner(self.env, rec)

    def compute_company_currency_id(self, rec: Record) -> Any:
        company = self.env.store.get("res.company", rec.get("company_id") or 0)
        return company["currency_id"] if company else False

    def compute_matched_payment_ids(self, rec: Record) -> list[int]:
        moves = counterpart_moves(self.env, set(rec.get("line_ids") or []))
        payments = self.env.store.table("account.payment").values()
        return sorted(p["id"] for p in payments if p.get("move_id") in moves)

    def compute_duplicated_ref_ids(self, rec: Record) -> list[int]:
        """Odoo 17+ flags look-alike invoices (warning only, posting is not blocked)."""
        partner = commercial_partner(self.env, rec)
        if not is_invoice(rec) or not partner:
            return []
        found = []
        for other in self.env.store.table(self._name).values():
            if other["id"] == rec["id"] or other.get("state") not in ("draft", "posted"):
                continue
            if (other["company_id"], other["move_type"]) != (rec["company_id"], rec["move_type"]):
                continue
            if commercial_partner(self.env, other) != partner:
                continue
            same_date = bool(rec.get("invoice_date")) and other.get("invoice_date") == rec.get("invoice_date")
            same_ref = bool(rec.get("ref")) and other.get("ref") == rec.get("ref")
            same_amount = other.get("amount_total") == rec.get("amount_total")
            if (same_ref and (same_date or rec.get("state") != "posted")) or (same_amount and same_date):
                found.append(other["id"])
        return sorted(found)

    # -- helpers --------------------------------------------------------------

    def _default_journal(self, company_id: int, move_type: str) -> Record:
        kind = "sale" if move_type in SALE_TYPES else "purchase" if move_type in PURCHASE_TYPES else "general"
        journals = self.env["account.journal"]
        found = journals.search_ids([("company_id", "=", company_id), ("type", "=", kind)], limit=1)
        if not found:
            company = self.env["res.company"].display(company_id)
            raise UserError(f"No journal could be found in company {company} for any of those types: {kind}")
        return journals.record(found[0])

    def _check_journal_type(self, move_type: str, journal: Record) -> None:
        if move_type in PURCHASE_TYPES and journal["type"] != "purchase":
            raise ValidationError("Cannot create a purchase document in a non purchase journal")
        if move_type in SALE_TYPES and journal["type"] != "sale":
            raise ValidationError("Cannot create a sale document in a non sale journal")

    def _check_companies(self, move: Record) -> None:
        company = self.env["res.company"].display(move["company_id"])
        journal = self.env.store.get("account.journal", move["journal_id"]) or {}
        if journal.get("company_id") != move["company_id"]:
            raise incompatible(
                move_display_name(move),
                company,
                "Journal",
                "journal_id",
                [self.env["account.journal"].display(journal.get("id"))],
            )
        reversed_entry = self.env.store.get(self._name, move.get("reversed_entry_id") or 0)
        if reversed_entry and reversed_entry["company_id"] != move["company_id"]:
            # check_company=True on reversed_entry_id: the only thing Odoo checks of it.
            raise incompatible(
                move_display_name(move),
                company,
                "Reversal of",
                "reversed_entry_id",
                [move_display_name(reversed_entry)],
            )
        partner = self.env.store.get("res.partner", move.get("partner_id") or 0)
        if partner and partner.get("company_id") and partner["company_id"] != move["company_id"]:
            raise incompatible(
                move_display_name(move),
                company,
                "Partner",
                "partner_id",
                [self.env["res.partner"].display(partner["id"])],
            )

    def _check_line_companies(self, move: Record, line: Record) -> None:
        company = self.env["res.company"].display(move["company_id"])
        label = self.env["account.move.line"].compute_display_name(line)
        account = self.env.store.get("account.account", line.get("account_id") or 0)
        if account and move["company_id"] not in account_company_ids(account):
            raise incompatible(
                label, company, "Account", "account_id", [self.env["account.account"].display(account["id"])]
            )
        taxes = [self.env.store.get("account.tax", i) or {} for i in line.get("tax_ids") or []]
        foreign = [t for t in taxes if t.get("company_id") != move["company_id"]]
        if foreign:
            raise incompatible(label, company, "Taxes", "tax_ids", [str(t.get("name")) for t in foreign])

    def has_tax(self, move: Record) -> bool:
        lines = (self.env.store.get("account.move.line", i) or {} for i in move.get("line_ids") or [])
        return any(line.get("tax_ids") or line.get("tax_line_id") for line in lines)

    def _set_date_from_invoice_date(self, move: Record) -> None:
        """_compute_date: sale documents book on the invoice date, others may land later."""
        if not move.get("invoice_date"):
            if not move.get("date"):
                self.env.store.update(self._name, move["id"], {"date": self.env.today().isoformat()})
            return
        day = as_date(move["invoice_date"])
        if move["move_type"] not in SALE_TYPES:
            day = accounting_date(self.env, move, day, has_tax=self.has_tax(move))
        self.env.store.update(self._name, move["id"], {"date": day.isoformat()})

    def refresh(self, move_id: int) -> None:
        move = self.record(move_id)
        if is_invoice(move) and move["state"] == "draft":
            recompute_invoice_lines(self.env, move_id)
        check_balanced(self.env, move_id)
        self._check_payable_receivable(move)
        recompute_amounts(self.env, move_id)

    def _check_payable_receivable(self, move: Record) -> None:
        """AccountMoveLine._check_payable_receivable: partner accounts only on term lines."""
        if move["move_type"] in SALE_TYPES:
            own, other, label, kind = "asset_receivable", "liability_payable", "receivable", "sale"
        elif move["move_type"] in PURCHASE_TYPES:
            own, other, label, kind = "liability_payable", "asset_receivable", "payable", "purchase"
        else:
            return
        for line in lines_of(self.env, move):
            account = self.env.store.get("account.account", line.get("account_id") or 0)
            if account is None:
                continue
            if account["account_type"] == other:
                other_label = "payable" if label == "receivable" else "receivable"
                raise UserError(
                    f"Account {account['code']} is of {other_label} type, but is used in a {kind} operation."
                )
            if (line.get("display_type") == "payment_term") ^ (account["account_type"] == own):
                raise UserError(f"Any journal item on a {label} account must have a due date and vice versa.")

    # -- lines ------------------------------------------------------------------

    def _apply_lines(self, move_id: int, commands: Any) -> None:
        if not isinstance(commands, (list, tuple)):
            raise ValueError(f"Wrong value for {self._name}.line_ids: {commands!r}")
        for command in commands:
            if not isinstance(command, (list, tuple)) or not command:
                raise ValueError(f"Wrong value for {self._name}.line_ids: {command!r}")
            op = command[0]
            current = list(self.record(move_id).get("line_ids") or [])
            if op == 0:
                self._new_line(move_id, command[2])
            elif op == 1:
                if command[1] not in current:
                    raise ValueError(f"Wrong value for {self._name}.line_ids: {command!r}")
                self._update_line(move_id, command[1], command[2])
            elif op in (2, 3):
                self._drop_lines(move_id, [command[1]])
            elif op in (5, 6):
                keep = set(command[2] or []) if op == 6 else set()
                self._drop_lines(move_id, [i for i in current if i not in keep])
            else:
                raise ValueError(f"Wrong value for {self._name}.line_ids: {command!r}")

    def _line_values(self, move: Record, lvals: dict[str, Any], values: Record) -> Record:
        lines = self.env["account.move.line"]
        lines.check_fields(lvals)
        invoice = is_invoice(move)
        for name, raw in lvals.items():
            field = lines._fields[name]
            if field.computed or name in ("id", "move_id", "display_type"):
                continue
            if invoice and name in ("debit", "credit", "balance", "amount_currency"):
                continue
            values[name] = lines.convert(name, raw, values.get(name))
        if values.get("display_type") in NOT_ACCOUNTABLE:
            return values
        journal = self.env.store.get("account.journal", move["journal_id"]) or {}
        if not values.get("account_id") and invoice:
            values["account_id"] = journal.get("default_account_id") or False
        if not values.get("account_id"):
            raise constraint_error("Missing required account on accountable line.")
        if not self.env.store.exists("account.account", values["account_id"]):
            raise foreign_key_error(lines, "account_id")
        if not invoice:
            balance = lvals.get("balance")
            if balance is None:
                balance = float(values.get("debit") or 0.0) - float(values.get("credit") or 0.0)
            balance = round_amount(float(balance))
            amount_currency = round_amount(float(lvals.get("amount_currency", balance) or 0.0))
            values.update(
                line_amounts(balance, amount_currency, open_item=reconcilable(self.env, values["account_id"]))
            )
        return values

    def _new_line(self, move_id: int, lvals: Any) -> None:
        move = self.record(move_id)
        lines = self.env["account.move.line"]
        values = lines.defaults()
        kind = lines.convert("display_type", lvals.get("display_type") or "product")
        values.update({"move_id": move_id, "currency_id": move["currency_id"], "display_type": kind})
        values = self._line_values(move, dict(lvals), values)
        line_id = self.env.store.insert(lines._name, values)
        self._check_line_companies(move, self.env.store.table(lines._name)[line_id])
        self.env.store.update(self._name, move_id, {"line_ids": [*move.get("line_ids", []), line_id]})

    def _update_line(self, move_id: int, line_id: int, lvals: Any) -> None:
        move = self.record(move_id)
        line = self.env["account.move.line"].record(line_id)
        values = self._line_values(move, dict(lvals), dict(line))
        self.env.store.update("account.move.line", line_id, values)
        self._check_line_companies(move, self.env.store.table("account.move.line")[line_id])

    def _drop_lines(self, move_id: int, line_ids: list[int]) -> None:
        move = self.record(move_id)
        for line_id in line_ids:
            self.env.store.delete("account.move.line", line_id)
        remaining = [i for i in move.get("line_ids") or [] if i not in set(line_ids)]
        self.env.store.update(self._name, move_id, {"line_ids": remaining})

    # -- create / write / unlink ------------------------------------------------

    def create_records(self, vals_list: list[Any]) -> list[int]:
        if any(isinstance(v, dict) and v.get("state") == "posted" for v in vals_list):
            raise UserError(
                "You cannot create a move already in the posted state. Please create a draft move and post it after."
            )
        return [self._create_move(vals) for vals in vals_list]

    def _create_move(self, vals: Any) -> int:
        self.check_fields(vals)
        store = self.env.store
        move_type = self.convert(
            "move_type", vals.get("move_type") or self.env.context.get("default_move_type") or "entry"
        )
        journal_id = self.convert("journal_id", vals.get("journal_id", False))
        journal = self.env["account.journal"].record(journal_id) if journal_id else None
        company_id = self.convert("company_id", vals.get("company_id", False))
        company_id = company_id or (journal["company_id"] if journal else self.env.company_id())
        if not store.exists("res.company", company_id):
            raise foreign_key_error(self, "company_id")
        if journal is None:
            journal = self._default_journal(company_id, move_type)
        values = self.defaults()
        for name, raw in vals.items():
            if name in LINE_COMMANDS or name in DERIVED or self._fields[name].computed or name == "id":
                continue
            values[name] = self.convert(name, raw)
        company = store.get("res.company", company_id) or {}
        values.update(
            {
                "move_type": move_type,
                "journal_id": journal["id"],
                "company_id": company_id,
                "name": values.get("name") or "/",
                "state": "draft",
                "line_ids": [],
                "payment_state": "not_paid",
                "posted_before": False,
                "currency_id": values.get("currency_id") or journal.get("currency_id") or company.get("currency_id"),
                "date": values.get("date") or self.env.today().isoformat(),
            }
        )
        self._check_journal_type(move_type, journal)
        if values.get("partner_id"):
            self.env["res.partner"].record(values["partner_id"])
        self.check_values(values)
        move_id = store.insert(self._name, values)
        self._check_companies(self.record(move_id))
        self._apply_lines(move_id, [*(vals.get("line_ids") or []), *(vals.get("invoice_line_ids") or [])])
        if not vals.get("date"):
            self._set_date_from_invoice_date(self.record(move_id))
        self.refresh(move_id)
        return move_id

    @rpc("multi", mutates=True)
    def write(self, ids: list[int], vals: dict[str, Any]) -> bool:
        self.check_fields(vals)
        for move_id in self.existing(ids):
            self._write_move(move_id, vals)
        return True

    def _write_move(self, move_id: int, vals: dict[str, Any]) -> None:
        move = self.record(move_id)
        posted = move["state"] == "posted"
        if posted and (
            ("name" in vals and vals["name"] != move.get("name"))
            or ("date" in vals and to_date(vals["date"]) != move.get("date"))
        ):
            check_fiscal_lock_dates(self.env, move)
        if posted and "state" in vals and vals["state"] != "posted":
            check_fiscal_lock_dates(self.env, move)
        readonly = [name for name in vals if name in UNMODIFIABLE]
        if vals.get("state", move["state"]) == "posted" and readonly:
            raise UserError(f"You cannot modify the following readonly fields on a posted move: {', '.join(readonly)}")
        values: Record = {}
        for name, raw in vals.items():
            if name in (*LINE_COMMANDS, "state", "id") or name in DERIVED or self._fields[name].computed:
                continue
            values[name] = self.convert(name, raw, move.get(name))
        if "journal_id" in values and values["journal_id"] != move["journal_id"]:
            self._check_journal_type(move["move_type"], self.env["account.journal"].record(values["journal_id"]))
            if "name" not in vals:
                values["name"] = "/"
        if values.get("partner_id"):
            self.env["res.partner"].record(values["partner_id"])
        self.check_values(values)
        self.env.store.update(self._name, move_id, values)
        self._check_companies(self.record(move_id))
        if "invoice_date" in vals and "date" not in vals and move["state"] == "draft":
            self._set_date_from_invoice_date(self.record(move_id))
        for key in LINE_COMMANDS:
            if key in vals:
                self._apply_lines(move_id, vals[key])
        if "state" in vals and vals["state"] != move["state"]:
            posting.change_state(self, move_id, vals["state"])
        self.refresh(move_id)

    @rpc("multi", mutates=True)
    def unlink(self, ids: list[int]) -> bool:
        for move_id in self.existing(ids):
            if self.record(move_id)["state"] == "posted":
                raise UserError("You cannot delete an item linked to a posted entry.")
        for move_id in ids:
            if self.env.store.exists(self._name, move_id):
                self.delete(move_id)
        return True

    # -- actions ------------------------------------------------------------------

    @rpc("multi", mutates=True, counts="ids")
    def action_post(self, ids: list[int]) -> Any:
        if ids:
            posting.post(self, self.existing(ids))
        return False

    @rpc("multi", mutates=True)
    def button_draft(self, ids: list[int]) -> None:
        posting.reset_to_draft(self, self.existing(ids))

    @rpc("multi", mutates=True)
    def button_cancel(self, ids: list[int]) -> None:
        posting.cancel(self, self.existing(ids))

    @rpc("multi", mutates=True)
    def js_assign_outstanding_line(self, ids: list[int], line_id: Any) -> None:
        """The invoice form's "Outstanding credits": reconcile a journal item (a payment's open
        receivable item) with this move's open items on its account. Odoo offers in that widget
        only the items of the invoice's partner, but the method itself checks neither partner
        nor currency, only what every reconciliation checks (reconcile.check_reconcilable). It
        returns lines.reconcile(), None: XML-RPC answers a fault after the work committed."""
        self.existing(ids)
        if len(ids) != 1:
            raise ValueError(f"Expected singleton: {self._name}{tuple(ids)!r}")
        line_ids = line_id if isinstance(line_id, list) else [line_id]
        if not line_ids or not all(isinstance(i, int) and not isinstance(i, bool) for i in line_ids):
            raise TypeError(f"Invalid record ids {line_id!r}")
        touched = assign_outstanding(self.env, ids[0], line_ids[0])
        from .models_payment import AccountPayment  # imports this module: a payment has a move

        payments = self.env["account.payment"]
        assert isinstance(payments, AccountPayment)
        # _compute_state follows its items: in process until its bank line is matched.
        payments.refresh_states(
            sorted(p["id"] for p in self.env.store.table(payments._name).values() if p.get("move_id") in touched)
        )

    @rpc("multi")
    def action_register_payment(self, ids: list[int]) -> dict[str, Any]:
        moves = [self.record(i) for i in self.existing(ids)]
        if any(m["state"] != "posted" for m in moves):
            raise UserError("You can only register payment for posted journal entries.")
        if any(m["payment_state"] not in ("not_paid", "partial", "in_payment") for m in moves):
            raise UserError("You can only register payments for (partially) unpaid documents.")
        if any(m["move_type"] == "entry" for m in moves):
            raise UserError("You cannot register payments for miscellaneous entries.")
        line_ids = [i for m in moves for i in m.get("line_ids") or []]
        return {
            "name": "Register Payment",
            "res_model": "account.payment.register",
            "view_mode": "form",
            "views": [[False, "form"]],
            "context": {"active_model": "account.move.line", "active_ids": line_ids},
            "target": "new",
            "type": "ir.actions.act_window",
        }
