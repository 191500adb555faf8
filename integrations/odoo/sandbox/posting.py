"""AccountMove._post, button_draft and button_cancel (Odoo 18 behaviour).

Posting never fails on a lock date: like Odoo 17/18, an entry dated in a
locked period is moved to the first open date its journal allows
(_get_accounting_date). Lock dates bite when a posted entry is modified,
reset to draft or cancelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .faults import UserError
from .invoice_lines import (
    NOT_ACCOUNTABLE,
    SALE_TYPES,
    commercial_partner,
    is_invoice,
    lines_of,
    recompute_amounts,
    recompute_invoice_lines,
)
from .money import round_amount
from .reconcile import partials_of, reconcile, remove_partials
from .sequence import (
    accounting_date,
    as_date,
    check_fiscal_lock_dates,
    next_name,
    violated_lock_dates,
)
from .store import Record
from .versions import account_out_of_use

if TYPE_CHECKING:
    from .models_move import AccountMove


def _validation_messages(model: AccountMove, moves: list[Record]) -> list[str]:
    env = model.env
    messages: list[str] = []
    for move in moves:
        if not is_invoice(move):
            continue
        if round_amount(float(move.get("amount_total") or 0.0)) < 0:
            messages.append(
                "You cannot validate an invoice with a negative total amount. You should create a credit note "
                "instead. Use the action menu to transform it into a credit note or refund."
            )
        if not move.get("partner_id"):
            if move["move_type"] in SALE_TYPES:
                messages.append(
                    "The field 'Customer' is required, please complete it to validate the Customer Invoice."
                )
            else:
                messages.append("The field 'Vendor' is required, please complete it to validate the Vendor Bill.")
        if not move.get("invoice_date"):
            if move["move_type"] in SALE_TYPES:
                today = env.today().isoformat()
                env.store.update(model._name, move["id"], {"invoice_date": today, "date": today})
                if move["state"] == "draft":
                    recompute_invoice_lines(env, move["id"])
            else:
                messages.append("The Bill/Refund date is required to validate this document.")
    for move in moves:
        if move["state"] in ("posted", "cancel"):
            messages.append(f"The entry {move['name']} (id {move['id']}) must be in draft.")
        lines = lines_of(env, move)
        if not [line for line in lines if line.get("display_type") not in NOT_ACCOUNTABLE]:
            messages.append("You need to add a line before posting.")
        journal = env.store.get("account.journal", move["journal_id"]) or {}
        if not journal.get("active"):
            name = env["account.journal"].display(journal.get("id"))
            messages.append(f"You cannot post an entry in an archived journal ({name})")
        currency = env.store.get("res.currency", move["currency_id"]) or {}
        if not currency.get("active"):
            messages.append(f"You cannot validate a document with an inactive currency: {currency.get('name')}")
        accounts = [env.store.get("account.account", line.get("account_id") or 0) or {} for line in lines]
        messages.extend(account_out_of_use(account) for account in accounts if account_out_of_use(account))
    return list(dict.fromkeys(messages))


def post(model: AccountMove, ids: list[int]) -> None:
    env = model.env
    moves = [model.record(i) for i in ids]
    messages = _validation_messages(model, moves)
    if messages:
        raise UserError("\n".join(messages))
    for move in moves:
        journal = env.store.get("account.journal", move["journal_id"]) or {}
        has_tax = model.has_tax(move)
        locks = violated_lock_dates(
            env, move["company_id"], as_date(move["date"]), str(journal.get("type")), has_tax=has_tax
        )
        if locks:
            start = as_date(move.get("invoice_date") or move["date"])
            day = accounting_date(env, move, start, has_tax=has_tax, locks=locks)
            env.store.update(model._name, move["id"], {"date": day.isoformat()})
    # Read before posting, as Odoo does: a credit note reversing an entry posted already is
    # matched with it once both are in the books.
    reversing = [m for m in moves if _posted(model, m.get("reversed_entry_id"))]
    for move in sorted(moves, key=lambda m: (m["date"], m.get("ref") or "", m["id"])):
        _number_and_post(model, move)
    for move in reversing:
        reconcile_reversed(model, model.record(move["reversed_entry_id"]), model.record(move["id"]))


def _posted(model: AccountMove, move_id: Any) -> bool:
    found = model.env.store.get(model._name, move_id) if move_id else None
    return found is not None and found["state"] == "posted"


def reconcile_reversed(model: AccountMove, move: Record, reverse: Record) -> None:
    """AccountMove._reconcile_reversed_moves: the open items of both moves on the same account
    and currency are matched, on accounts that allow reconciliation and liquidity ones. Odoo
    checks neither the partner nor the move types here: a credit note reversing an invoice of
    another customer would settle it."""
    env = model.env
    groups: dict[tuple[Any, Any], list[int]] = {}
    for line in lines_of(env, move) + lines_of(env, reverse):
        if line.get("reconciled"):
            continue
        account = env.store.get("account.account", line.get("account_id") or 0) or {}
        if account.get("reconcile") or account.get("account_type") in ("asset_cash", "liability_credit_card"):
            groups.setdefault((line["account_id"], line.get("currency_id")), []).append(line["id"])
    for line_ids in groups.values():
        reconcile(env, line_ids)


def _number_and_post(model: AccountMove, move: Record) -> None:
    env = model.env
    journal = env.store.get("account.journal", move["journal_id"]) or {}
    values: Record = {"state": "posted", "posted_before": True}
    if not move.get("name") or move["name"] == "/":
        values["name"], values["sequence_prefix"], values["sequence_number"] = next_name(
            env, move, journal, as_date(move["date"])
        )
    env.store.update(model._name, move["id"], values)
    partner = commercial_partner(env, move)
    if move["move_type"] == "out_invoice" and not move.get("payment_reference"):
        env.store.update(model._name, move["id"], {"payment_reference": move["name"]})
    for line in lines_of(env, move):
        updates: Record = {}
        if is_invoice(move) and line.get("display_type") not in NOT_ACCOUNTABLE:
            updates["partner_id"] = partner
        if line.get("display_type") == "payment_term" and move.get("payment_reference"):
            updates["name"] = move["payment_reference"]
        if updates:
            env.store.update("account.move.line", line["id"], updates)
    _increase_rank(model, move, partner)
    recompute_amounts(env, move["id"])
    check_fiscal_lock_dates(env, move)


def _increase_rank(model: AccountMove, move: Record, partner: Any) -> None:
    if not partner or not is_invoice(move):
        return
    key = "customer_rank" if move["move_type"] in SALE_TYPES else "supplier_rank"
    rec = model.env.store.get("res.partner", partner)
    if rec is not None:
        model.env.store.update("res.partner", rec["id"], {key: int(rec.get(key) or 0) + 1})


def reset_to_draft(model: AccountMove, ids: list[int]) -> None:
    env = model.env
    moves = [model.record(i) for i in ids]
    if any(m["state"] not in ("posted", "cancel") for m in moves):
        raise UserError("Only posted/cancelled journal entries can be reset to draft.")
    for move in moves:
        remove_partials(env, partials_of(env, set(move.get("line_ids") or [])))
        if move["state"] == "posted":
            check_fiscal_lock_dates(env, move)
        env.store.update(model._name, move["id"], {"state": "draft"})
        recompute_amounts(env, move["id"])


def cancel(model: AccountMove, ids: list[int]) -> None:
    posted = [i for i in ids if model.record(i)["state"] == "posted"]
    if posted:
        reset_to_draft(model, posted)
    if any(model.record(i)["state"] != "draft" for i in ids):
        raise UserError("Only draft journal entries can be cancelled.")
    for move_id in ids:
        model.env.store.update(model._name, move_id, {"state": "cancel", "auto_post": "no"})
        recompute_amounts(model.env, move_id)


def change_state(model: AccountMove, move_id: int, state: str) -> None:
    """write({'state': ...}) routed through the matching action."""
    if state == "posted":
        post(model, [move_id])
    elif state == "draft":
        reset_to_draft(model, [move_id])
    elif state == "cancel":
        cancel(model, [move_id])
    else:
        model.convert("state", state)
