"""Payroll files brought in by a person or a command, and the pay runs they held.

Like a statement file, a payroll file is kept as it came (bytes and SHA-256) with who brought
it and what each of its runs became: the one journal entry event it created, or the event it
had created before (the same run in an earlier file), or why it could not post. Each run is a
correlation of its source (`payrun:<id>`): a run that fails its controls holds its event
(sync's PostingHold)."""

from __future__ import annotations

from django.db import models

from console.sources.file_models import KeptFile
from console.sync.models import LegalEntity, PostingHold, SourceSystem, SyncEvent


class PayrollFormat(models.TextChoices):
    GUSTO_JSON = "gusto_json", "Gusto JSON (pay-run totals)"
    GL_CSV = "gl_csv", "Payroll GL export (CSV profile)"


class RunStatus(models.TextChoices):
    NEW = "new", "New: posts"
    HELD = "held", "New: held by its controls"
    KNOWN = "known", "Imported before"
    CONFLICT = "conflict", "Imported before with other figures"
    UNUSABLE = "unusable", "Cannot post as it is"


class PayrollFile(KeptFile):
    # The first file with the same bytes from the same source: this one created nothing new.
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats")
    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="payroll_files")
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=16, choices=PayrollFormat.choices)
    profile = models.CharField(max_length=64, blank=True, default="", help_text="The GL profile that read it.")
    run_count = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0, help_text="Runs that became events (held ones included).")
    held_count = models.PositiveIntegerField(default=0, help_text="Of the new runs, those held by their controls.")
    known_count = models.PositiveIntegerField(default=0, help_text="Runs imported before, by any file.")
    conflict_count = models.PositiveIntegerField(default=0)
    unusable_count = models.PositiveIntegerField(default=0)
    flagged_count = models.PositiveIntegerField(default=0, help_text="New runs far from their trailing average.")

    class Meta:
        indexes = [models.Index(fields=["entity", "uploaded_at"], name="payrollfile_entity_uploaded")]

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]})"


class PayrollRun(models.Model):
    file = models.ForeignKey(PayrollFile, on_delete=models.PROTECT, related_name="runs")
    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(help_text="1 for the file's first run.")
    where = models.CharField(max_length=200, blank=True, default="", help_text="Where in the file the run is.")
    kind = models.CharField(max_length=16, help_text="pay_run, or funding (a provider's receipt).")
    run_id = models.CharField(max_length=200)
    external_id = models.CharField(max_length=200, help_text="The business key its event carries.")
    pay_date = models.DateField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=22, decimal_places=2, help_text="run_total: the entry's total debit.")
    total_credit = models.DecimalField(max_digits=22, decimal_places=2)
    line_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=RunStatus.choices)
    # The event it created, or the one of the same key it found (known, conflict); None when unusable.
    event = models.ForeignKey(SyncEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    problems = models.JSONField(default=list, blank=True, help_text="What its controls found, in words.")
    hold = models.ForeignKey(PostingHold, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The trailing average it was compared with: None when fewer than the runs needed came before it.
    average = models.DecimalField(max_digits=22, decimal_places=2, null=True, blank=True)
    history = models.PositiveIntegerField(default=0, help_text="How many earlier runs the average is of.")
    flag = models.TextField(blank=True, default="", help_text="Why it asks for a second look, if it does.")

    class Meta:
        indexes = [
            models.Index(fields=["source", "entity", "kind", "pay_date"], name="payrollrun_trailing"),
            models.Index(fields=["external_id"], name="payrollrun_external_id"),
        ]

    def __str__(self) -> str:
        return f"pay run {self.run_id} of {self.pay_date}"

    @property
    def correlation_id(self) -> str:
        return f"payrun:{self.pk}"
