"""What the console asks the Odoo connector to post, and what it gets back."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from integrations.canonical import Document
from integrations.odoo.errors import OdooError

XMLID_MODULE = "__finops__"


def xmlid_name_for(source: str, kind: str, external_id: str) -> str:
    # ir.model.data names must be short and dot-free; a digest of the
    # idempotency key is both, and never collides across sources or kinds.
    digest = hashlib.sha256(f"{source}|{kind}|{external_id}".encode()).hexdigest()[:40]
    return f"evt_{digest}"


def marker_for(source: str, external_id: str) -> str:
    """Written on the Odoo record (ref / memo / unique_import_id) to find it again
    when the create committed but its external id was never recorded."""
    return f"{source}/{external_id}"


@dataclass(frozen=True)
class Targets:
    """The source's codes resolved to Odoo ids (by the console's mappings)."""

    company_id: int
    journal_id: int
    currency_id: int
    tax_ids: Mapping[str, int] = field(default_factory=dict)
    account_ids: Mapping[str, int] = field(default_factory=dict)
    invoice_move_id: int | None = None
    # A credit note's: the Odoo move of the invoice or bill it credits, when that posted through us.
    reversed_move_id: int | None = None


@dataclass(frozen=True)
class PostingRequest:
    key: str
    source: str
    kind: str
    external_id: str
    document: Document
    targets: Targets

    @property
    def xmlid_name(self) -> str:
        return xmlid_name_for(self.source, self.kind, self.external_id)

    @property
    def marker(self) -> str:
        return marker_for(self.source, self.external_id)


@dataclass(frozen=True)
class PostingResult:
    key: str
    odoo_model: str = ""
    odoo_id: int | None = None
    odoo_name: str = ""
    # Odoo's state of the record read back: for a payment, in_process (on the outstanding
    # account until a bank line is matched with it) or paid.
    odoo_state: str = ""
    # The accounting date Odoo booked it on (its journal entry's `date`), which a lock date
    # may have moved past the document's own date.
    accounting_date: dt.date | None = None
    already_existed: bool = False
    found_earlier: bool = False
    error: OdooError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
