"""Appending to the audit trail. The only writer of AuditEvent rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from console.audit.actors import Actor
from console.audit.chain import GENESIS_HASH, canonical_value, chain_hash, normal_ip, row_text
from console.audit.models import AuditChainHead, AuditEvent


class AuditError(RuntimeError):
    pass


@dataclass(frozen=True)
class AuditEntry:
    action: str
    object_type: str
    object_id: str
    entity_code: str = ""
    before: Any = None
    after: Any = None
    reason: str = ""
    correlation_id: str = ""


def audit_record_many(*, actor: Actor, entries: Sequence[AuditEntry]) -> list[AuditEvent]:
    """Append entries to the chain inside the caller's transaction.

    The chain head row is locked (SELECT ... FOR UPDATE on PostgreSQL, the
    IMMEDIATE write lock on SQLite) so concurrent writers append in turn.
    """
    if not entries:
        return []
    if not connection.in_atomic_block:
        raise AuditError("audit records must be written in the transaction of the change they record")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        id=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
    )
    now = timezone.now()
    rows: list[AuditEvent] = []
    prev = head.last_hash
    sequence = head.last_sequence
    for entry in entries:
        sequence += 1
        fields: dict[str, Any] = {
            "sequence": sequence,
            "occurred_at": now,
            "actor_type": actor.type.value,
            "actor_user_id": actor.user_id,
            "actor_label": actor.label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": str(entry.object_id),
            "entity_code": entry.entity_code,
            "before": canonical_value(entry.before),
            "after": canonical_value(entry.after),
            "reason": entry.reason,
            "correlation_id": entry.correlation_id,
            "request_ip": normal_ip(actor.request_ip),
        }
        digest = chain_hash(prev, row_text(**fields))
        rows.append(AuditEvent(prev_hash=prev, hash=digest, **fields))
        prev = digest
    AuditEvent.objects.bulk_create(rows)
    AuditChainHead.objects.filter(id=1).update(last_sequence=sequence, last_hash=prev)
    return rows


def audit_record(*, actor: Actor, entry: AuditEntry) -> AuditEvent:
    return audit_record_many(actor=actor, entries=[entry])[0]


def audit_record_atomic(*, actor: Actor, entry: AuditEntry) -> AuditEvent:
    """For events that are themselves the change (a token created, an export taken)."""
    with transaction.atomic():
        return audit_record(actor=actor, entry=entry)
