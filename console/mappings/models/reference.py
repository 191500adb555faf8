"""Odoo's reference data as last read through the connector: the targets a mapping may
point at, per legal entity (its connection and company), with when it was read."""

from __future__ import annotations

from django.db import models


class OdooReference(models.Model):
    entity = models.ForeignKey("sync.LegalEntity", on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=64)
    odoo_id = models.PositiveIntegerField()
    label = models.CharField(max_length=300)
    # Odoo ids of the companies the record belongs to; empty: shared by every company.
    company_ids = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "model", "odoo_id"], name="odooreference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model}({self.odoo_id}) {self.label}"


class ReferenceRefresh(models.Model):
    """The last read of one model for one entity: shown as "refreshed at" beside the choices."""

    entity = models.ForeignKey("sync.LegalEntity", on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=64)
    refreshed_at = models.DateTimeField()
    refreshed_by = models.CharField(max_length=150)
    records = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "model"], name="referencerefresh_unique")]

    def __str__(self) -> str:
        return f"{self.model} for {self.entity_id} at {self.refreshed_at.isoformat()}"
