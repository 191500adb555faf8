"""Configuration changes that wait for a second person: a legal entity's materiality threshold
(a controller of the entity decides) and an Odoo connection (a second integration admin or a
controller decides). Nothing changes until the decision; the proposer never decides (refused by
the services and by a check constraint)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class PendingState(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PendingChange(models.Model):
    state = models.CharField(max_length=8, choices=PendingState.choices, default=PendingState.PENDING)
    reason = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.state == PendingState.PENDING


def _decider_rules(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
            name=f"{prefix}_not_decided_by_proposer",
        ),
        models.CheckConstraint(
            condition=Q(state=PendingState.PENDING) | Q(decided_by__isnull=False, decided_at__isnull=False),
            name=f"{prefix}_decided_has_decider",
        ),
    ]


class ThresholdChange(PendingChange):
    """A new materiality threshold for one entity; the old one holds until a controller approves."""

    entity = models.ForeignKey("sync.LegalEntity", on_delete=models.PROTECT, related_name="threshold_changes")
    threshold_before = models.DecimalField(max_digits=18, decimal_places=2)
    threshold_after = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        constraints = [
            *_decider_rules("thresholdchange"),
            # One open proposal per entity: two would decide over each other.
            models.UniqueConstraint(
                fields=["entity"], condition=Q(state=PendingState.PENDING), name="thresholdchange_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"threshold of {self.entity_id}: {self.threshold_before} -> {self.threshold_after} ({self.state})"


class ConnectionChange(PendingChange):
    """New values of an Odoo connection, or a new connection (`connection` empty until approved)."""

    connection = models.ForeignKey(
        "sync.OdooConnection", null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )
    # The connection's fields as they were and as proposed (no secret: password_env is a name).
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict)

    class Meta:
        constraints = [
            *_decider_rules("connectionchange"),
            models.UniqueConstraint(
                fields=["connection"], condition=Q(state=PendingState.PENDING), name="connectionchange_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"connection change #{self.pk} ({self.state})"

    @property
    def name(self) -> str:
        return str(self.after.get("name") or self.before.get("name") or "")
