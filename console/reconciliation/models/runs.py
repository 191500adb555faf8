from __future__ import annotations

from django.db import models
from django.db.models import Q

from console.casework.taxonomy import Category
from console.sync.models import Flow, LegalEntity, SyncEvent


class TotalOrigin(models.TextChoices):
    API = "api", "Control total sent through the API"
    BANK_STATEMENT = "bank_statement", "A bank statement's own totals"
    PAYROLL_RUN = "payroll_run", "A pay run's own totals"


class ControlTotal(models.Model):
    """What a source says it sent for one entity, flow and UTC day: a count and a sum per
    currency. Not an event: it is never posted anywhere; a reconciliation run compares it with
    what the console received. A later total for the same day replaces it (the trail keeps both)."""

    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField()
    # {"USD": "18430.00"}: decimal strings, one per currency, as the source sent them.
    amounts = models.JSONField(default=dict)
    origin = models.CharField(max_length=16, choices=TotalOrigin.choices, default=TotalOrigin.API)
    # What sent it: the service account's name, or the file it was read from.
    sent_by = models.CharField(max_length=200)
    received_at = models.DateTimeField()
    replaced = models.PositiveIntegerField(default=0, help_text="How many earlier totals of the day it replaced.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "flow", "day"], name="controltotal_one_per_day")]

    def __str__(self) -> str:
        return f"{self.flow_id} {self.day}: {self.count}"


class RunStatus(models.TextChoices):
    RECONCILED = "reconciled", "Reconciled"
    DIFFERENCES = "differences", "Differences"
    FAILED = "failed", "Could not read Odoo"


class ReconciliationRun(models.Model):
    """One entity, flow and UTC day compared three ways: (a) the source's control total, (b) what
    the console received and posted, (c) what Odoo holds with our markers. One row per day: a
    re-run replaces its figures; each outcome is in the audit trail (`audit_sequence`: the row
    of its last outcome). Figures are {"count": n, "amounts": {"USD": "18430.00"}}."""

    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    status = models.CharField(max_length=12, choices=RunStatus.choices)
    source_figures = models.JSONField(null=True, blank=True, help_text="None: the source sent no total.")
    # Where the source's figures come from (TotalOrigin) and which total or files said so.
    source_origin = models.CharField(max_length=16, blank=True, default="", choices=TotalOrigin.choices)
    source_reference = models.TextField(blank=True, default="")
    received = models.JSONField(default=dict)
    posted = models.JSONField(default=dict)
    odoo = models.JSONField(null=True, blank=True, help_text="None: Odoo could not be read.")
    differences_open = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    started_by = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    runs = models.PositiveIntegerField(default=1, help_text="How many times the day was run.")
    audit_sequence = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "flow", "day"], name="reconrun_one_per_day")]
        indexes = [models.Index(fields=["entity", "day", "flow"], name="reconrun_entity_day")]

    def __str__(self) -> str:
        return f"{self.entity_id}/{self.flow_id} {self.day}: {self.status}"


class Difference(models.Model):
    """One thing a run found that does not agree, and the case that works it. `key` names it
    within its day (event:<id>, odoo:<model>:<id>, source_total), so a re-run finds the same
    difference again or sees it gone (`gone_at`), which resolves its case."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.PROTECT, related_name="differences")
    key = models.CharField(max_length=120)
    category = models.CharField(max_length=32, choices=Category.choices)
    event = models.ForeignKey(SyncEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    odoo_model = models.CharField(max_length=64, blank=True, default="")
    odoo_id = models.PositiveIntegerField(null=True, blank=True)
    odoo_name = models.CharField(max_length=100, blank=True, default="")
    expected = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    found = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="")
    message = models.TextField()
    case = models.ForeignKey(
        "casework.ExceptionCase", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField()
    gone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="difference_unique_key")]
        indexes = [
            models.Index(fields=["case"], condition=Q(case__isnull=False), name="difference_case"),
        ]

    def __str__(self) -> str:
        return f"{self.key} of run {self.run_id}"
