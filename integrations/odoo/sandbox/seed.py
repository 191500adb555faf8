"""Reference data of a fresh Odoo 18 database with the generic chart (generic_coa).

Company 1 "My Company" (USD) matches ODOO_FACTS.md. Company 2 "My Company (FR)"
(EUR) exists so multi-company mistakes can be exercised. Ids of currencies
and countries are those of Odoo's base data as far as known; clients should
look records up by code or name rather than trust ids.
"""

from __future__ import annotations

from typing import Any

from .store import Store

# (code, name, account_type, reconcile)
GENERIC_ACCOUNTS: tuple[tuple[str, str, str, bool], ...] = (
    ("101401", "Bank", "asset_cash", False),
    ("101402", "Bank Suspense Account", "asset_current", False),
    ("101403", "Outstanding Receipts", "asset_current", True),
    ("101404", "Outstanding Payments", "asset_current", True),
    ("101501", "Cash", "asset_cash", False),
    ("101701", "Liquidity Transfer", "asset_current", True),
    ("110100", "Stock Valuation", "asset_current", False),
    ("110200", "Stock Interim (Received)", "asset_current", True),
    ("110300", "Stock Interim (Delivered)", "asset_current", True),
    ("110400", "Cost of Production", "asset_current", True),
    ("110500", "Work in Progress", "asset_current", False),
    ("121000", "Account Receivable", "asset_receivable", True),
    ("121100", "Products to receive", "asset_current", True),
    ("122000", "Owner's Current Account", "asset_receivable", True),
    ("128000", "Prepaid Expenses", "asset_prepayments", False),
    ("131000", "Tax Paid", "asset_current", False),
    ("131100", "Tax Receivable", "asset_current", False),
    ("132000", "Deferred Tax Assets", "asset_current", False),
    ("141000", "Prepayments", "asset_prepayments", False),
    ("151000", "Fixed Asset", "asset_fixed", False),
    ("191000", "Non-current assets", "asset_non_current", False),
    ("201000", "Current Liabilities", "liability_current", False),
    ("211000", "Account Payable", "liability_payable", True),
    ("211100", "Bills to receive", "liability_current", True),
    ("212000", "Deferred Revenue", "liability_current", False),
    ("230000", "Salaries Payable", "liability_current", False),
    ("251000", "Tax Received", "liability_current", False),
    ("251100", "Tax Payable", "liability_current", False),
    ("252000", "Non-current Liabilities", "liability_non_current", False),
    ("301000", "Capital", "equity", False),
    ("302000", "Dividends", "equity", False),
    ("400000", "Product Sales", "income", False),
    ("441000", "Foreign Exchange Gain", "income", False),
    ("442000", "Cash Difference Gain", "income", False),
    ("443000", "Cash Discount Loss", "expense", False),
    ("450000", "Other Income", "income_other", False),
    ("500000", "Cost of Goods Sold", "expense_direct_cost", False),
    ("600000", "Expenses", "expense", False),
    ("611000", "Purchase of Equipments", "expense", False),
    ("612000", "Rent", "expense", False),
    ("620000", "Bank Fees", "expense", False),
    ("630000", "Salary Expenses", "expense", False),
    ("641000", "Foreign Exchange Loss", "expense", False),
    ("642000", "Cash Difference Loss", "expense", False),
    ("643000", "Cash Discount Gain", "income", False),
    ("961000", "RD Expenses", "expense", False),
    ("962000", "Sales Expenses", "expense", False),
    ("999999", "Undistributed Profits/Losses", "equity_unaffected", False),
)

CURRENCIES = (
    # id, code, symbol, position, full name, active
    (1, "USD", "$", "before", "United States dollar", True),
    (125, "EUR", "\N{EURO SIGN}", "after", "Euro", True),
    (147, "GBP", "\N{POUND SIGN}", "before", "Pound sterling", False),
    (37, "CAD", "$", "before", "Canadian dollar", False),
)
USD, EUR = 1, 125
US, FR = 233, 75

# (code, name, type, default account code, sequence)
JOURNALS = (
    ("INV", "Customer Invoices", "sale", "400000", 5),
    ("BILL", "Vendor Bills", "purchase", "600000", 6),
    ("MISC", "Miscellaneous Operations", "general", None, 7),
    ("EXCH", "Exchange Difference", "general", None, 9),
    ("CABA", "Cash Basis Taxes", "general", None, 10),
    ("BNK1", "Bank", "bank", "101401", 10),
    ("CSH1", "Cash", "cash", "101501", 10),
)
FR_JOURNAL_CODES = ("INV", "BILL", "MISC", "BNK1", "CSH1")


def _xmlid(store: Store, module: str, name: str, model: str, res_id: int) -> None:
    store.insert("ir.model.data", {"module": module, "name": name, "model": model, "res_id": res_id, "noupdate": True})


def _partner(store: Store, rec_id: int, name: str, **extra: Any) -> None:
    base = {
        "name": name,
        "type": "contact",
        "is_company": False,
        "company_id": False,
        "active": True,
        "lang": "en_US",
        "customer_rank": 0,
        "supplier_rank": 0,
        "parent_id": False,
    }
    store.insert("res.partner", {**base, **extra}, rec_id)


def _chart(store: Store, company_id: int, country_id: int, codes: tuple[str, ...] | None = None) -> dict[str, int]:
    accounts: dict[str, int] = {}
    for code, name, kind, reconcile in GENERIC_ACCOUNTS:
        if codes is not None and code not in codes:
            continue
        accounts[code] = store.insert(
            "account.account",
            {
                "code": code,
                "name": name,
                "account_type": kind,
                "reconcile": reconcile,
                "deprecated": False,
                "company_ids": [company_id],
                "currency_id": False,
                "tax_ids": [],
            },
        )
    group = store.insert(
        "account.tax.group", {"name": "Tax 15%", "sequence": 1, "company_id": company_id, "country_id": country_id}
    )
    taxes = {}
    for use, account in (("sale", "251000"), ("purchase", "131000")):
        taxes[use] = store.insert(
            "account.tax",
            {
                "name": "15%",
                "amount": 15.0,
                "amount_type": "percent",
                "type_tax_use": use,
                "tax_scope": False,
                "price_include_override": False,
                "company_id": company_id,
                "country_id": country_id,
                "tax_group_id": group,
                "sequence": 1,
                "description": False,
                "invoice_label": False,
                "active": True,
                "__account_id": accounts[account],
            },
        )
    store.update(
        "res.company",
        company_id,
        {
            "__receivable_id": accounts["121000"],
            "__payable_id": accounts["211000"],
            "account_sale_tax_id": taxes["sale"],
            "account_purchase_tax_id": taxes["purchase"],
            "account_journal_suspense_account_id": accounts["101402"],
            # What Community's account.payment.create gives a payment whose method line names
            # no account (_get_outstanding_account): it sits there until a bank line matches it.
            "account_journal_payment_debit_account_id": accounts["101403"],
            "account_journal_payment_credit_account_id": accounts["101404"],
        },
    )
    return accounts


def _journals(store: Store, company_id: int, accounts: dict[str, int], codes: tuple[str, ...] | None = None) -> None:
    for code, name, kind, default, sequence in JOURNALS:
        if codes is not None and code not in codes:
            continue
        store.insert(
            "account.journal",
            {
                "code": code,
                "name": name,
                "type": kind,
                "company_id": company_id,
                "sequence": sequence,
                "default_account_id": accounts[default] if default else False,
                "suspense_account_id": accounts["101402"] if kind in ("bank", "cash") else False,
                "currency_id": False,
                "refund_sequence": kind in ("sale", "purchase"),
                "payment_sequence": kind in ("bank", "cash"),
                "bank_account_id": False,
                "active": True,
            },
        )


def _company(store: Store, rec_id: int, name: str, partner_id: int, currency_id: int, country_id: int) -> None:
    store.insert(
        "res.company",
        {
            "name": name,
            "partner_id": partner_id,
            "currency_id": currency_id,
            "country_id": country_id,
            "account_fiscal_country_id": country_id,
            "parent_id": False,
            "sequence": 10 + rec_id,
            "active": True,
            "chart_template": "generic_coa",
            "fiscalyear_last_day": 31,
            "fiscalyear_last_month": "12",
            "tax_calculation_rounding_method": "round_per_line",
            "fiscalyear_lock_date": False,
            "tax_lock_date": False,
            "sale_lock_date": False,
            "purchase_lock_date": False,
            "hard_lock_date": False,
        },
        rec_id,
    )


def seed(store: Store) -> None:
    for rec_id, code, symbol, position, full_name, active in CURRENCIES:
        store.insert(
            "res.currency",
            {
                "name": code,
                "symbol": symbol,
                "position": position,
                "full_name": full_name,
                "active": active,
                "rounding": 0.01,
                "decimal_places": 2,
                "rate": 1.0,
                "currency_unit_label": False,
            },
            rec_id,
        )
        _xmlid(store, "base", code, "res.currency", rec_id)
    store.insert("res.country", {"name": "United States", "code": "US"}, US)
    store.insert("res.country", {"name": "France", "code": "FR"}, FR)
    _partner(store, 1, "My Company", is_company=True, country_id=US)
    _partner(store, 2, "OdooBot", active=False)
    _partner(store, 3, "Administrator")
    _partner(store, 4, "Public user", active=False)
    _partner(store, 5, "My Company (FR)", is_company=True, country_id=FR)
    _company(store, 1, "My Company", 1, USD, US)
    _company(store, 2, "My Company (FR)", 5, EUR, FR)
    store.insert(
        "res.users",
        {
            "name": "OdooBot",
            "login": "__system__",
            "active": False,
            "partner_id": 2,
            "company_id": 1,
            "company_ids": [1, 2],
        },
        1,
    )
    store.insert(
        "res.users",
        {
            "name": "Administrator",
            "login": "admin",
            "active": True,
            "partner_id": 3,
            "company_id": 1,
            "company_ids": [1, 2],
        },
        2,
    )
    accounts = _chart(store, 1, US)
    _journals(store, 1, accounts)
    fr_codes = (
        "101401",
        "101402",
        "101403",
        "101404",
        "101501",
        "121000",
        "131000",
        "211000",
        "251000",
        "400000",
        "600000",
        "999999",
    )
    fr_accounts = _chart(store, 2, FR, fr_codes)
    _journals(store, 2, fr_accounts, FR_JOURNAL_CODES)
    for name, model, res_id in (
        ("main_company", "res.company", 1),
        ("main_partner", "res.partner", 1),
        ("partner_root", "res.partner", 2),
        ("partner_admin", "res.partner", 3),
        ("user_admin", "res.users", 2),
        ("us", "res.country", US),
        ("fr", "res.country", FR),
    ):
        _xmlid(store, "base", name, model, res_id)
