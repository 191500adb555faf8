from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from console.sync.models.entities import LegalEntity
from console.sync.models.sources import Flow, SourceSystem


class EventKind(models.TextChoices):
    CUSTOMER_INVOICE = "customer_invoice", "Customer invoice"
    VENDOR_BILL = "vendor_bill", "Vendor bill"
    CUSTOMER_CREDIT_NOTE = "customer_credit_note", "Customer credit note"
    VENDOR_CREDIT_NOTE = "vendor_credit_note", "Vendor credit note"
    PAYMENT = "payment", "Payment"
    BANK_STATEMENT_LINE = "bank_statement_line", "Bank statement line"
    JOURNAL_ENTRY = "journal_entry", "Journal entry"


class EventState(models.TextChoices):
    QUEUED = "queued", "Queued"
    POSTING = "posting", "Posting"
    RETRY_WAIT = "retry_wait", "Waiting to retry"
    BLOCKED = "blocked", "Needs attention"
    POSTED = "posted", "Posted"
    FAILED = "failed", "Failed"
    DISMISSED = "dismissed", "Dismissed (not posted)"


UNPOSTED_STATES = (EventState.QUEUED, EventState.POSTING, EventState.RETRY_WAIT, EventState.BLOCKED, EventState.FAILED)


def settled_document() -> Coalesce:
    """The external id of the document a payment settles, as an override states it when a person
    changed it (an override is keyed by path: the top-level field's path is its name)."""
    return Coalesce(KT("override__invoice_external_id"), KT("payload__invoice_external_id"))


def document_date() -> Coalesce:
    """The document's own date as ISO text, as the override states it when a person changed it,
    else as received: an invoice's `invoice_date`, any other document's `date`. The close view
    reads unposted events by it, through the index `syncevent_unposted_document` on this very
    expression (a query must write it the same way for the index to serve it)."""
    return Coalesce(
        KT("override__invoice_date"), KT("override__date"), KT("payload__invoice_date"), KT("payload__date")
    )


class SyncEvent(models.Model):
    """One finance event from a source system: the outbox row that is posted into Odoo once.

    The idempotency key is (source, kind, external_id), claimed by a unique
    constraint at insert time. The payload is never edited here: overrides of
    the exception workbench are kept beside it with their reason.
    """

    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="events")
    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="events")
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    external_id = models.CharField(max_length=200)
    correlation_id = models.CharField(max_length=200, blank=True, default="")
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField()
    payload = models.JSONField()
    payload_hash = models.CharField(max_length=64)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    ingested_by = models.ForeignKey(
        "access.ServiceAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    state = models.CharField(max_length=16, choices=EventState.choices, default=EventState.QUEUED)
    state_changed_at = models.DateTimeField()
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim_id = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)

    reason_code = models.CharField(max_length=64, blank=True, default="")
    reason_message = models.TextField(blank=True, default="")
    blocked_on = models.CharField(max_length=300, blank=True, default="")

    odoo_model = models.CharField(max_length=64, blank=True, default="")
    odoo_id = models.PositiveIntegerField(null=True, blank=True)
    odoo_name = models.CharField(max_length=100, blank=True, default="")
    posted_at = models.DateTimeField(null=True, blank=True)
    mapping_versions = models.JSONField(default=list, blank=True)
    # Fields of the payload overridden from the workbench ({"lines.0.tax_code": "VAT20"}),
    # applied on top of the payload as received, which is never edited.
    override = models.JSONField(null=True, blank=True)
    # A person looked at a suspected duplicate and said: post it anyway.
    duplicate_waived = models.BooleanField(default=False, db_default=False)
    # Where it landed: the document's own date as posted (payload or override) and the
    # accounting date Odoo booked it on, which a lock date moves past it; booked_later when
    # that is a later month (a later period) than the document's.
    source_date = models.DateField(null=True, blank=True)
    odoo_date = models.DateField(null=True, blank=True)
    booked_later = models.BooleanField(default=False, db_default=False)
    # Its flow held it because Odoo had closed its period, and a person released it: it posts
    # into the next open period, whatever happens to it meanwhile (a retry after a timeout).
    period_hold_released = models.BooleanField(default=False, db_default=False)
    # Made by a person from another event in the workbench (a negative invoice turned into a
    # credit note), rather than received: the event it replaces, which was dismissed for it.
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derived", db_index=False
    )
    # Archived (services/retention.py): its attempts, repeats and bulk went to this archive file
    # and the row stays as the key's tombstone, so a re-sent copy is still known as a repeat.
    archived_at = models.DateTimeField(null=True, blank=True)
    archive_name = models.CharField(max_length=200, blank=True, default="", db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "external_id"], name="syncevent_idempotency_key"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="syncevent_state_due"),
            models.Index(fields=["flow", "state", "occurred_at"], name="syncevent_flow_state"),
            models.Index(fields=["entity", "state"], name="syncevent_entity_state"),
            models.Index(fields=["correlation_id"], name="syncevent_correlation"),
            models.Index(fields=["external_id"], name="syncevent_external_id"),
            models.Index(fields=["blocked_on"], name="syncevent_blocked_on"),
            # Suspected duplicates: same entity and amount, then vendor and reference in Python.
            models.Index(fields=["entity", "amount"], name="syncevent_entity_amount"),
            # The dashboard's counts, answered from the index alone (selectors/lag.py): what is
            # not posted yet per flow and state, and what was posted when (trends and latency).
            models.Index(
                fields=["entity", "state", "flow", "occurred_at"],
                condition=Q(state__in=[state.value for state in UNPOSTED_STATES]),
                name="syncevent_unposted",
            ),
            models.Index(
                fields=["posted_at", "entity", "flow", "occurred_at"],
                condition=Q(state="posted"),
                name="syncevent_posted",
            ),
            # The dashboard's "booked later" per flow: few rows, so a small index of its own.
            models.Index(
                fields=["posted_at", "flow", "entity"],
                condition=Q(state="posted", booked_later=True),
                name="syncevent_booked_later",
            ),
            # The close view's unposted events of an entity by their document's period.
            models.Index(
                F("entity"),
                document_date(),
                condition=Q(state__in=[state.value for state in UNPOSTED_STATES]),
                name="syncevent_unposted_document",
            ),
            # What the next archive run may take: posted, not archived yet, oldest posting first.
            models.Index(
                fields=["posted_at", "id"],
                condition=Q(state="posted", archived_at__isnull=True),
                name="syncevent_archivable",
            ),
            # Payments not posted yet, by the document they settle (a person's override of it
            # first): a credit note waits for those of the invoice it credits
            # (resolution._unposted_payment_of).
            models.Index(
                settled_document(),
                F("entity"),
                condition=Q(kind="payment", state__in=[state.value for state in UNPOSTED_STATES]),
                name="syncevent_unposted_payment",
            ),
            # The few events made from another one, found from it (its story links them).
            models.Index(fields=["derived_from"], condition=Q(derived_from__isnull=False), name="syncevent_derived"),
            # The case list's search (how an external id, correlation id or Odoo name starts, in
            # any case) has PostgreSQL-only indexes on UPPER(...) text_pattern_ops: see migration 0004.
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.kind}:{self.external_id}"

    @property
    def effective_payload(self) -> Any:
        from console.sync.overrides import payload_apply

        return payload_apply(self.payload, self.override or {})


class PostingOutcome(models.TextChoices):
    POSTED = "posted", "Posted"
    ALREADY_POSTED = "already_posted", "Found already posted"
    TRANSIENT_ERROR = "transient_error", "Transient error"
    DATA_ERROR = "data_error", "Rejected by Odoo"
    CONFIG_ERROR = "config_error", "Configuration error"
    INTERNAL_ERROR = "internal_error", "Failed in the console"
    BLOCKED = "blocked", "Blocked before posting"


class PostingAttempt(models.Model):
    """Every try to post an event, whatever came of it."""

    event = models.ForeignKey(SyncEvent, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=PostingOutcome.choices)
    error_class = models.CharField(max_length=64, blank=True, default="")
    fault_code = models.IntegerField(null=True, blank=True)
    message = models.TextField(blank=True, default="", help_text="Safe to show to finance users.")
    detail = models.TextField(blank=True, default="", help_text="Technical detail (Odoo traceback); not shown raw.")
    batch_id = models.UUIDField()
    batch_size = models.PositiveIntegerField()
    worker = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="postingattempt_event_number")]
        indexes = [models.Index(fields=["outcome", "finished_at"], name="postingattempt_outcome_time")]

    def __str__(self) -> str:
        return f"attempt {self.number} of event {self.event_id}: {self.outcome}"


class DuplicateAttempt(models.Model):
    """A repeated delivery of an event key: the same payload again, or a conflicting one."""

    event = models.ForeignKey(SyncEvent, on_delete=models.PROTECT, related_name="duplicates")
    received_at = models.DateTimeField()
    same_payload = models.BooleanField()
    payload_hash = models.CharField(max_length=64)
    payload = models.JSONField(null=True, blank=True, help_text="Kept only when it conflicts with the original.")
    correlation_id = models.CharField(max_length=200, blank=True, default="")
    ingested_by = models.ForeignKey(
        "access.ServiceAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["received_at"], name="duplicateattempt_received")]

    def __str__(self) -> str:
        return f"{'repeat' if self.same_payload else 'conflict'} of event {self.event_id}"


class IngestRejection(models.Model):
    """A counter of refused deliveries per day and reason: refused input itself is not stored."""

    day = models.DateField()
    reason = models.CharField(max_length=64)
    source_code = models.CharField(max_length=64, blank=True, default="")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "reason", "source_code"], name="ingestrejection_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} {self.source_code}: {self.count}"
