"""From a stored event to what the Odoo connector needs: its canonical document
and the source's codes resolved through the mappings in force when it occurred."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from django.conf import settings

from console.mappings.models import MappingKind
from console.mappings.selectors import MappingTable
from console.sync.models import EventKind, EventState, SourceSystem, SyncEvent
from console.sync.models.events import UNPOSTED_STATES, settled_document
from integrations.canonical import (
    BankStatementLine,
    Counterparty,
    Document,
    Invoice,
    InvoiceLine,
    JournalEntry,
    JournalLine,
    Partner,
    PayloadError,
    Payment,
    parse_document,
    printable_name,
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


# The lines a message names by number and description; more are counted.
LINES_NAMED = 5
# Payments of one invoice a credit note looks through for one not posted yet (an invoice is
# paid in a few; the rest would be other sources' documents of the same id).
PAYMENTS_LOOKED_AT = 200


def lines_using(doc: Document, kind: str, value: str) -> list[str]:
    """The lines (1-based, with their description) whose tax or account code is `value`."""
    if kind not in (MappingKind.TAX, MappingKind.ACCOUNT) or not isinstance(doc, Invoice | JournalEntry):
        return []
    lines: tuple[InvoiceLine | JournalLine, ...] = doc.lines
    named = []
    for number, line in enumerate(lines, start=1):
        code = line.account_code if kind == MappingKind.ACCOUNT else getattr(line, "tax_code", "")
        if code == value:
            named.append(f"{number} ({printable_name(line.description)})" if line.description else str(number))
    return named


def _received_codes(payload: Any, kind: str) -> set[Any]:
    """The codes of this kind the lines as received carry (read loosely: the payload may not read)."""
    field = {MappingKind.TAX.value: "tax_code", MappingKind.ACCOUNT.value: "account_code"}.get(kind)
    lines = payload.get("lines") if isinstance(payload, dict) else None
    if field is None or not isinstance(lines, list):
        return set()
    return {line.get(field) for line in lines if isinstance(line, dict)}


def missing_mapping_message(event: SyncEvent, doc: Document, kind: str, value: str) -> str:
    """Why the event waits for a mapping, naming the lines that carry the code: after an
    override, the line it left with the same problem ("line 3 (Widget B) still has ...")."""
    entity = event.entity
    label = MappingKind(kind).label.split(" → ")[0]
    fix = f"add a {label.lower()} mapping for {value} in {entity.code}."
    where = f"in entity {entity.code} at {event.occurred_at:%Y-%m-%d}"
    lines = lines_using(doc, kind, value)
    if not lines:
        return f"No {kind} mapping for {value!r} {where}: {fix}"
    still = "still " if event.override and value in _received_codes(event.payload, kind) else ""
    shown = lines[:LINES_NAMED]
    if len(lines) > LINES_NAMED:
        shown.append(f"{len(lines) - LINES_NAMED} more")
    who = f"Line {shown[0]}" if len(shown) == 1 else f"Lines {', '.join(shown[:-1])} and {shown[-1]}"
    has = "has" if len(lines) == 1 else "have"
    return f"{who} {still}{has} {kind} code {value} without a mapping {where}: {fix}"


def _mapped(doc: Document) -> list[tuple[str, str]]:
    """(mapping kind, source code) of every code the document posts through, in the order they are resolved."""
    taxes, accounts = _codes(doc)
    return [
        (MappingKind.CURRENCY, doc.currency),
        (MappingKind.JOURNAL, _journal_key(doc)),
        *((MappingKind.TAX, code) for code in sorted(taxes)),
        *((MappingKind.ACCOUNT, code) for code in sorted(accounts)),
    ]


def mapping_gaps(event: SyncEvent, table: MappingTable) -> list[str]:
    """Every mapping the event would still wait for as it stands (posting stops at the first),
    each said as posting says it: what a person who just overrode it needs to know."""
    try:
        doc = parse_document(event.kind, event.effective_payload)
    except PayloadError:
        return []
    return [
        missing_mapping_message(event, doc, kind, value)
        for kind, value in _mapped(doc)
        if table.resolve(kind=kind, source_value=value, entity_id=event.entity_id, at=event.occurred_at) is None
    ]


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
            return Blocked(
                "missing_mapping",
                missing_mapping_message(event, doc, kind, value),
                mapping_block_key(kind, value, entity.code),
            )
        used.append(row.pk)
        return row.odoo_id

    ids: dict[tuple[str, str], int] = {}
    for kind, value in _mapped(doc):
        found = lookup(kind, value)
        if isinstance(found, Blocked):
            return found
        ids[(kind, value)] = found
    currency_id = ids[(MappingKind.CURRENCY, doc.currency)]
    journal_id = ids[(MappingKind.JOURNAL, _journal_key(doc))]
    tax_ids = {value: found for (kind, value), found in ids.items() if kind == MappingKind.TAX}
    account_ids = {value: found for (kind, value), found in ids.items() if kind == MappingKind.ACCOUNT}

    if isinstance(doc, Invoice) and event.kind == EventKind.VENDOR_BILL and not event.duplicate_waived:
        suspect = _suspected_duplicate(event, doc)
        if suspect is not None:
            return suspect

    # A document linked to another posts with that document's partner when it names none
    # (README "Ingestion API"), and a payment with its side of the ledger.
    invoice_move_id: int | None = None
    if isinstance(doc, Payment) and doc.invoice_external_id:
        settled = _settled_document(event, doc)
        if isinstance(settled, Blocked | Invalid):
            return settled
        invoice_move_id = settled.odoo_id
        doc = replace(doc, partner=doc.partner or settled.partner, counterparty=settled.counterparty)

    reversed_move_id: int | None = None
    if isinstance(doc, Invoice) and doc.reversed_external_id:
        credited = _credited_invoice(event, doc)
        if isinstance(credited, Blocked | Invalid):
            return credited
        reversed_move_id = credited.odoo_id
        doc = replace(doc, partner=doc.partner or credited.partner)

    targets = Targets(
        company_id=entity.odoo_company_id,
        journal_id=journal_id,
        currency_id=currency_id,
        tax_ids=tax_ids,
        account_ids=account_ids,
        invoice_move_id=invoice_move_id,
        reversed_move_id=reversed_move_id,
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


def suspected_original(event: SyncEvent, doc: Invoice) -> SyncEvent | None:
    """The earlier event a bill may repeat: another key, but the same vendor, reference and
    amount, received earlier within the window (what idempotency keys cannot catch)."""
    if doc.partner is None:  # only a credit note may leave its partner out, and this is a bill
        return None
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
            return other
    return None


def _suspected_duplicate(event: SyncEvent, doc: Invoice) -> Blocked | None:
    other = suspected_original(event, doc)
    if other is None:
        return None
    return Blocked(
        "suspected_duplicate",
        f"Same vendor, reference {doc.reference!r} and amount {event.amount} {event.currency} as "
        f"{other.external_id} (event {other.pk}): it may be the same bill sent twice.",
        duplicate_block_key(event.pk),
    )


# What a payment may settle, by its direction: money in settles a customer invoice or a vendor's
# credit note (the vendor refunds us), money out a vendor bill or a customer's credit note.
SETTLED_KINDS: dict[str, tuple[EventKind, ...]] = {
    "inbound": (EventKind.CUSTOMER_INVOICE, EventKind.VENDOR_CREDIT_NOTE),
    "outbound": (EventKind.VENDOR_BILL, EventKind.CUSTOMER_CREDIT_NOTE),
}
# The side of the ledger of each kind a payment may settle: a customer's receivable, a vendor's payable.
SIDE_OF_KIND: dict[str, Counterparty] = {
    EventKind.CUSTOMER_INVOICE: "customer",
    EventKind.CUSTOMER_CREDIT_NOTE: "customer",
    EventKind.VENDOR_BILL: "vendor",
    EventKind.VENDOR_CREDIT_NOTE: "vendor",
}
# What a credit note credits.
CREDITED_KIND: dict[str, EventKind] = {
    EventKind.CUSTOMER_CREDIT_NOTE: EventKind.CUSTOMER_INVOICE,
    EventKind.VENDOR_CREDIT_NOTE: EventKind.VENDOR_BILL,
}


@dataclass(frozen=True)
class Linked:
    """The posted document a payment settles or a credit note credits: its Odoo move, the
    partner it posted with and its side of the ledger."""

    odoo_id: int
    partner: Partner
    counterparty: Counterparty


def settled_block_key(source_id: int, direction: str, external_id: str) -> str:
    """A payment waiting for a document it settles that has not been received: any kind its
    direction may settle, posted under that external id, queues it again."""
    return f"settles:{source_id}:{direction}:{external_id}"


def settling_direction(kind: str) -> str:
    """The direction of the payments that settle a document of this kind."""
    return next(direction for direction, kinds in SETTLED_KINDS.items() if kind in kinds)


def _label(event: SyncEvent) -> str:
    return f"{EventKind(event.kind).label.lower()} {event.external_id!r}"


def _posting_partner(linked: SyncEvent, who: str) -> Partner | Invalid:
    """The partner an invoice, bill or credit note event posts with: its payload as it will
    post (with an approved override); a credit note that names none, its invoice's. `who`
    is the document taking it, for the message."""
    what = f"The {_label(linked)} {who} takes its partner from"
    try:
        document = parse_document(linked.kind, linked.effective_payload)
    except PayloadError as err:
        return Invalid(
            "linked_partner_unknown",
            f"{what} no longer reads ({err}): give {who} its own partner and resubmit.",
        )
    assert isinstance(document, Invoice)
    if document.partner is not None:
        return document.partner
    credited = (
        SyncEvent.objects.filter(
            source_id=linked.source_id, kind=CREDITED_KIND[linked.kind], external_id=document.reversed_external_id
        )
        .only("pk", "kind", "external_id", "source_id", "payload", "override")
        .first()
    )
    if credited is None:
        return Invalid(
            "linked_partner_unknown",
            f"{what} names no partner, and the invoice it credits, {document.reversed_external_id!r}, has not been "
            f"received: give {who} its own partner and resubmit.",
        )
    return _posting_partner(credited, who)


def _settled_document(event: SyncEvent, doc: Payment) -> Linked | Blocked | Invalid:
    """The posted document a payment names in invoice_external_id. A payment saying its
    counterparty settles only a document of that side."""
    kinds = SETTLED_KINDS[doc.direction]
    source_id = event.source_id
    if doc.invoice_source and doc.invoice_source != event.source.code:
        source = SourceSystem.objects.filter(code=doc.invoice_source).first()
        if source is None:
            return Invalid(
                "unknown_invoice_source", f"invoice_source {doc.invoice_source!r} is not a known source system."
            )
        source_id = source.pk
    found = list(
        SyncEvent.objects.filter(source_id=source_id, kind__in=kinds, external_id=doc.invoice_external_id)
        .only("pk", "kind", "external_id", "state", "odoo_id", "odoo_model", "source_id", "payload", "override")
        .order_by("pk")[:2]
    )
    if doc.counterparty is not None:
        kinds = tuple(kind for kind in kinds if SIDE_OF_KIND[kind] == doc.counterparty)
        other = [e for e in found if SIDE_OF_KIND[e.kind] != doc.counterparty]
        found = [e for e in found if SIDE_OF_KIND[e.kind] == doc.counterparty]
        if other and not found:
            return Invalid(
                "settles_other_side",
                f"{doc.invoice_external_id!r} names a {EventKind(other[0].kind).label.lower()} (event "
                f"{other[0].pk}), but this payment's counterparty is a {doc.counterparty}: correct counterparty "
                "or invoice_external_id and resubmit.",
            )
    if not found:
        what = " or ".join(kind.label.lower() for kind in kinds)
        return Blocked(
            "invoice_not_received",
            f"The {what} {doc.invoice_external_id!r} this payment settles has not been received.",
            settled_block_key(source_id, doc.direction, doc.invoice_external_id),
        )
    if len(found) > 1:
        both = " and ".join(f"a {EventKind(e.kind).label.lower()} (event {e.pk})" for e in found)
        return Invalid(
            "ambiguous_invoice",
            f"{doc.invoice_external_id!r} names {both}: the console cannot tell which this payment settles "
            "(its counterparty, customer or vendor, would say).",
        )
    invoice = found[0]
    if invoice.state != EventState.POSTED or invoice.odoo_id is None:
        return Blocked(
            "invoice_not_posted",
            f"The {_label(invoice)} this payment settles is not posted yet.",
            event_block_key(invoice.pk),
        )
    partner = doc.partner or _posting_partner(invoice, "this payment")
    if isinstance(partner, Invalid):
        return partner
    return Linked(invoice.odoo_id, partner, SIDE_OF_KIND[invoice.kind])


def _unposted_payment_of(invoice: SyncEvent) -> SyncEvent | None:
    """The first payment received for this invoice and not posted yet. Odoo matches a credit note
    with the invoice it reverses as the credit note posts (AccountMove._post calls
    _reconcile_reversed_moves), so a credit note must not pass the invoice's own payments: a
    refund and its order arriving together, or the refund first, would leave the order's payment
    nothing to pay. A payment dismissed never posts, so it is not waited for."""
    direction = settling_direction(invoice.kind)
    unposted = SyncEvent.objects.filter(kind=EventKind.PAYMENT, entity_id=invoice.entity_id, state__in=UNPOSTED_STATES)
    fields = ("pk", "kind", "external_id", "source_id", "payload", "override")
    # The settled document as syncevent_unposted_payment indexes it: text, an override first.
    named = unposted.alias(names=settled_document()).filter(names=invoice.external_id)
    for payment in named.only(*fields).order_by("pk")[:PAYMENTS_LOOKED_AT]:
        effective = payment.effective_payload
        data = effective if isinstance(effective, dict) else {}
        named_source = data.get("invoice_source") or ""
        same_source = payment.source_id == invoice.source_id
        of_invoice = named_source == invoice.source.code or (not named_source and same_source)
        if of_invoice and data.get("direction", "inbound") == direction:
            return payment
    return None


def _same_partner(one: Partner, other: Partner) -> bool:
    """By the source's partner reference when both have one, else by name."""
    if one.ref and other.ref:
        return one.ref == other.ref
    return one.name.strip().casefold() == other.name.strip().casefold()


def _credited_invoice(event: SyncEvent, doc: Invoice) -> Linked | Blocked | Invalid:
    """The invoice or bill a credit note credits (same source), for Odoo to link and match
    them: a credit note waits for it as a payment waits for its invoice, and one naming no
    partner takes its partner."""
    kind = CREDITED_KIND[event.kind]
    named = doc.reversed_external_id
    what = f"The {kind.label.lower()} {named!r} this credit note credits"
    invoice = (
        SyncEvent.objects.filter(source_id=event.source_id, kind=kind, external_id=named)
        .select_related("entity", "source")
        .first()
    )
    if invoice is None:
        return Blocked(
            "invoice_not_received",
            f"{what} has not been received.",
            invoice_block_key(event.source_id, kind, named),
        )
    if invoice.entity_id != event.entity_id:
        return Invalid(
            "credited_elsewhere",
            f"{what} belongs to entity {invoice.entity.code}, this credit note to {event.entity.code}: "
            "Odoo links documents of one company only.",
        )
    if invoice.state == EventState.DISMISSED:
        return Invalid(
            "credited_dismissed",
            f"{what} was dismissed and will never post: clear or correct reversed_external_id and resubmit, "
            "or dismiss this credit note too.",
        )
    own = doc.partner
    if own is not None:
        # Compared with what the invoice will post as, when it still reads (else it fails itself).
        taken = _posting_partner(invoice, "this credit note")
        if isinstance(taken, Partner) and not _same_partner(taken, own):
            # Odoo matches a credit note with the invoice it reverses whoever their partners are.
            return Invalid(
                "credited_other_partner",
                f"{what} is for {taken.name!r}, this credit note for {own.name!r}: "
                "posted, it would settle one partner's invoice with another's credit.",
            )
    if invoice.currency != doc.currency:
        return Invalid(
            "credited_other_currency",
            f"{what} is in {invoice.currency}, this credit note in {doc.currency}.",
        )
    if invoice.state != EventState.POSTED or invoice.odoo_id is None:
        return Blocked("invoice_not_posted", f"{what} is not posted yet.", event_block_key(invoice.pk))
    payment = _unposted_payment_of(invoice)
    if payment is not None:
        return Blocked(
            "payment_not_posted",
            f"The {_label(payment)} (event {payment.pk}) settling the {_label(invoice)} this credit note "
            "credits is not posted yet: posted first, Odoo would match the credit note with the invoice "
            "in the payment's place and leave the payment less, or nothing, to pay.",
            event_block_key(payment.pk),
        )
    if own is None:
        taken = _posting_partner(invoice, "this credit note")
        if isinstance(taken, Invalid):
            return taken
        own = taken
    return Linked(invoice.odoo_id, own, SIDE_OF_KIND[kind])
