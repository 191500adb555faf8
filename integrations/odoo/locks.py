"""A company's lock dates, read from Odoo, and whether one closes a document's date.

Odoo 17/18 do not refuse an invoice or an entry dated in a locked period: _post moves it to
the first open date (AccountMove._get_accounting_date), so it lands in a later period. A
flow that would rather hold such documents for a person asks here first.

Which lock dates apply follows res.company._get_violated_lock_dates in 18.0: the global
(fiscalyear) and hard lock dates always, the sales lock date on sale journals, the
purchase lock date on purchase journals, the tax return lock date when the document
carries taxes. Odoo 17 has no sale, purchase or hard lock date but a lock date for
non-advisers (period_lock_date), which then applies to everything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from integrations.odoo.client import OdooClient

LABELS = {
    "fiscalyear_lock_date": "Global Lock Date",
    "hard_lock_date": "Hard Lock Date",
    "period_lock_date": "Lock Date for Non-Advisers",
    "sale_lock_date": "Sales Lock Date",
    "purchase_lock_date": "Purchase Lock Date",
    "tax_lock_date": "Tax Return Lock Date",
}
ALWAYS = ("fiscalyear_lock_date", "hard_lock_date", "period_lock_date")


@dataclass(frozen=True)
class Lock:
    field: str
    day: dt.date

    @property
    def label(self) -> str:
        return LABELS[self.field]


@dataclass(frozen=True)
class LockDates:
    company_id: int
    dates: dict[str, dt.date]

    def closing(self, day: dt.date, *, journal_type: str, has_tax: bool) -> Lock | None:
        """The latest lock date that covers `day` (lock dates include their own day), if any."""
        applies = set(ALWAYS)
        if journal_type == "sale":
            applies.add("sale_lock_date")
        if journal_type == "purchase":
            applies.add("purchase_lock_date")
        if has_tax:
            applies.add("tax_lock_date")
        found = [Lock(field, locked) for field, locked in self.dates.items() if field in applies and day <= locked]
        return max(found, key=lambda lock: (lock.day, lock.field)) if found else None

    @property
    def any_journal_specific(self) -> bool:
        return bool({"sale_lock_date", "purchase_lock_date"} & set(self.dates))


def lock_dates_read(client: OdooClient, company_id: int) -> LockDates:
    """One read of the company (and one fields_get per client, to know the version's fields)."""
    fields = [name for name in LABELS if client.has_field("res.company", name)]
    rows = client.read("res.company", [company_id], fields)
    row = rows[0] if rows else {}
    dates = {name: dt.date.fromisoformat(str(row[name])) for name in fields if row.get(name)}
    return LockDates(company_id=company_id, dates=dates)


def journal_types(client: OdooClient, journal_ids: list[int]) -> dict[int, str]:
    if not journal_ids:
        return {}
    return {int(row["id"]): str(row["type"]) for row in client.read("account.journal", journal_ids, ["type"])}
