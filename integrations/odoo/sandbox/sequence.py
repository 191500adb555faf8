"""Entry numbering, lock dates and the accounting date of account.move (Odoo 18).

Numbering follows AccountMove._get_starting_sequence: sale, bank, cash and
credit journals number yearly (INV/2026/00001), every other journal monthly
(BILL/2026/01/0001, MISC/2026/01/0001); dedicated credit-note and payment
sequences add an "R" or "P" prefix.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from .faults import UserError
from .models_base import LOCK_DATE_LABELS
from .store import Record

if TYPE_CHECKING:
    from .orm import Env

YEARLY_JOURNALS = ("sale", "bank", "cash", "credit")
REFUNDS = ("out_refund", "in_refund")
SALE_DOCUMENTS = ("out_invoice", "out_refund", "out_receipt")


def as_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def format_date(day: dt.date) -> str:
    """tools.format_date in en_US."""
    return day.strftime("%m/%d/%Y")


def format_list(items: list[str]) -> str:
    """tools.format_list in en_US (babel 'standard' style)."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} and {items[1]}"
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def _variant(move: Record, journal: Record) -> str:
    prefix = ""
    if journal.get("refund_sequence") and move.get("move_type") in REFUNDS:
        prefix = "R"
    if journal.get("payment_sequence") and move.get("origin_payment_id"):
        prefix = "P" + prefix
    return prefix


# Per journal and prefix: the last number given and how many moves got one. Odoo
# finds these with an indexed ORDER BY sequence_number DESC LIMIT 1; a scan of
# every move here would make numbering quadratic. Rows roll back with the call.
SEQUENCES = "__sequence__"


def next_name(env: Env, move: Record, journal: Record, day: dt.date) -> tuple[str, str, int]:
    """Number a move, recording the number in the journal's counter for its prefix."""
    if journal["type"] in YEARLY_JOURNALS:
        prefix, width = f"{journal['code']}/{day.year}/", 5
    else:
        prefix, width = f"{journal['code']}/{day.year}/{day.month:02d}/", 4
    variant = _variant(move, journal)
    prefix = variant + prefix
    store = env.store
    found = store.ids_with(SEQUENCES, ("journal_id", "prefix"), (journal["id"], prefix))
    if found:
        row_id = min(found)
        row = store.get(SEQUENCES, row_id) or {}
        number = int(row.get("last") or 0) + 1
        store.update(SEQUENCES, row_id, {"last": number, "count": int(row.get("count") or 0) + 1})
    else:
        number = 1
        store.insert(
            SEQUENCES, {"journal_id": journal["id"], "variant": variant, "prefix": prefix, "last": 1, "count": 1}
        )
    return f"{prefix}{number:0{width}d}", prefix, number


def _has_numbered_sibling(env: Env, move: Record, journal: Record) -> bool:
    """Stands in for highest_name: has this journal (and variant) numbered another move yet?"""
    variant = _variant(move, journal)
    rows = [
        env.store.get(SEQUENCES, i) or {}
        for i in env.store.ids_with(SEQUENCES, ("journal_id", "variant"), (journal["id"], variant))
    ]
    numbered = sum(int(row.get("count") or 0) for row in rows)
    own = move.get("name") not in (False, None, "/") and bool(move.get("sequence_prefix"))
    return numbered - (1 if own else 0) > 0


def violated_lock_dates(
    env: Env, company_id: int, day: dt.date, journal_type: str, *, has_tax: bool
) -> list[tuple[dt.date, str]]:
    """res.company._get_violated_lock_dates (hard lock included), sorted."""
    company = env.store.get("res.company", company_id) or {}
    checks = {
        "fiscalyear_lock_date": True,
        "sale_lock_date": journal_type == "sale",
        "purchase_lock_date": journal_type == "purchase",
        "tax_lock_date": has_tax,
        "hard_lock_date": True,
    }
    locks = []
    for field, wanted in checks.items():
        value = company.get(field)
        if wanted and value and day <= as_date(value):
            locks.append((as_date(value), field))
    return sorted(locks)


def lock_error(locks: list[tuple[dt.date, str]]) -> UserError:
    info = format_list([f"{LOCK_DATE_LABELS[field]} ({format_date(day)})" for day, field in sorted(locks)])
    return UserError(f"You cannot add/modify entries prior to and inclusive of: {info}.")


def check_fiscal_lock_dates(env: Env, move: Record) -> None:
    """AccountMove._check_fiscal_lock_dates: taxes are not considered here."""
    journal = env.store.get("account.journal", move["journal_id"]) or {}
    locks = violated_lock_dates(env, move["company_id"], as_date(move["date"]), str(journal.get("type")), has_tax=False)
    if locks:
        raise lock_error(locks)


def accounting_date(
    env: Env,
    move: Record,
    invoice_date: dt.date,
    *,
    has_tax: bool,
    locks: list[tuple[dt.date, str]] | None = None,
) -> dt.date:
    """AccountMove._get_accounting_date: where an entry lands given lock dates and numbering."""
    journal = env.store.get("account.journal", move["journal_id"]) or {}
    if locks is None:
        locks = violated_lock_dates(env, move["company_id"], invoice_date, str(journal.get("type")), has_tax=has_tax)
    today = env.today()
    numbered = _has_numbered_sibling(env, move, journal)
    reset = "year" if journal.get("type") in YEARLY_JOURNALS else "month"
    if locks:
        invoice_date = locks[-1][0] + dt.timedelta(days=1)
    if move.get("move_type") in SALE_DOCUMENTS:
        if locks:
            if not numbered or reset == "month":
                return min(today, end_of_month(invoice_date))
            return min(today, dt.date(invoice_date.year, 12, 31))
        return invoice_date
    if not numbered or reset == "month":
        if (today.year, today.month) > (invoice_date.year, invoice_date.month):
            return end_of_month(invoice_date)
        return max(invoice_date, today)
    if today.year > invoice_date.year:
        return dt.date(invoice_date.year, 12, 31)
    return max(invoice_date, today)
