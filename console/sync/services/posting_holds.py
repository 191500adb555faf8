"""Holding a correlation's events back from Odoo, and letting them go.

Another app judges a file (a bank statement that does not balance, a pay run whose totals
disagree) and places a hold on the correlation its events carry, in the transaction that
records them. Posting blocks each of them on the hold; releasing it, by a person with a
reason or by the system when what was missing arrives, queues them again.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible, user_has_role
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import SyncError
from console.sync.models import LegalEntity, PostingHold, SourceSystem, SyncEvent
from console.sync.services.requeue import events_requeue_blocked
from console.sync.services.resolution import Blocked

RELEASERS = (Role.OPERATOR, Role.CONTROLLER)


def _state(hold: PostingHold) -> dict[str, Any]:
    return {
        "correlation_id": hold.correlation_id,
        "reason_code": hold.reason_code,
        "message": hold.message,
        "difference": str(hold.difference),
        "currency": hold.currency,
        "released": hold.released_at is not None,
    }


def posting_hold_place(
    *,
    source: SourceSystem,
    correlation_id: str,
    entity: LegalEntity,
    reason_code: str,
    message: str,
    difference: Decimal,
    currency: str,
    actor: Actor,
) -> PostingHold:
    """Hold the correlation's events (placed again, it keeps a person's release: they decided)."""
    hold, created = PostingHold.objects.select_for_update().get_or_create(
        source=source,
        correlation_id=correlation_id,
        defaults={
            "entity": entity,
            "reason_code": reason_code,
            "message": message,
            "difference": difference,
            "currency": currency,
            "placed_at": timezone.now(),
        },
    )
    if created:
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="hold.placed",
                object_type="posting_hold",
                object_id=str(hold.pk),
                entity_code=entity.code,
                after=_state(hold),
                reason=message,
                correlation_id=correlation_id,
            ),
        )
    return hold


def hold_is_material(hold: PostingHold) -> bool:
    # The rule of casework.materiality.is_material, on the absolute difference.
    return abs(hold.difference) > hold.entity.materiality_threshold


def hold_release_check(user: Any, hold: PostingHold) -> None:
    """PermissionDenied naming why, unless `user` may release this hold."""
    role_check(user, *RELEASERS, doing="releasing a hold")
    if hold.entity_id not in entity_ids_visible(user):
        raise PermissionDenied(f"releasing a hold needs access to entity {hold.entity.code}")
    if hold_is_material(hold) and not user_has_role(user, Role.CONTROLLER):
        raise PermissionDenied(
            f"the difference of {abs(hold.difference):,.2f} {hold.currency} is material for {hold.entity.code} "
            f"(over {hold.entity.materiality_threshold:,.2f}): a controller releases it"
        )


def posting_hold_release(*, hold_id: int, user: Any | None, actor: Actor, reason: str) -> PostingHold:
    """Let the hold's events post. `user` None is the system releasing it because what was
    missing arrived (the reason says what); a person needs the role, the entity, and a
    controller's role when the difference is material."""
    reason = reason.strip()
    if not reason:
        raise SyncError("releasing a hold needs a reason")
    with transaction.atomic():
        hold = PostingHold.objects.select_for_update().select_related("entity").get(pk=hold_id)
        if user is not None:
            hold_release_check(user, hold)
        if hold.released_at is not None:
            return hold
        before = _state(hold)
        hold.released_at = timezone.now()
        hold.released_by = actor.label
        hold.release_reason = reason
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="hold.released",
                object_type="posting_hold",
                object_id=str(hold.pk),
                entity_code=hold.entity.code,
                before=before,
                after=_state(hold),
                reason=reason,
                correlation_id=hold.correlation_id,
            ),
        )
        events_requeue_blocked(blocked_on=[hold.block_key], actor=actor, reason=f"hold released: {reason}")
    return hold


def holds_blocking(events: list[SyncEvent]) -> dict[int, Blocked]:
    """The events of `events` an active hold keeps back, with what they wait for."""
    wanted = {(e.source_id, e.correlation_id) for e in events if e.correlation_id}
    if not wanted:
        return {}
    active = {
        (h.source_id, h.correlation_id): h
        for h in PostingHold.objects.filter(
            released_at__isnull=True,
            source_id__in={s for s, _ in wanted},
            correlation_id__in={c for _, c in wanted},
        )
    }
    blocked = {}
    for event in events:
        hold = active.get((event.source_id, event.correlation_id))
        if hold is not None:
            blocked[event.pk] = Blocked(hold.reason_code, hold.message, hold.block_key)
    return blocked
