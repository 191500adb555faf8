"""Base models: companies, currencies, countries, partners, users, external ids."""

from __future__ import annotations

from typing import Any

from . import access
from . import fields as f
from .faults import ValidationError
from .orm import BaseModel, constraint_error, rpc
from .store import Record

LOCK_DATE_LABELS = {
    "fiscalyear_lock_date": "Global Lock Date",
    "tax_lock_date": "Tax Return Lock Date",
    "sale_lock_date": "Sales Lock Date",
    "purchase_lock_date": "Purchase Lock Date",
    "hard_lock_date": "Hard Lock Date",
}


class ResCountry(BaseModel):
    _name = "res.country"
    _description = "Country"
    _order = "name"
    FIELDS = {"name": f.char("Country Name", required=True), "code": f.char("Country Code")}


class ResCurrency(BaseModel):
    _name = "res.currency"
    _description = "Currency"
    _order = "active desc, name"
    FIELDS = {
        "name": f.char("Currency", required=True),
        "full_name": f.char("Name"),
        "symbol": f.char("Symbol", required=True),
        "rounding": f.floating("Rounding Factor", default=0.01),
        "decimal_places": f.integer("Decimal Places", default=2),
        "position": f.selection("Symbol Position", ("after", "before"), default="after"),
        "rate": f.floating("Current Rate", default=1.0),
        "currency_unit_label": f.char("Currency Unit"),
        "active": f.boolean("Active", default=True),
    }


class ResCompany(BaseModel):
    _name = "res.company"
    _description = "Companies"
    _order = "sequence, name"
    FIELDS = {
        "name": f.char("Company Name", required=True),
        "partner_id": f.many2one("res.partner", "Partner", required=True),
        "currency_id": f.many2one("res.currency", "Currency", required=True),
        "country_id": f.many2one("res.country", "Country"),
        "account_fiscal_country_id": f.many2one("res.country", "Fiscal Country"),
        "parent_id": f.many2one("res.company", "Parent Company"),
        "sequence": f.integer("Sequence", default=10),
        "active": f.boolean("Active", default=True),
        "chart_template": f.char("Chart Template"),
        "fiscalyear_last_day": f.integer("Fiscalyear Last Day", default=31),
        "fiscalyear_last_month": f.selection(
            "Fiscalyear Last Month", tuple(str(m) for m in range(1, 13)), default="12"
        ),
        "tax_calculation_rounding_method": f.selection(
            "Tax Calculation Rounding Method", ("round_per_line", "round_globally"), default="round_per_line"
        ),
        "account_sale_tax_id": f.many2one("account.tax", "Default Sale Tax"),
        "account_purchase_tax_id": f.many2one("account.tax", "Default Purchase Tax"),
        "account_journal_suspense_account_id": f.many2one("account.account", "Journal Suspense Account"),
        "account_journal_payment_debit_account_id": f.many2one("account.account", "Journal Outstanding Receipts"),
        "account_journal_payment_credit_account_id": f.many2one("account.account", "Journal Outstanding Payments"),
        **{name: f.date(label) for name, label in LOCK_DATE_LABELS.items()},
    }


class ResPartner(BaseModel):
    _name = "res.partner"
    _description = "Contact"
    _order = "complete_name ASC, id DESC"
    FIELDS = {
        "name": f.char("Name"),
        "complete_name": f.char("Complete Name", computed=True),
        "type": f.selection("Address Type", ("contact", "invoice", "delivery", "other"), default="contact"),
        "parent_id": f.many2one("res.partner", "Related Company"),
        "child_ids": f.one2many("res.partner", "parent_id", "Contact", computed=True),
        "commercial_partner_id": f.many2one("res.partner", "Commercial Entity", computed=True),
        "is_company": f.boolean("Is a Company"),
        "company_id": f.many2one("res.company", "Company"),
        "email": f.char("Email"),
        "phone": f.char("Phone"),
        "mobile": f.char("Mobile"),
        "vat": f.char("Tax ID"),
        "ref": f.char("Reference"),
        "website": f.char("Website Link"),
        "street": f.char("Street"),
        "street2": f.char("Street2"),
        "zip": f.char("Zip"),
        "city": f.char("City"),
        "country_id": f.many2one("res.country", "Country"),
        "lang": f.char("Language", default="en_US"),
        "comment": f.text("Notes"),
        "active": f.boolean("Active", default=True),
        "customer_rank": f.integer("Customer Rank"),
        "supplier_rank": f.integer("Supplier Rank"),
        "property_account_receivable_id": f.many2one("account.account", "Account Receivable", computed=True),
        "property_account_payable_id": f.many2one("account.account", "Account Payable", computed=True),
    }

    def compute_complete_name(self, rec: Record) -> str:
        name = rec.get("name") or ""
        parent = self.env.store.get(self._name, rec.get("parent_id") or 0)
        if parent is not None and not rec.get("is_company"):
            return f"{parent.get('name') or ''}, {name}"
        return str(name)

    def compute_display_name(self, rec: Record) -> str:
        return self.compute_complete_name(rec)

    def compute_commercial_partner_id(self, rec: Record) -> int:
        current = rec
        while not current.get("is_company") and current.get("parent_id"):
            parent = self.env.store.get(self._name, current["parent_id"])
            if parent is None:
                break
            current = parent
        return int(current["id"])

    def _company_account(self, key: str) -> int | bool:
        company = self.env.store.get("res.company", self.env.company_id())
        return company.get(key, False) if company else False

    def compute_property_account_receivable_id(self, rec: Record) -> int | bool:
        return self._company_account("__receivable_id")

    def compute_property_account_payable_id(self, rec: Record) -> int | bool:
        return self._company_account("__payable_id")

    def check_constraints(self, rec_id: int) -> None:
        rec = self.record(rec_id)
        if rec.get("type") == "contact" and rec.get("name") in (False, None):
            raise constraint_error("Contacts require a name")


class ResGroups(BaseModel):
    _name = "res.groups"
    _description = "Access Groups"
    _order = "name"
    FIELDS = {
        "name": f.char("Name", required=True),
        "full_name": f.char("Group Name", computed=True),
        "implied_ids": f.many2many("res.groups", "Inherits"),
        "users": f.many2many("res.users", "Users", computed=True),
    }

    def compute_full_name(self, rec: Record) -> str:
        return f"{rec.get('__category')} / {rec.get('name')}" if rec.get("__category") else str(rec.get("name"))

    def compute_display_name(self, rec: Record) -> str:
        return self.compute_full_name(rec)

    def compute_users(self, rec: Record) -> list[int]:
        users = self.env.store.table("res.users").values()
        return sorted(u["id"] for u in users if rec["id"] in (u.get("groups_id") or []))


class ResUsers(BaseModel):
    _name = "res.users"
    _description = "User"
    _order = "name, login"
    FIELDS = {
        "name": f.char("Name", required=True),
        "login": f.char("Login", required=True),
        "active": f.boolean("Active", default=True),
        "partner_id": f.many2one("res.partner", "Related Partner", required=True),
        "company_id": f.many2one("res.company", "Company", required=True),
        "company_ids": f.many2many("res.company", "Companies"),
        # Odoo 18's name (group_ids from 19); implied groups are stored here too.
        "groups_id": f.many2many("res.groups", "Groups"),
    }

    @rpc("model")
    def context_get(self) -> dict[str, Any]:
        return {"lang": "en_US", "tz": False, "uid": self.env.uid}

    @rpc("multi")
    def has_group(self, ids: list[int], group_ext_id: str) -> bool:
        """Whether the user belongs to the group named by its fully qualified external id."""
        if len(ids) != 1:
            raise ValueError(f"Expected singleton: {self._name}{tuple(ids)!r}")
        if not isinstance(group_ext_id, str) or "." not in group_ext_id:
            raise ValueError(f"External ID not found in the system: {group_ext_id}")
        self.record(ids[0])
        return group_ext_id in access.user_xmlids(self.env.store, ids[0])


class IrModelData(BaseModel):
    _name = "ir.model.data"
    _description = "Model Data"
    _order = "module, model, name"
    _rec_name = "complete_name"
    PRIVATE = frozenset(
        {
            "_xmlid_lookup",
            "_xmlid_to_res_id",
            "_xmlid_to_res_model_res_id",
            "_update_xmlids",
            "_load_xmlid",
            "_lookup_xmlids",
            "_build_insert_xmlids_values",
        }
    )
    FIELDS = {
        "name": f.char("External Identifier", required=True),
        "complete_name": f.char("Complete ID", computed=True),
        "module": f.char("Module", required=True, default=""),
        "model": f.char("Model Name", required=True),
        "res_id": f.reference_id("Record ID"),
        "noupdate": f.boolean("Non Updatable"),
        "reference": f.char("Reference", computed=True),
    }

    def compute_complete_name(self, rec: Record) -> str:
        return ".".join(part for part in (rec.get("module"), rec.get("name")) if part)

    def compute_display_name(self, rec: Record) -> str:
        return self.compute_complete_name(rec)

    def compute_reference(self, rec: Record) -> str:
        return f"{rec.get('model')},{rec.get('res_id')}"

    def check_constraints(self, rec_id: int) -> None:
        rec = self.record(rec_id)
        if " " in str(rec.get("name") or ""):
            raise constraint_error("External IDs cannot contain spaces")
        key = (rec.get("module"), rec.get("name"))
        if self.env.store.ids_with(self._name, ("module", "name"), key) - {rec_id}:
            # A unique *index*, not a registered constraint, so Odoo falls
            # back to psycopg2's own message.
            raise ValidationError(
                "The operation cannot be completed: duplicate key value violates unique "
                'constraint "ir_model_data_module_name_uniq_index"\n'
                f"DETAIL:  Key (module, name)=({key[0]}, {key[1]}) already exists.\n"
            )
