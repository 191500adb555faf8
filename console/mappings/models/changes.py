"""Mapping change requests: maker-checker in front of every new mapping version.

A request belongs to one legal entity, holds one or many row changes, and goes
draft -> submitted -> approved / rejected -> applied. Its requester is fixed when
it is created (a database trigger refuses any change of it) and can never be the
person who decides it (a check constraint, besides the service).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from console.audit.models import CHANGE_CORRELATION


class ChangeState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for a controller"
    APPROVED = "approved", "Approved, to apply at its effective time"
    REJECTED = "rejected", "Rejected"
    APPLIED = "applied", "Applied"
    WITHDRAWN = "withdrawn", "Withdrawn"


DECIDED_STATES = (ChangeState.APPROVED, ChangeState.REJECTED, ChangeState.APPLIED)


class ChangeOrigin(models.TextChoices):
    FORM = "form", "Browser"
    CSV = "csv", "CSV import"
    API = "api", "API"


class ChangeRequest(models.Model):
    entity = models.ForeignKey("sync.LegalEntity", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200, help_text="What changes and why, for the controller and the auditor.")
    state = models.CharField(max_length=16, choices=ChangeState.choices, default=ChangeState.DRAFT)
    origin = models.CharField(max_length=8, choices=ChangeOrigin.choices, default=ChangeOrigin.FORM)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")
    # When the approved change is written: empty means at approval.
    effective_at = models.DateTimeField(null=True, blank=True)
    # From when the changed rows hold for events (their occurred_at): empty means from when it is
    # applied. A code never mapped before is mapped for every event that carries it.
    valid_from = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    requeued = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="changerequest_not_decided_by_requester",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=DECIDED_STATES) | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="changerequest_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=~Q(state=ChangeState.APPLIED) | Q(applied_at__isnull=False),
                name="changerequest_applied_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "entity", "-id"], name="changerequest_state"),
            models.Index(fields=["state", "effective_at"], name="changerequest_due"),
        ]

    def __str__(self) -> str:
        return f"mapping change #{self.pk}: {self.title}"

    @property
    def reference(self) -> str:
        """How the audit trail and the requeued events name this request."""
        return f"{CHANGE_CORRELATION}{self.pk}"


class RowOp(models.TextChoices):
    ADD = "add", "Add"
    CHANGE = "change", "Change"
    RETIRE = "retire", "Retire"


class RowChange(models.Model):
    request = models.ForeignKey(ChangeRequest, on_delete=models.PROTECT, related_name="rows")
    position = models.PositiveIntegerField(help_text="Order in the request (a CSV import's line).")
    op = models.CharField(max_length=8, choices=RowOp.choices)
    kind = models.CharField(max_length=16)
    source_value = models.CharField(max_length=100)
    odoo_id = models.PositiveIntegerField(null=True, blank=True)
    odoo_label = models.CharField(max_length=300, blank=True, default="")
    # The version in force when the row was written: the diff's "before", and the guard
    # against applying over a change somebody else made in between.
    replaces = models.ForeignKey("mappings.Mapping", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    applied_version = models.ForeignKey(
        "mappings.Mapping", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "source_value"], name="rowchange_one_per_code"),
            models.CheckConstraint(
                condition=Q(op=RowOp.RETIRE, odoo_id__isnull=True) | (~Q(op=RowOp.RETIRE) & Q(odoo_id__isnull=False)),
                name="rowchange_target_matches_op",
            ),
        ]
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.op} {self.kind}:{self.source_value}"


class ChangeActivity(models.Model):
    """The request's timeline: created, edited, submitted, comments, the decision, applying."""

    request = models.ForeignKey(ChangeRequest, on_delete=models.PROTECT, related_name="activity")
    at = models.DateTimeField()
    kind = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=150)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.request_id} by {self.actor_label}"
