"""A negative invoice or vendor bill made into the credit note it was meant to be.

Odoo refuses to post an invoice whose total is negative ("You should create a credit note
instead"). The workbench offers to record, in its place, an event of the credit-note kind of
the same source: the same document with every line's sign turned, so that it posts as Odoo's
out_refund / in_refund with positive lines. It keeps the original's external id (the key
differs by its kind, so it is recorded once however often it is asked for) and its dates and
codes, and names the original in `derived_from`. It links to no invoice: the negative
invoice never posted, and what it credited, if anything, the source did not say.

The caller (console/casework) checks the role, holds the transaction and dismisses the
original with the link as its reason.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import SyncError
from console.sync.models import EventKind, EventState, Flow, SyncEvent
from console.sync.services.dispatch import events_dispatch_on_commit
from console.sync.services.ingest import canonical_data, payload_hash
from console.sync.services.interventions import WORKABLE
from integrations.canonical import Invoice, PayloadError, parse_document
from integrations.odoo.errors import NEGATIVE_TOTAL

CREDIT_NOTE_OF: dict[str, EventKind] = {
    EventKind.CUSTOMER_INVOICE: EventKind.CUSTOMER_CREDIT_NOTE,
    EventKind.VENDOR_BILL: EventKind.VENDOR_CREDIT_NOTE,
}


class CreditNoteError(SyncError):
    """Why this event cannot be made into a credit note; the message says it to a person."""


@dataclass(frozen=True)
class CreditNoteDraft:
    """What the credit note would be: its kind, data and document, and the flow it goes by
    (None: the source has no active flow for that kind, which an integration admin adds)."""

    original: SyncEvent
    kind: EventKind
    data: dict[str, Any]
    document: Invoice
    flow: Flow | None

    @property
    def amount(self) -> Decimal:
        return self.document.amount


def credit_note_applies(event: SyncEvent) -> bool:
    """Odoo refused this invoice or bill for its negative total, and it has not posted."""
    return event.kind in CREDIT_NOTE_OF and event.reason_code == NEGATIVE_TOTAL and event.state in WORKABLE


def _turned(line: dict[str, Any]) -> dict[str, Any]:
    price = Decimal(line["unit_price"])
    return {**line, "unit_price": f"{-price:.2f}" if price else "0.00"}


def credit_note_draft(event: SyncEvent) -> CreditNoteDraft:
    """The credit note this negative invoice or bill becomes; CreditNoteError says why not."""
    if not credit_note_applies(event):
        raise CreditNoteError(f"event {event.pk} is not an invoice or vendor bill Odoo refused for its negative total")
    kind = CREDIT_NOTE_OF[event.kind]
    try:
        original = parse_document(event.kind, event.effective_payload)
    except PayloadError as err:
        raise CreditNoteError(f"event {event.pk}'s document no longer reads: {err}") from err
    assert isinstance(original, Invoice)
    if original.amount >= 0:
        raise CreditNoteError(
            f"event {event.pk} totals {original.amount} {original.currency} before tax: "
            "it is not negative, so it is no credit note"
        )
    # The reader accepted every line, so each holds a decimal unit price of 2 places at most.
    data = copy.deepcopy(event.effective_payload)
    data["lines"] = [_turned(line) for line in data["lines"]]
    try:
        document = parse_document(kind, data)
    except PayloadError as err:
        raise CreditNoteError(f"event {event.pk}'s lines turned do not make a credit note: {err}") from err
    assert isinstance(document, Invoice)
    flow = Flow.objects.filter(source_id=event.source_id, event_kind=kind, is_active=True).first()
    return CreditNoteDraft(original=event, kind=kind, data=data, document=document, flow=flow)


def event_credit_note_record(*, event: SyncEvent, actor: Actor, reason: str) -> SyncEvent:
    """Record the credit note of a negative invoice or bill, queued for posting, with its
    `event.recorded` audit row; the original is left as it is for the caller to dismiss."""
    original = SyncEvent.objects.select_for_update(of=("self",)).select_related("entity", "source").get(pk=event.pk)
    draft = credit_note_draft(original)
    if draft.flow is None:
        raise CreditNoteError(
            f"{original.source.code} has no active flow for {draft.kind.label.lower()}s: "
            "an integration admin adds it, then the credit note can be recorded"
        )
    now = timezone.now()
    data_json = canonical_data(draft.data)
    try:
        with transaction.atomic():
            note = SyncEvent.objects.create(
                source_id=original.source_id,
                flow=draft.flow,
                entity_id=original.entity_id,
                kind=draft.kind,
                external_id=original.external_id,
                correlation_id=original.correlation_id,
                occurred_at=original.occurred_at,
                received_at=now,
                payload=draft.data,
                payload_hash=payload_hash(
                    entity=original.entity.code, occurred_at=original.occurred_at, data_json=data_json
                ),
                amount=draft.amount,
                currency=draft.document.currency,
                state=EventState.QUEUED,
                state_changed_at=now,
                enqueued_at=now,
                derived_from=original,
            )
    except IntegrityError:
        existing = SyncEvent.objects.filter(
            source_id=original.source_id, kind=draft.kind, external_id=original.external_id
        ).first()
        raise CreditNoteError(
            f"a {draft.kind.label.lower()} {original.external_id!r} of {original.source.code} exists already"
            + (f" (event {existing.pk})" if existing else "")
        ) from None
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="event.recorded",
            object_type="sync_event",
            object_id=str(note.pk),
            entity_code=original.entity.code,
            after={
                "state": EventState.QUEUED,
                "kind": draft.kind,
                "external_id": note.external_id,
                "amount": str(note.amount),
                "currency": note.currency,
                "derived_from": original.pk,
            },
            reason=reason,
            correlation_id=note.correlation_id,
        ),
    )
    events_dispatch_on_commit([(note.pk, note.entity_id, note.kind)])
    return note
