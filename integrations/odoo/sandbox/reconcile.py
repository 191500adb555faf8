"""Matching receivable/payable items with partial reconciliations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .faults import UserError, missing_error
from .invoice_lines import recompute_amounts
from .money import is_zero, round_amount
from .store import Record

if TYPE_CHECKING:
    from .orm import Env

LINE = "account.move.line"
PARTIAL = "account.partial.reconcile"


def _residual_currency(line: Record, residual: float) -> float:
    balance = float(line.get("balance") or 0.0)
    if not balance:
        return 0.0
    return round_amount(float(line.get("amount_currency") or 0.0) * residual / balance)


def _set_residual(env: Env, line: Record, residual: float) -> None:
    residual = round_amount(residual)
    env.store.update(
        LINE,
        line["id"],
        {
            "amount_residual": residual,
            "amount_residual_currency": _residual_currency(line, residual),
            "reconciled": is_zero(residual),
        },
    )


def reconcile(env: Env, line_ids: list[int]) -> None:
    """Pair open debits with open credits, oldest first, like _reconcile_plan."""
    lines = [line for line in (env.store.get(LINE, i) for i in line_ids) if line]
    debits = sorted((ln for ln in lines if float(ln.get("amount_residual") or 0) > 0), key=_age)
    credits = sorted((ln for ln in lines if float(ln.get("amount_residual") or 0) < 0), key=_age)
    touched: set[int] = set()
    while debits and credits:
        debit, credit = debits[0], credits[0]
        amount = round_amount(min(float(debit["amount_residual"]), -float(credit["amount_residual"])))
        move = env.store.get("account.move", debit["move_id"]) or {}
        env.store.insert(
            PARTIAL,
            {
                "debit_move_id": debit["id"],
                "credit_move_id": credit["id"],
                "amount": amount,
                "debit_amount_currency": _residual_currency(debit, amount),
                "credit_amount_currency": _residual_currency(credit, amount),
                "company_id": move.get("company_id", False),
                "max_date": max(_date(env, debit), _date(env, credit)),
            },
        )
        _set_residual(env, debit, float(debit["amount_residual"]) - amount)
        _set_residual(env, credit, float(credit["amount_residual"]) + amount)
        touched.update({debit["move_id"], credit["move_id"]})
        if is_zero(float(debit["amount_residual"])):
            debits.pop(0)
        if is_zero(float(credit["amount_residual"])):
            credits.pop(0)
    for move_id in touched:
        recompute_amounts(env, move_id)


def remove_partials(env: Env, partial_ids: list[int]) -> None:
    """Undo partial reconciliations and give the amounts back to both items."""
    touched: set[int] = set()
    for partial_id in partial_ids:
        partial = env.store.get(PARTIAL, partial_id)
        if partial is None:
            continue
        amount = float(partial["amount"])
        for key, sign in (("debit_move_id", 1), ("credit_move_id", -1)):
            line = env.store.get(LINE, partial[key])
            if line is not None:
                _set_residual(env, line, float(line["amount_residual"]) + sign * amount)
                touched.add(line["move_id"])
        env.store.delete(PARTIAL, partial_id)
    for move_id in touched:
        if env.store.exists("account.move", move_id):
            recompute_amounts(env, move_id)


def partials_of(env: Env, line_ids: set[int]) -> list[int]:
    found: set[int] = set()
    for line_id in line_ids:
        for side in ("debit_move_id", "credit_move_id"):
            found |= env.store.ids_with(PARTIAL, (side,), (line_id,))
    return sorted(found)


def counterpart_moves(env: Env, line_ids: set[int]) -> set[int]:
    """Moves on the other side of the reconciliations of these items."""
    found: set[int] = set()
    for partial_id in partials_of(env, line_ids):
        partial = env.store.table(PARTIAL)[partial_id]
        for key in ("debit_move_id", "credit_move_id"):
            if partial[key] not in line_ids:
                line = env.store.get(LINE, partial[key])
                if line is not None:
                    found.add(line["move_id"])
    return found


def _age(line: Record) -> tuple[str, int]:
    return (str(line.get("date_maturity") or ""), int(line["id"]))


def _date(env: Env, line: Record) -> str:
    move = env.store.get("account.move", line["move_id"]) or {}
    return str(move.get("date") or "")


def check_reconcilable(env: Env, lines: list[Record]) -> None:
    """AccountMoveLine._check_amls_exigibility_for_reconciliation (Odoo 17/18), in its order.
    Odoo checks neither the partner nor the currency here."""
    if not lines:
        return
    if any(line.get("reconciled") for line in lines):
        raise UserError("You are trying to reconcile some entries that are already reconciled.")
    moves = [env.store.get("account.move", line["move_id"]) or {} for line in lines]
    if any(move.get("state") != "posted" for move in moves):
        raise UserError("You can only reconcile posted entries.")
    accounts = sorted({line.get("account_id") for line in lines}, key=lambda a: int(a or 0))
    if len(accounts) > 1:
        names = ", ".join(env["account.account"].display(a) for a in accounts)
        raise UserError(f"Entries are not from the same account: {names}")
    companies = sorted({move.get("company_id") for move in moves}, key=lambda c: int(c or 0))
    if len(companies) > 1:
        names = ", ".join(env["res.company"].display(c) for c in companies)
        raise UserError(f"Entries don't belong to the same company: {names}")
    account = env.store.get("account.account", accounts[0] or 0) or {}
    if not account.get("reconcile") and account.get("account_type") not in ("asset_cash", "liability_credit_card"):
        raise UserError(
            f"Account {env['account.account'].display(accounts[0])} does not allow reconciliation. "
            "First change the configuration of this account to allow it."
        )


def assign_outstanding(env: Env, move_id: int, line_id: int) -> set[int]:
    """AccountMove.js_assign_outstanding_line: the item given, with this move's open items on
    the same account, reconciled together. An invoice with no open item on that account (paid
    already, or receivable elsewhere) leaves the item as it is, without an error, as Odoo does.
    Returns the moves whose items changed."""
    first = env.store.get(LINE, line_id)
    if first is None:
        raise missing_error(LINE, [line_id], env.uid)
    move = env.store.get("account.move", move_id) or {}
    own = [
        line
        for line in (env.store.get(LINE, i) for i in move.get("line_ids") or [])
        if line and line.get("account_id") == first.get("account_id") and not line.get("reconciled")
    ]
    lines = [first, *(line for line in own if line["id"] != first["id"])]
    check_reconcilable(env, lines)
    before = {line["id"]: line.get("amount_residual") for line in lines}
    reconcile(env, [line["id"] for line in lines])
    after = {line["id"]: (env.store.get(LINE, line["id"]) or {}).get("amount_residual") for line in lines}
    return {line["move_id"] for line in lines if after[line["id"]] != before[line["id"]]}
