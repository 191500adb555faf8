"""Which period a document was booked in: its own date against the accounting date Odoo used.

Odoo 17/18 book a document dated in a locked period on the first open date instead of
refusing it. A later *period* is a later calendar month: Odoo also dates vendor bills
entered late at the end of their own month or on today (_get_accounting_date), which moves
the date but not the period, and is not flagged.
"""

from __future__ import annotations

import datetime as dt

from integrations.canonical import BankStatementLine, Document, Invoice, JournalEntry, Payment


def document_date(doc: Document) -> dt.date:
    """The date the source gave the document: an invoice's invoice date, anything else's date."""
    if isinstance(doc, Invoice):
        return doc.invoice_date
    if isinstance(doc, Payment | BankStatementLine | JournalEntry):
        return doc.date
    raise TypeError(f"no date on {type(doc).__name__}")


def later_period(source: dt.date | None, odoo: dt.date | None) -> bool:
    if source is None or odoo is None:
        return False
    return (odoo.year, odoo.month) > (source.year, source.month)


def later_period_text(source: dt.date, odoo: dt.date) -> str:
    return f"booked in a later period (source {source:%Y-%m-%d}, Odoo {odoo:%Y-%m-%d})"
