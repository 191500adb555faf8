from __future__ import annotations

from django.db import models

from console.sync.models.entities import LegalEntity
from console.sync.models.sources import SourceSystem


class PostingHold(models.Model):
    """Every event of one correlation of a source (a bank statement's lines, a pay run) waits
    until a person releases the hold or what it waits for arrives. Placed by the app that
    judged the file (console/sources), in the transaction that records the events, so none of
    them is posted before it. Its events block on `block_key` and requeue on release."""

    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="+")
    correlation_id = models.CharField(max_length=200)
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    reason_code = models.CharField(max_length=64)
    message = models.TextField()
    # What does not add up, signed, for materiality (judged on its absolute amount).
    difference = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    placed_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=200, blank=True, default="")
    release_reason = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "correlation_id"], name="postinghold_one_per_correlation"),
        ]

    def __str__(self) -> str:
        return f"hold {self.pk} on {self.correlation_id}"

    @property
    def block_key(self) -> str:
        return f"hold:{self.pk}"

    @property
    def active(self) -> bool:
        return self.released_at is None
