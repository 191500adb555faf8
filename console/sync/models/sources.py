from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from console.sync.models.entities import LegalEntity, code_validator

env_name_validator = RegexValidator(
    r"^[A-Z_][A-Z0-9_]{0,99}$", "Name an environment variable: capital letters, digits and '_'."
)


class SourceKind(models.TextChoices):
    ECOMMERCE = "ecommerce", "eCommerce"
    PAYMENTS = "payments", "Payments"
    BANK = "bank", "Bank"
    PAYROLL = "payroll", "Payroll"
    CRM = "crm", "CRM"
    TAX_ENGINE = "tax_engine", "Tax engine"
    OTHER = "other", "Other"
    # Sources that send signed webhooks to /webhooks/<kind>/<code>/ (console/sources).
    SHOPIFY = "shopify", "Shopify (signed webhooks)"
    STRIPE = "stripe", "Stripe (signed webhooks)"


WEBHOOK_KINDS = (SourceKind.SHOPIFY, SourceKind.STRIPE)


class SourceSystem(models.Model):
    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    is_active = models.BooleanField(default=True)
    # A webhook source (kind shopify or stripe). Its signing secret is never stored: these name the
    # environment variables (or NAME_FILE) that hold it on the web processes, and the previous one
    # while a rotation is under way. Its deliveries are recorded for one legal entity, under the
    # source's own service account, through the ingestion checks any token's events pass.
    secret_env = models.CharField(
        max_length=100,
        blank=True,
        default="",
        db_default="",
        validators=[env_name_validator],
        help_text="Webhook sources: the environment variable holding the signing secret.",
    )
    previous_secret_env = models.CharField(
        max_length=100,
        blank=True,
        default="",
        db_default="",
        validators=[env_name_validator],
        help_text="Webhook sources, during a rotation: the environment variable holding the previous secret.",
    )
    entity = models.ForeignKey(
        LegalEntity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Webhook sources: the legal entity their deliveries post for.",
    )
    webhook_options = models.JSONField(
        default=dict,
        blank=True,
        help_text="Webhook sources: what the provider's reader is told (integrations/<provider>/options.py).",
    )
    service_account = models.ForeignKey(
        "access.ServiceAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Webhook sources: the account their events are recorded under (it has no token).",
    )

    def __str__(self) -> str:
        return self.code


class BusinessProcess(models.TextChoices):
    ORDER_TO_CASH = "order_to_cash", "Order to cash"
    PROCURE_TO_PAY = "procure_to_pay", "Procure to pay"
    TREASURY = "treasury", "Treasury"
    PAYROLL = "payroll", "Payroll"
    RECORD_TO_REPORT = "record_to_report", "Record to report"


class FlowMode(models.TextChoices):
    REAL_TIME = "real_time", "Real-time"
    BATCH = "batch", "Batch"


class ClosedPeriod(models.TextChoices):
    """What a flow does with a document whose date Odoo has locked. Odoo 17/18 do not refuse
    it: they book it on the first open date, in a later period."""

    ACCEPT = "accept", "Post it into the next open period and flag it"
    HOLD = "hold", "Hold it as a case before posting"


class UnmatchedReceipts(models.TextChoices):
    """What a flow does with a payment received that names no invoice it settles. Cash is real:
    it posts either way, on the outstanding receipts account, as Odoo's own unapplied payments
    do (the invoice form's "Outstanding credits"); finance decides whether a person must apply
    each one to the invoice it pays."""

    POST = "post", "Post it; it waits in Odoo's outstanding credits"
    POST_AND_MATCH = "post_and_match", "Post it and open a case to match it to its invoice"


class Flow(models.Model):
    """What one source system sends for one kind of Odoo object, and how fresh it must be."""

    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="flows")
    event_kind = models.CharField(max_length=32)
    name = models.CharField(max_length=100)
    business_process = models.CharField(max_length=20, choices=BusinessProcess.choices)
    mode = models.CharField(max_length=10, choices=FlowMode.choices, default=FlowMode.REAL_TIME)
    freshness_slo_seconds = models.PositiveIntegerField(default=900)
    is_active = models.BooleanField(default=True)
    closed_period = models.CharField(
        max_length=8,
        choices=ClosedPeriod.choices,
        default=ClosedPeriod.ACCEPT,
        db_default=ClosedPeriod.ACCEPT,
        help_text="When Odoo's lock dates close a document's date: finance's decision for this flow.",
    )
    # Today's behaviour for every flow unless finance chooses; a source whose payments cannot
    # name their invoice (Stripe without an invoice metadata key) is set up to match.
    unmatched_receipts = models.CharField(
        max_length=16,
        choices=UnmatchedReceipts.choices,
        default=UnmatchedReceipts.POST,
        db_default=UnmatchedReceipts.POST,
        help_text="A payment received that settles nothing: finance's decision for this flow.",
    )
    # Paused: its events are still received and recorded, but none is claimed for posting until
    # it resumes (console/sync/services/flow_pause.py). Who paused it (a person's username, or
    # system:<command>), when and why stay beside it for the dashboard; the trail keeps them too.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.CharField(max_length=200, blank=True, default="", db_default="")
    pause_reason = models.TextField(blank=True, default="", db_default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "event_kind"], name="flow_unique_source_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None
