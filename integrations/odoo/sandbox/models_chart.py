"""Chart of accounts reference models: accounts, taxes, tax groups, journals."""

from __future__ import annotations

from . import fields as f
from .orm import BaseModel
from .store import Record

ACCOUNT_TYPES = (
    "asset_receivable",
    "asset_cash",
    "asset_current",
    "asset_non_current",
    "asset_prepayments",
    "asset_fixed",
    "liability_payable",
    "liability_credit_card",
    "liability_current",
    "liability_non_current",
    "equity",
    "equity_unaffected",
    "income",
    "income_other",
    "expense",
    "expense_depreciation",
    "expense_direct_cost",
    "off_balance",
)
JOURNAL_TYPES = ("sale", "purchase", "cash", "bank", "credit", "general")


def company_default(model: BaseModel) -> int:
    return model.env.company_id()


class AccountAccount(BaseModel):
    _name = "account.account"
    _description = "Account"
    _order = "code, id"
    FIELDS = {
        "name": f.char("Account Name", required=True),
        "code": f.char("Code", required=True),
        "account_type": f.selection("Type", ACCOUNT_TYPES, required=True),
        "company_ids": f.many2many("res.company", "Companies", required=True),
        "reconcile": f.boolean("Allow Reconciliation"),
        "deprecated": f.boolean("Deprecated"),
        "currency_id": f.many2one("res.currency", "Account Currency"),
        "internal_group": f.char("Internal Group", computed=True),
        "tax_ids": f.many2many("account.tax", "Default Taxes"),
    }

    def compute_display_name(self, rec: Record) -> str:
        return f"{rec.get('code')} {rec.get('name')}"

    def compute_internal_group(self, rec: Record) -> str:
        kind = str(rec.get("account_type") or "")
        return "off" if kind == "off_balance" else kind.split("_")[0]

    def defaults(self) -> Record:
        values = super().defaults()
        if "company_ids" in self._fields:  # 17.0's single company_id has its own default
            values["company_ids"] = [self.env.company_id()]
        return values


class AccountTaxGroup(BaseModel):
    _name = "account.tax.group"
    _description = "Tax Group"
    _order = "sequence asc, id"
    FIELDS = {
        "name": f.char("Name", required=True),
        "sequence": f.integer("Sequence", default=10),
        "company_id": f.many2one("res.company", "Company", required=True, default=company_default),
        "country_id": f.many2one("res.country", "Country"),
    }


class AccountTax(BaseModel):
    _name = "account.tax"
    _description = "Tax"
    _order = "sequence,id"
    FIELDS = {
        "name": f.char("Tax Name", required=True),
        "amount": f.floating("Amount", required=True),
        "amount_type": f.selection("Tax Computation", ("group", "fixed", "percent", "division"), default="percent"),
        "type_tax_use": f.selection("Tax Type", ("sale", "purchase", "none"), default="sale"),
        "tax_scope": f.selection("Tax Scope", ("service", "consu")),
        "price_include": f.boolean("Included in Price", computed=True),
        "price_include_override": f.selection("Included in Price (override)", ("tax_included", "tax_excluded")),
        "company_id": f.many2one("res.company", "Company", required=True, default=company_default),
        "country_id": f.many2one("res.country", "Country", required=True),
        "tax_group_id": f.many2one("account.tax.group", "Tax Group", required=True),
        "sequence": f.integer("Sequence", default=1),
        "description": f.char("Description"),
        "invoice_label": f.char("Label on Invoices"),
        "active": f.boolean("Active", default=True),
    }

    def compute_price_include(self, rec: Record) -> bool:
        return rec.get("price_include_override") == "tax_included"


class AccountJournal(BaseModel):
    _name = "account.journal"
    _description = "Journal"
    _order = "sequence, type, code"
    FIELDS = {
        "name": f.char("Journal Name", required=True),
        "code": f.char("Short Code", required=True),
        "type": f.selection("Type", JOURNAL_TYPES, required=True),
        "company_id": f.many2one("res.company", "Company", required=True, default=company_default),
        "default_account_id": f.many2one("account.account", "Default Account"),
        "suspense_account_id": f.many2one("account.account", "Suspense Account"),
        "currency_id": f.many2one("res.currency", "Currency"),
        "sequence": f.integer("Sequence", default=10),
        "refund_sequence": f.boolean("Dedicated Credit Note Sequence"),
        "payment_sequence": f.boolean("Dedicated Payment Sequence"),
        "bank_account_id": f.many2one("res.partner.bank", "Bank Account"),
        "active": f.boolean("Active", default=True),
    }

    def compute_display_name(self, rec: Record) -> str:
        name = str(rec.get("name") or "")
        currency = rec.get("currency_id")
        company = self.env.store.get("res.company", rec.get("company_id") or 0)
        if currency and company and currency != company.get("currency_id"):
            return f"{name} ({self.env['res.currency'].display(currency)})"
        return name


class ResPartnerBank(BaseModel):
    """Only here so journal.bank_account_id has a comodel; the seed has none."""

    _name = "res.partner.bank"
    _description = "Bank Accounts"
    _rec_name = "acc_number"
    FIELDS = {
        "acc_number": f.char("Account Number", required=True),
        "partner_id": f.many2one("res.partner", "Account Holder", required=True),
        "company_id": f.many2one("res.company", "Company"),
        "active": f.boolean("Active", default=True),
    }
