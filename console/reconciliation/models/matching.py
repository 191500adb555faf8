"""Cross-source matching: rules (data, per entity), the pairs a run found, and every run.

A rule says which events of one source must meet an event of another: a Stripe payout a bank
credit of the same amount within a few days, a Shopify order paid through Stripe a Stripe charge
of the same UTC day. A match pairs one left event with one right event, never more: the unique
constraints on both ids make it so, whichever run or rule found it first.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from console.sync.models import LegalEntity, SourceSystem, SyncEvent


class RuleKind(models.TextChoices):
    PAIR = "pair", "Each one meets its counterpart within the window"
    COVERAGE = "coverage", "Each UTC day's events are covered by the other side's"


class MatchBy(models.TextChoices):
    REFERENCE_OR_AMOUNT = "reference_or_amount", "Reference first, then amount and date"
    REFERENCE = "reference", "Reference only"
    AMOUNT = "amount", "Amount and date only"


class ReferenceCompare(models.TextChoices):
    CONTAINS = "contains", "appears in one of the fields (any case)"
    EQUALS = "equals", "equals one of the fields"


class Sign(models.TextChoices):
    CREDIT = "credit", "Money in (a positive amount)"
    DEBIT = "debit", "Money out (a negative amount)"
    ANY = "any", "Either sign"


class DateField(models.TextChoices):
    """Which date of an event the window is counted from."""

    DATE = "date", "its document date (a payout's arrival day, a bank line's booking date)"
    VALUE_DATE = "value_date", "its value date (bank lines; the booking date when it has none)"
    OCCURRED = "occurred_at", "the UTC day it occurred"


class MatchMethod(models.TextChoices):
    REFERENCE = "reference", "by reference"
    AMOUNT = "amount", "by amount and date"


class MatchingRule(models.Model):
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=RuleKind.choices, default=RuleKind.PAIR)
    # What must be matched ("left"): a source and kind, narrowed by an id prefix (po_ for payouts
    # among Stripe's journal entries) and by payload fields that must hold given texts.
    left_source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="+")
    left_kind = models.CharField(max_length=32)
    left_id_prefix = models.CharField(max_length=40, blank=True, default="")
    left_where = models.JSONField(default=dict, blank=True)
    left_label = models.CharField(max_length=40, help_text="What one left event is called in a case: payout, order.")
    left_reference = models.CharField(max_length=40, default="external_id")
    left_date = models.CharField(max_length=16, choices=DateField.choices, default=DateField.DATE)
    # What it must meet ("right").
    right_source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="+")
    right_kind = models.CharField(max_length=32)
    right_sign = models.CharField(max_length=8, choices=Sign.choices, default=Sign.CREDIT)
    right_reference_fields = models.JSONField(default=list, blank=True)
    right_date = models.CharField(max_length=16, choices=DateField.choices, default=DateField.DATE)
    match_by = models.CharField(max_length=24, choices=MatchBy.choices, default=MatchBy.REFERENCE_OR_AMOUNT)
    reference_compare = models.CharField(
        max_length=10, choices=ReferenceCompare.choices, default=ReferenceCompare.CONTAINS
    )
    # Money is compared in the same currency only; a tolerance of 0.00 means the same amount.
    tolerance = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal("0.00"))
    days_before = models.PositiveSmallIntegerField(default=1)
    window_days = models.PositiveSmallIntegerField(default=3)
    # Events dated before it are not judged: a rule added today does not open cases for last year.
    applies_from = models.DateField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    changed_at = models.DateTimeField()
    changed_by = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "name"], name="matchingrule_entity_name")]

    def __str__(self) -> str:
        return f"{self.entity_id}: {self.name}"


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class MatchingRun(models.Model):
    """Every run of the matcher over one entity's rules, by the beat or by a person."""

    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    requested_by = models.CharField(max_length=200)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=RunState.choices, default=RunState.QUEUED)
    matched = models.PositiveIntegerField(default=0)
    cases_opened = models.PositiveIntegerField(default=0)
    cases_resolved = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["entity", "requested_at"], name="matchingrun_entity_requested")]

    def __str__(self) -> str:
        return f"matching run {self.pk} of entity {self.entity_id}: {self.state}"


class Match(models.Model):
    """One left event paired with one right event by a rule. Each event is on at most one side
    of one match as a left, and one as a right: a bank line pays out one payout."""

    rule = models.ForeignKey(MatchingRule, on_delete=models.PROTECT, related_name="matches")
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    left_event = models.ForeignKey(SyncEvent, on_delete=models.PROTECT, related_name="+")
    right_event = models.ForeignKey(SyncEvent, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=10, choices=MatchMethod.choices)
    left_day = models.DateField()
    right_day = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    matched_at = models.DateTimeField()
    run = models.ForeignKey(MatchingRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left_event"], name="match_left_once"),
            models.UniqueConstraint(fields=["right_event"], name="match_right_once"),
        ]
        indexes = [models.Index(fields=["rule", "left_day"], name="match_rule_day")]

    def __str__(self) -> str:
        return f"event {self.left_event_id} matched event {self.right_event_id} {self.get_method_display()}"
