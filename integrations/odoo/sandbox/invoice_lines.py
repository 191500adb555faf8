"""Dynamic lines and totals of account.move, as Odoo 18 computes them.

An invoice holds product lines; Odoo adds one tax line per (tax, account)
and one payment-term line on the receivable/payable account, then derives
amount_untaxed / amount_tax / amount_total / amount_residual from the lines.
Taxes are rounded per line (the default 'round_per_line').
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from .faults import UserError
from .money import format_amount, is_zero, round_amount
from .store import Record

if TYPE_CHECKING:
    from .orm import Env

INVOICE_TYPES = ("out_invoice", "out_refund", "in_invoice", "in_refund", "out_receipt", "in_receipt")
SALE_TYPES = ("out_invoice", "out_refund", "out_receipt")
OUTBOUND_TYPES = ("in_invoice", "out_refund", "in_receipt")
DRAFT_LABELS = {
    "out_invoice": "Draft Invoice",
    "out_refund": "Draft Credit Note",
    "in_invoice": "Draft Bill",
    "in_refund": "Draft Vendor Credit Note",
    "out_receipt": "Draft Sales Receipt",
    "in_receipt": "Draft Purchase Receipt",
    "entry": "Draft Entry",
}
NOT_ACCOUNTABLE = ("line_section", "line_note")


def is_invoice(move: Record) -> bool:
    return move.get("move_type") in INVOICE_TYPES


def direction_sign(move: Record) -> int:
    """+1 for entries and outbound documents, -1 for inbound ones."""
    kind = move.get("move_type")
    return 1 if kind == "entry" or kind in OUTBOUND_TYPES else -1


def move_display_name(move: Record) -> str:
    """AccountMove._get_move_display_name(show_ref=True)."""
    name = ""
    if move.get("state") == "draft":
        name += DRAFT_LABELS[str(move.get("move_type") or "entry")] + " "
    if move.get("name") and move.get("name") != "/":
        name += str(move["name"])
    ref = move.get("ref")
    return name + (f" ({textwrap.shorten(str(ref), width=50)})" if ref else "")


def currency(env: Env, currency_id: Any) -> Record:
    return env.store.get("res.currency", currency_id or 0) or {"decimal_places": 2, "rate": 1.0, "symbol": ""}


def company_currency(env: Env, move: Record) -> Record:
    company = env.store.get("res.company", move["company_id"]) or {}
    return currency(env, company.get("currency_id"))


def to_balance(env: Env, move: Record, amount_currency: float) -> float:
    """Convert with the currencies' current rates (a fresh database has none: 1.0)."""
    source, target = currency(env, move["currency_id"]), company_currency(env, move)
    if source.get("id") == target.get("id"):
        return round_amount(amount_currency)
    rate = float(source.get("rate") or 1.0) / float(target.get("rate") or 1.0)
    return round_amount(amount_currency / rate)


RECONCILABLE_TYPES = ("asset_receivable", "liability_payable", "asset_cash", "liability_credit_card")


def reconcilable(env: Env, account_id: Any) -> bool:
    """Items on these accounts carry a residual amount (amount_residual)."""
    account = env.store.get("account.account", account_id or 0) or {}
    return bool(account.get("reconcile")) or account.get("account_type") in RECONCILABLE_TYPES


def line_amounts(balance: float, amount_currency: float, *, open_item: bool) -> dict[str, Any]:
    return {
        "balance": balance,
        "debit": balance if balance > 0 else 0.0,
        "credit": -balance if balance < 0 else 0.0,
        "amount_currency": amount_currency,
        "amount_residual": balance if open_item else 0.0,
        "amount_residual_currency": amount_currency if open_item else 0.0,
        "reconciled": False,
    }


def _tax_details(env: Env, line: Record, digits: int) -> tuple[float, list[tuple[Record, float, float]]]:
    """compute_all() for the supported tax kinds: (untaxed, [(tax, base, amount)])."""
    taxes = [t for t in (env.store.get("account.tax", i) for i in line.get("tax_ids") or []) if t]
    gross = float(line.get("quantity") or 0.0) * float(line.get("price_unit") or 0.0)
    gross *= 1 - float(line.get("discount") or 0.0) / 100
    included = [t for t in taxes if t.get("price_include_override") == "tax_included" and t["amount_type"] == "percent"]
    included_rate = sum(float(t["amount"]) for t in included)
    untaxed = round_amount(gross / (1 + included_rate / 100) if included else gross, digits)
    details = []
    for tax in taxes:
        amount = float(tax["amount"])
        if tax in included:
            share = amount / included_rate if included_rate else 0.0
            value = (round_amount(gross, digits) - untaxed) * share
        elif tax["amount_type"] == "fixed":
            value = amount * float(line.get("quantity") or 0.0)
        elif tax["amount_type"] == "division":
            value = untaxed / (1 - amount / 100) - untaxed if amount != 100 else 0.0
        else:
            value = untaxed * amount / 100
        details.append((tax, untaxed, round_amount(value, digits)))
    return untaxed, details


def commercial_partner(env: Env, move: Record) -> Any:
    partner = env.store.get("res.partner", move.get("partner_id") or 0)
    return env["res.partner"].value(partner, "commercial_partner_id") if partner else False


def _company_account(env: Env, move: Record, key: str) -> Any:
    company = env.store.get("res.company", move["company_id"]) or {}
    return company.get(key, False)


def recompute_invoice_lines(env: Env, move_id: int) -> None:
    """Rebuild the tax and payment-term lines of a draft invoice from its product lines."""
    store = env.store
    move = store.get("account.move", move_id)
    assert move is not None
    sign = direction_sign(move)
    digits = int(currency(env, move["currency_id"]).get("decimal_places", 2))
    partner = commercial_partner(env, move)
    kept: list[int] = []
    taxes: dict[tuple[int, Any], dict[str, float]] = {}
    total_currency = 0.0
    for line_id in move.get("line_ids") or []:
        line = store.get("account.move.line", line_id)
        if line is None:
            continue
        if line.get("display_type") in ("tax", "payment_term"):
            store.delete("account.move.line", line_id)
            continue
        kept.append(line_id)
        if line.get("display_type") in NOT_ACCOUNTABLE:
            continue
        untaxed, details = _tax_details(env, line, digits)
        amount_currency = sign * untaxed
        store.update(
            "account.move.line",
            line_id,
            {
                **line_amounts(
                    to_balance(env, move, amount_currency),
                    amount_currency,
                    open_item=reconcilable(env, line.get("account_id")),
                ),
                "price_subtotal": untaxed,
                "price_total": round_amount(untaxed + sum(d[2] for d in details), digits),
                "partner_id": partner,
                "currency_id": move["currency_id"],
            },
        )
        total_currency += amount_currency
        for tax, base, amount in details:
            bucket = taxes.setdefault((tax["id"], tax.get("__account_id")), {"base": 0.0, "amount": 0.0})
            bucket["base"] += base
            bucket["amount"] += amount
    new_ids = list(kept)
    for (tax_id, account_id), bucket in taxes.items():
        tax = store.get("account.tax", tax_id) or {}
        amount_currency = sign * round_amount(bucket["amount"], digits)
        total_currency += amount_currency
        new_ids.append(
            _insert_line(
                env,
                move,
                {
                    "name": tax.get("invoice_label") or tax.get("name"),
                    "display_type": "tax",
                    "account_id": account_id,
                    "partner_id": partner,
                    "tax_line_id": tax_id,
                    "tax_base_amount": round_amount(bucket["base"], digits),
                    **line_amounts(
                        to_balance(env, move, amount_currency),
                        amount_currency,
                        open_item=reconcilable(env, account_id),
                    ),
                },
            )
        )
    if any((store.get("account.move.line", i) or {}).get("display_type") not in NOT_ACCOUNTABLE for i in kept):
        key = "__receivable_id" if move["move_type"] in SALE_TYPES else "__payable_id"
        due = move.get("invoice_date_due") or move.get("invoice_date") or env.today().isoformat()
        term_currency = round_amount(-total_currency, digits)
        balance = -sum((store.get("account.move.line", i) or {}).get("balance", 0.0) for i in new_ids)
        account_id = _company_account(env, move, key)
        new_ids.append(
            _insert_line(
                env,
                move,
                {
                    "name": move.get("payment_reference") or "",
                    "display_type": "payment_term",
                    "account_id": account_id,
                    "partner_id": partner,
                    "date_maturity": due,
                    **line_amounts(round_amount(balance), term_currency, open_item=reconcilable(env, account_id)),
                },
            )
        )
        store.update("account.move", move_id, {"invoice_date_due": due})
    store.update("account.move", move_id, {"line_ids": new_ids})


def _insert_line(env: Env, move: Record, values: Record) -> int:
    base = env["account.move.line"].defaults()
    base.update({"move_id": move["id"], "currency_id": move["currency_id"], "tax_ids": []})
    base.update(values)
    return env.store.insert("account.move.line", base)


def lines_of(env: Env, move: Record) -> list[Record]:
    return [line for line in (env.store.get("account.move.line", i) for i in move.get("line_ids") or []) if line]


def check_balanced(env: Env, move_id: int) -> None:
    """AccountMove._check_balanced, run at the end of every create/write."""
    move = env.store.get("account.move", move_id)
    assert move is not None
    lines = lines_of(env, move)
    if not lines:
        return
    if is_zero(sum(float(line.get("balance") or 0.0) for line in lines)):
        return
    company_cur = company_currency(env, move)
    debit = format_amount(sum(float(line.get("debit") or 0.0) for line in lines), company_cur)
    credit = format_amount(sum(float(line.get("credit") or 0.0) for line in lines), company_cur)
    journal = env.store.get("account.journal", move["journal_id"]) or {}
    raise UserError(
        "An error has occurred.\n\n"
        f"The move ({move_display_name(move)}) is not balanced.\n"
        f"The total of debits equals {debit} and the total of credits equals {credit}.\n"
        f'You might want to specify a default account on journal "{journal.get("name")}" '
        "to automatically balance each move."
    )


def recompute_amounts(env: Env, move_id: int) -> None:
    """AccountMove._compute_amount and _compute_payment_state."""
    store = env.store
    move = store.get("account.move", move_id)
    assert move is not None
    lines = lines_of(env, move)
    invoice = is_invoice(move)

    def total(kinds: tuple[str, ...], key: str) -> float:
        return sum(float(line.get(key) or 0.0) for line in lines if line.get("display_type") in kinds)

    untaxed_cur = tax_cur = untaxed_bal = residual_cur = residual_bal = 0.0
    if invoice:
        untaxed_cur, tax_cur = total(("product",), "amount_currency"), total(("tax",), "amount_currency")
        untaxed_bal, total_bal = total(("product",), "balance"), total(("product", "tax"), "balance")
        residual_cur = total(("payment_term",), "amount_residual_currency")
        residual_bal = total(("payment_term",), "amount_residual")
        total_cur = untaxed_cur + tax_cur
    else:
        # Miscellaneous entries: the total is what the debit side moves.
        debit_lines = [line for line in lines if float(line.get("debit") or 0.0) > 0]
        total_bal = sum(float(line["balance"]) for line in debit_lines)
        total_cur = sum(float(line.get("amount_currency") or 0.0) for line in debit_lines)
    sign = direction_sign(move)
    residual = round_amount(-sign * residual_cur)
    values: Record = {
        "amount_untaxed": round_amount(sign * untaxed_cur) if invoice else 0.0,
        "amount_tax": round_amount(sign * tax_cur) if invoice else 0.0,
        "amount_total": round_amount(sign * total_cur),
        "amount_residual": residual,
        "amount_untaxed_signed": round_amount(-untaxed_bal),
        "amount_total_signed": round_amount(abs(total_bal) if not invoice else -total_bal),
        "amount_residual_signed": round_amount(residual_bal),
    }
    state = "not_paid"
    if invoice and move.get("state") == "posted":
        terms = [line["id"] for line in lines if line.get("display_type") == "payment_term"]
        touched = any(
            store.count_with("account.partial.reconcile", (side,), (term,))
            for term in terms
            for side in ("debit_move_id", "credit_move_id")
        )
        if is_zero(residual):
            state = "reversed" if _reversed(env, move, terms) else "paid"
        elif touched:
            state = "partial"
    values["payment_state"] = state
    store.update("account.move", move_id, values)


# _compute_payment_state: an invoice settled by its credit notes alone (and journal entries) is
# "reversed", not "paid"; a credit note settled so stays "paid".
REVERSED_BY = {
    "out_invoice": "out_refund",
    "out_receipt": "out_refund",
    "in_invoice": "in_refund",
    "in_receipt": "in_refund",
}


def _reversed(env: Env, move: Record, terms: list[int]) -> bool:
    refund = REVERSED_BY.get(str(move.get("move_type")))
    if refund is None:
        return False
    kinds: set[str] = set()
    for term in terms:
        for side, other in (("debit_move_id", "credit_move_id"), ("credit_move_id", "debit_move_id")):
            for partial_id in env.store.ids_with("account.partial.reconcile", (side,), (term,)):
                partial = env.store.get("account.partial.reconcile", partial_id) or {}
                line = env.store.get("account.move.line", partial.get(other) or 0) or {}
                counterpart = env.store.get("account.move", line.get("move_id") or 0) or {}
                if not counterpart or counterpart["id"] == move["id"]:
                    continue
                if counterpart.get("origin_payment_id") or counterpart.get("statement_line_id"):
                    return False  # paid (or in payment) whatever else settled it
                kinds.add(str(counterpart.get("move_type")))
    return kinds in ({refund}, {refund, "entry"})
