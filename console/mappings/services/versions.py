"""Mapping versions: a new version from a time on, never an edit of an old one.

Only an approved change request (services/requests.py) and the demo's seed write
versions; nobody changes a mapping without a second person's approval.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.mappings.models import Mapping, MappingKind
from console.sync.models import LegalEntity


class MappingError(Exception):
    pass


@transaction.atomic
def mapping_version_add(
    *,
    kind: str,
    entity: LegalEntity,
    source_value: str,
    odoo_id: int | None,
    odoo_label: str = "",
    valid_from: datetime | None = None,
    actor: Actor,
    reason: str = "",
    correlation_id: str = "",
    requeue: bool = True,
) -> Mapping:
    """Close the version in force at valid_from and add the next; odoo_id None retires the code.

    Events blocked on this mapping are queued again in the same transaction, unless the
    caller requeues them itself (a change request, once for all its rows).
    """
    from console.sync.services.posting import events_requeue_blocked
    from console.sync.services.resolution import mapping_block_key

    if kind not in MappingKind.values:
        raise MappingError(f"unknown mapping kind {kind!r}; use one of {', '.join(MappingKind.values)}")
    if not source_value or len(source_value) > 100:
        raise MappingError("source value must be 1 to 100 characters")
    start = valid_from or timezone.now()
    versions = Mapping.objects.select_for_update().filter(kind=kind, entity=entity, source_value=source_value)
    latest = versions.order_by("-version").first()
    if latest is not None and latest.valid_from >= start:
        raise MappingError(
            f"{kind} mapping {source_value!r} in {entity.code} already has a version from "
            f"{latest.valid_from.isoformat()}; a new version must start after it"
        )
    before = None
    if latest is not None and (latest.valid_to is None or latest.valid_to > start):
        before = {"version": latest.version, "odoo_id": latest.odoo_id, "odoo_label": latest.odoo_label}
        # Closing a period is the only change an old version ever gets.
        Mapping.objects.filter(pk=latest.pk).update(valid_to=start)
    row = Mapping.objects.create(
        kind=kind,
        entity=entity,
        source_value=source_value,
        version=(latest.version + 1) if latest else 1,
        odoo_id=odoo_id,
        odoo_label=odoo_label,
        valid_from=start,
    )
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="mapping.version_added",
            object_type="mapping",
            object_id=f"{kind}:{entity.code}:{source_value}",
            entity_code=entity.code,
            before=before,
            after={
                "version": row.version,
                "odoo_id": odoo_id,
                "odoo_label": odoo_label,
                "valid_from": start.isoformat(),
            },
            reason=reason,
            correlation_id=correlation_id,
        ),
    )
    if odoo_id is not None and requeue:
        events_requeue_blocked(
            blocked_on=[mapping_block_key(kind, source_value, entity.code)],
            actor=actor,
            reason=f"{kind} mapping {source_value} added",
        )
    return row
