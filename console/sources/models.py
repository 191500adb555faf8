from __future__ import annotations

from django.db import models
from django.db.models import Q

from console.sync.models import SourceSystem, SyncEvent


class Provider(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    STRIPE = "stripe", "Stripe"


class Outcome(models.TextChoices):
    RECEIVED = "received", "Received, not yet turned into events"
    REPEAT = "repeat", "Repeat of an earlier delivery"
    UNPARSED = "unparsed", "Body could not be read"
    UNHANDLED = "unhandled", "Topic not turned into events"
    PROCESSED = "processed", "Turned into events"
    FAILED = "failed", "Failed in the console"


class WebhookDelivery(models.Model):
    """One delivery whose signature verified, kept as it arrived: the raw body, the headers that
    say what it is, when it came and what the console answered; then what it became.

    A delivery refused at the door (bad signature, unknown source, too large) is never stored:
    it only counts (WebhookRefusal). The first delivery of a provider event id per source is
    unique by constraint, so two copies arriving together cannot both be processed; a later
    copy is kept as a repeat of the first (`repeat_of`) and creates nothing."""

    # Indexed by the indexes below, which lead with it: Django's own index of it is left out.
    source = models.ForeignKey(
        SourceSystem, on_delete=models.PROTECT, related_name="webhook_deliveries", db_index=False
    )
    provider = models.CharField(max_length=16, choices=Provider.choices)
    topic = models.CharField(max_length=100, blank=True, default="")
    provider_event_id = models.CharField(max_length=200, blank=True, default="")
    headers = models.JSONField(default=dict, help_text="The headers that say what the delivery is, as received.")
    body = models.BinaryField()
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    verified_at = models.DateTimeField()
    answer_ms = models.FloatField(
        help_text="From the request reaching the view to the delivery's insert, which the answer follows."
    )
    response_code = models.PositiveSmallIntegerField(default=200)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RECEIVED)
    reason = models.TextField(blank=True, default="")
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats", db_index=False
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    event_count = models.PositiveIntegerField(default=0, help_text="Events it named: new ones and ones known before.")
    # The reader said money moved, or may have, with nothing drafted for it (Stripe: a payout
    # failed, a refund not posted): a person must look, from the delivery log.
    needs_attention = models.BooleanField(default=False, db_default=False)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "provider_event_id"],
                condition=Q(repeat_of__isnull=True) & ~Q(provider_event_id=""),
                name="webhookdelivery_first_of_event",
            ),
        ]
        indexes = [
            # The delivery log: one endpoint's deliveries over a day, newest first.
            models.Index(fields=["source", "received_at"], name="webhookdelivery_source_time"),
            # What waits to be turned into events, per source, oldest first: whether a new delivery
            # needs a message of its own, the worker's next one, the sweeper's (few rows at any time).
            models.Index(fields=["source", "id"], condition=Q(outcome="received"), name="webhookdelivery_waiting"),
            # A delivery's repeats: only repeats are in it (every index is one more write per delivery).
            models.Index(fields=["repeat_of"], condition=Q(repeat_of__isnull=False), name="webhookdelivery_repeats"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.topic} {self.provider_event_id or self.pk}"


class ItemResult(models.TextChoices):
    CREATED = "created", "New event"
    DUPLICATE = "duplicate", "Same as an event recorded before"
    CONFLICT = "conflict", "Same key as a recorded event, different content"
    REFUSED = "refused", "Refused by the ingestion checks"
    CHANGED = "changed", "Changed at the source after it was recorded"


class DeliveryItem(models.Model):
    """What one delivery did to one event: a draft recorded (new, a repeat, a conflict, or refused
    with the ingestion's reason), or an event the delivery reports changed at the source."""

    delivery = models.ForeignKey(  # indexed by the unique (delivery, position)
        WebhookDelivery, on_delete=models.PROTECT, related_name="items", db_index=False
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=32)
    external_id = models.CharField(max_length=200)
    result = models.CharField(max_length=16, choices=ItemResult.choices)
    event = models.ForeignKey(  # indexed as deliveryitem_event
        SyncEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    reason_code = models.CharField(max_length=64, blank=True, default="")
    reason = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "position"], name="deliveryitem_position"),
        ]
        indexes = [models.Index(fields=["event"], name="deliveryitem_event")]

    def __str__(self) -> str:
        return f"delivery {self.delivery_id} #{self.position}: {self.result} {self.kind} {self.external_id}"


class WebhookRefusal(models.Model):
    """A counter of deliveries refused at the door, per day, endpoint and reason; the refused
    request itself is not kept. An address naming no webhook source counts under a blank code,
    so that made-up addresses cannot grow the table."""

    day = models.DateField()
    provider = models.CharField(max_length=16, choices=Provider.choices)
    source_code = models.CharField(max_length=32, blank=True, default="")
    reason = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "provider", "source_code", "reason"], name="webhookrefusal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.provider}/{self.source_code or '?'} {self.reason}: {self.count}"


# Statement files live in a module of their own; imported here for Django to find them.
from console.sources.file_models import BankStatement, FileFormat, StatementFile  # noqa: E402
from console.sources.payroll_models import PayrollFile, PayrollFormat, PayrollRun, RunStatus  # noqa: E402

__all__ = [
    "BankStatement",
    "DeliveryItem",
    "FileFormat",
    "ItemResult",
    "Outcome",
    "PayrollFile",
    "PayrollFormat",
    "PayrollRun",
    "Provider",
    "RunStatus",
    "StatementFile",
    "WebhookDelivery",
    "WebhookRefusal",
]
