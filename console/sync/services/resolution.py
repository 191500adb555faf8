"""From a stored event to what the Odoo connector needs: its canonical document
and the source's codes resolved through the mappings in force when it occurred."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings

from console.mappings.models import MappingKind
from console.mappings.selectors import MappingTable
from console.sync.models import EventKind, EventState, SourceSystem, SyncEvent
from integrations.canonical import (
    BankStatementLine,
    Document,
    Invoice,
    JournalEntry,
    PayloadError,
    Payment,
    parse_document,
)
from integrations.odoo.requests import PostingRequest, Targets


@dataclass
class Blocked:
    """The event cannot post until something else happens; not an error to retry."""

    reason_code: str
    message: str
    blocked_on: str


@dataclass
class Invalid:
    reason_code: str
    message: str
    # Technical detail (a traceback) for an internal error; not shown raw.
    detail: str = ""


@dataclass
class Resolved:
    request: PostingRequest
    mapping_versions: list[int] = field(default_factory=list)


def _journal_key(doc: Document) -> str:
    if isinstance(doc, Invoice | JournalEntry):
        return doc.journal_key
    if isinstance(doc, Payment):
        return doc.payment_method
    return doc.bank_account


def _codes(doc: Document) -> tuple[set[str], set[str]]:
    taxes: set[str] = set()
    accounts: set[str] = set()
    if isinstance(doc, Invoice):
        for line in doc.lines:
            if line.tax_code:
                taxes.add(line.tax_code)
            if line.account_code:
                accounts.add(line.account_code)
    elif isinstance(doc, JournalEntry):
        accounts.update(line.account_code for line in doc.lines)
    return taxes, accounts


def mapping_block_key(kind: str, source_value: str, entity_code: str) -> str:
    return f"mapping:{kind}:{entity_code}:{source_value}"


def invoice_block_key(source_id: int, invoice_kind: str, external_id: str) -> str:
    return f"key:{source_id}:{invoice_kind}:{external_id}"


def event_block_key(event_id: int) -> str:
    return f"event:{event_id}"


def event_resolve(event: SyncEvent, table: MappingTable) -> Resolved | Blocked | Invalid:
    try:
        doc = parse_document(event.kind, event.effective_payload)
    except PayloadError as err:
        return Invalid("invalid_payload", str(err))
    entity = event.entity
    if isinstance(doc, JournalEntry | BankStatementLine) and doc.currency != entity.currency:
        return Invalid(
            "foreign_currency_unsupported",
            f"{event.get_kind_display()} in {doc.currency} for entity {entity.code} (currency {entity.currency}): "
            "only the company currency is supported for this kind.",
        )
    used: list[int] = []

    def lookup(kind: str, value: str) -> int | Blocked:
        row = table.resolve(kind=kind, source_value=value, entity_id=entity.pk, at=event.occurred_at)
        if row is None or row.odoo_id is None:
            label = MappingKind(kind).label.split(" → ")[0]
            return Blocked(
                "missing_mapping",
                f"No {kind} mapping for {value!r} in entity {entity.code} at {event.occurred_at:%Y-%m-%d}: "
                f"add a {label.lower()} mapping for {value} in {entity.code}.",
                mapping_block_key(kind, value, entity.code),
            )
        used.append(row.pk)
        return row.odoo_id

    currency_id = lookup(MappingKind.CURRENCY, doc.currency)
    if isinstance(currency_id, Blocked):
        return currency_id
    journal_id = lookup(MappingKind.JOURNAL, _journal_key(doc))
    if isinstance(journal_id, Blocked):
        return journal_id
    taxes, accounts = _codes(doc)
    tax_ids: dict[str, int] = {}
    for code in sorted(taxes):
        found = lookup(MappingKind.TAX, code)
        if isinstance(found, Blocked):
            return found
        tax_ids[code] = found
    account_ids: dict[str, int] = {}
    for code in sorted(accounts):
        found = lookup(MappingKind.ACCOUNT, code)
        if isinstance(found, Blocked):
            return found
        account_ids[code] = found

    if isinstance(doc, Invoice) and event.kind == EventKind.VENDOR_BILL and not event.duplicate_waived:
        suspect = _suspected_duplicate(event, doc)
        if suspect is not None:
            return suspect

    invoice_move_id: int | None = None
    if isinstance(doc, Payment) and doc.invoice_external_id:
        invoice = _paid_invoice(event, doc)
        if isinstance(invoice, Blocked | Invalid):
            return invoice
        invoice_move_id = invoice

    targets = Targets(
        company_id=entity.odoo_company_id,
        journal_id=journal_id,
        currency_id=currency_id,
        tax_ids=tax_ids,
        account_ids=account_ids,
        invoice_move_id=invoice_move_id,
    )
    request = PostingRequest(
        key=str(event.pk),
        source=event.source.code,
        kind=event.kind,
        external_id=event.external_id,
        document=doc,
        targets=targets,
    )
    return Resolved(request=request, mapping_versions=used)


def duplicate_block_key(event_id: int) -> str:
    return f"duplicate:{event_id}"


def _suspected_duplicate(event: SyncEvent, doc: Invoice) -> Blocked | None:
    """The double vendor bill idempotency keys cannot catch: another key, but the same
    vendor, reference and amount, received earlier within the window."""
    window = timedelta(days=settings.DUPLICATE_WINDOW_DAYS)
    earlier = (
        SyncEvent.objects.filter(
            entity_id=event.entity_id,
            amount=event.amount,
            kind=event.kind,
            occurred_at__range=(event.occurred_at - window, event.occurred_at + window),
            pk__lt=event.pk,
        )
        .exclude(state=EventState.DISMISSED)
        .only("pk", "external_id", "payload")
        .order_by("pk")[:100]
    )
    vendor = doc.partner.ref or doc.partner.name
    for other in earlier:
        data = other.payload if isinstance(other.payload, dict) else {}
        partner = data.get("partner") or {}
        if data.get("reference") == doc.reference and vendor in (partner.get("ref"), partner.get("name")):
            return Blocked(
                "suspected_duplicate",
                f"Same vendor, reference {doc.reference!r} and amount {event.amount} {event.currency} as "
                f"{other.external_id} (event {other.pk}): it may be the same bill sent twice.",
                duplicate_block_key(event.pk),
            )
    return None


def _paid_invoice(event: SyncEvent, doc: Payment) -> int | Blocked | Invalid:
    invoice_kind = EventKind.CUSTOMER_INVOICE if doc.direction == "inbound" else EventKind.VENDOR_BILL
    source_id = event.source_id
    if doc.invoice_source and doc.invoice_source != event.source.code:
        source = SourceSystem.objects.filter(code=doc.invoice_source).first()
        if source is None:
            return Invalid(
                "unknown_invoice_source", f"invoice_source {doc.invoice_source!r} is not a known source system."
            )
        source_id = source.pk
    invoice = (
        SyncEvent.objects.filter(source_id=source_id, kind=invoice_kind, external_id=doc.invoice_external_id)
        .only("pk", "state", "odoo_id", "odoo_model")
        .first()
    )
    if invoice is None:
        return Blocked(
            "invoice_not_received",
            f"The {invoice_kind.label.lower()} {doc.invoice_external_id!r} this payment settles has not been received.",
            invoice_block_key(source_id, invoice_kind, doc.invoice_external_id),
        )
    if invoice.state != EventState.POSTED or invoice.odoo_id is None:
        return Blocked(
            "invoice_not_posted",
            f"The {invoice_kind.label.lower()} {doc.invoice_external_id!r} this payment settles is not posted yet.",
            event_block_key(invoice.pk),
        )
    return invoice.odoo_id
