"""Matching receivable/payable items with partial reconciliations."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
