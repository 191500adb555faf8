"""Statement files brought in by a person or a command, and the statements they held.

A file is kept as it came (bytes and SHA-256) with who brought it and what it became, so an
auditor can see, years later, which file produced which Odoo line. Each statement of a file
is one correlation of its source: its lines carry `statement:<id>`, and a control that fails
holds them all (sync's PostingHold)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from console.sync.models import LegalEntity, PostingHold, SourceSystem


class FileFormat(models.TextChoices):
    CAMT053 = "camt053", "ISO 20022 camt.053"
    MT940 = "mt940", "SWIFT MT940"
    CSV = "csv", "CSV (bank profile)"


class KeptFile(models.Model):
    """What every imported file keeps: its bytes as they came, their SHA-256, who brought it and
    when. Each kind says which earlier file of its own it repeats (`repeat_of`)."""

    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField()
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_label = models.CharField(max_length=200)
    uploaded_at = models.DateTimeField()

    class Meta:
        abstract = True


class StatementFile(KeptFile):
    # The first file with the same bytes from the same source: this one created nothing new.
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats")
    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="statement_files")
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=16, choices=FileFormat.choices)
    profile = models.CharField(max_length=64, blank=True, default="", help_text="The CSV profile that read it.")
    statement_count = models.PositiveIntegerField(default=0)
    entry_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0, help_text="Entries that became events.")
    known_count = models.PositiveIntegerField(default=0, help_text="Entries imported before, by any file.")
    refused_count = models.PositiveIntegerField(default=0)
    # Each refused entry: {"where": ..., "reason": ...} (the first REFUSALS_KEPT of them).
    refusals = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["entity", "uploaded_at"], name="statementfile_entity_uploaded")]

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]})"


class BankStatement(models.Model):
    file = models.ForeignKey(StatementFile, on_delete=models.PROTECT, related_name="statements")
    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(help_text="1 for the file's first statement.")
    account = models.CharField(max_length=64)
    currency = models.CharField(max_length=3)
    statement_id = models.CharField(max_length=200, blank=True, default="")
    sequence = models.CharField(max_length=64, blank=True, default="")
    opening = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    opening_date = models.DateField(null=True, blank=True)
    closing = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    closing_date = models.DateField(null=True, blank=True)
    first_booking = models.DateField(null=True, blank=True)
    last_booking = models.DateField(null=True, blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=22, decimal_places=2, default=0)
    new_count = models.PositiveIntegerField(default=0)
    known_count = models.PositiveIntegerField(default=0)
    refused_count = models.PositiveIntegerField(default=0)
    not_booked_count = models.PositiveIntegerField(
        default=0, help_text="Entries the bank listed as pending or for information: shown, never imported."
    )
    # None when the statement gives no balances to check.
    difference = models.DecimalField(max_digits=22, decimal_places=2, null=True, blank=True)
    problems = models.JSONField(default=list, blank=True, help_text="What its controls found, in words.")
    hold = models.ForeignKey(PostingHold, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["source", "account", "closing_date"], name="bankstatement_account_date")]

    def __str__(self) -> str:
        return f"statement {self.statement_id or self.position} of {self.account}"

    @property
    def correlation_id(self) -> str:
        return f"statement:{self.pk}"

    @property
    def day(self) -> object:
        return self.closing_date or self.last_booking


class StatementProfile(models.Model):
    """How one bank writes its CSV statements (integrations/bank's CsvProfile, as data): stored
    by integration admins, chosen at each CSV upload. Changing one is audited with its before
    and after, and files keep the name of the profile that read them."""

    name = models.CharField(max_length=64, unique=True)
    definition = models.JSONField(help_text="CsvProfile.to_dict(): the dialect, formats, columns and its note.")
    updated_at = models.DateTimeField()
    updated_by_label = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name
