from __future__ import annotations

from django.db import models


class MappingKind(models.TextChoices):
    TAX = "tax", "Tax code → Odoo tax"
    ACCOUNT = "account", "GL account code → Odoo account"
    JOURNAL = "journal", "Journal key → Odoo journal"
    CURRENCY = "currency", "Currency code → Odoo currency"


# The Odoo model each kind's targets are read from (the reference data a target must be in).
KIND_MODELS: dict[str, str] = {
    MappingKind.TAX: "account.tax",
    MappingKind.ACCOUNT: "account.account",
    MappingKind.JOURNAL: "account.journal",
    MappingKind.CURRENCY: "res.currency",
}


class Mapping(models.Model):
    """One version of a mapping row, in force from valid_from until valid_to.

    Versions are never edited in place: a change closes the current version
    (sets valid_to) and adds the next one, so the mapping used by any posting
    can be found again.
    """

    kind = models.CharField(max_length=16, choices=MappingKind.choices)
    entity = models.ForeignKey("sync.LegalEntity", on_delete=models.PROTECT, related_name="mappings")
    source_value = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    odoo_id = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: retired from valid_from on.")
    odoo_label = models.CharField(max_length=200, blank=True, default="")
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "entity", "source_value", "version"], name="mapping_unique_version"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="mapping_valid_period",
            ),
        ]
        indexes = [models.Index(fields=["kind", "entity", "source_value", "valid_from"], name="mapping_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.source_value}@{self.entity_id} v{self.version}"
