from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models


class ActorType(models.TextChoices):
    USER = "user", "Person"
    SERVICE = "service", "Service account"
    SYSTEM = "system", "System"
    ANONYMOUS = "anonymous", "Not signed in"


CHANGE_CORRELATION = "mapping-change-"
OBJECT_ID_LENGTH = 64


class AuditEvent(models.Model):
    """One decision about money or configuration. Append-only and hash-chained:
    hash = SHA-256(previous hash + canonical JSON of the row)."""

    sequence = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor_type = models.CharField(max_length=10, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="Who acted, as shown: username, service or task.")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=OBJECT_ID_LENGTH)
    entity_code = models.CharField(max_length=32, blank=True, default="")
    # Canonical JSON text (see chain.py): what was hashed, byte for byte.
    before = models.TextField(null=True, blank=True)  # noqa: DJ001 -- NULL is "nothing", not the text "null"
    after = models.TextField(null=True, blank=True)  # noqa: DJ001
    reason = models.TextField(blank=True, default="")
    correlation_id = models.CharField(max_length=200, blank=True, default="")
    request_ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        # The auditor's page reads newest first (by sequence) within a filter.
        indexes = [
            models.Index(fields=["object_type", "object_id", "sequence"], name="auditevent_object_seq"),
            models.Index(fields=["action", "sequence"], name="auditevent_action_seq"),
            models.Index(fields=["entity_code", "sequence"], name="auditevent_entity_seq"),
            models.Index(fields=["actor_label", "sequence"], name="auditevent_actor_seq"),
            models.Index(fields=["occurred_at", "sequence"], name="auditevent_time_seq"),
            # A mapping change's whole story (its rows and the versions it wrote); kept small by
            # leaving out the events' own correlation ids, which are on every posting's rows.
            models.Index(
                fields=["correlation_id", "sequence"],
                condition=models.Q(correlation_id__startswith=CHANGE_CORRELATION),
                name="auditevent_change_seq",
            ),
            # "People's decisions only": the few rows people write among millions of the system's
            # posting rows, newest first, without walking the system's rows to find them.
            models.Index(fields=["sequence"], condition=models.Q(actor_type="user"), name="auditevent_people_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    @property
    def before_data(self) -> Any:
        return None if self.before is None else json.loads(self.before)

    @property
    def after_data(self) -> Any:
        return None if self.after is None else json.loads(self.after)


class AuditChainHead(models.Model):
    """The single row holding the chain's last sequence and hash; locked to append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_sequence}"


class AuditVerification(models.Model):
    """One run of the chain verification; the auditor's page shows the latest."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    ok = models.BooleanField()
    rows_checked = models.BigIntegerField()
    first_bad_sequence = models.BigIntegerField(null=True, blank=True)
    message = models.TextField()
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True, default="")
    triggered_by = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["-finished_at"], name="auditverification_latest")]

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'BROKEN'} at {self.finished_at:%Y-%m-%d %H:%M} ({self.rows_checked} rows)"
