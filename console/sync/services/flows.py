"""Finance's decisions about a flow: what it does with documents whose period Odoo has closed,
and with payments received that name no invoice they settle."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from console.access.decorators import role_check
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import SyncError
from console.sync.models import ClosedPeriod, Flow, UnmatchedReceipts


class FlowNotFound(SyncError):
    pass


def _setting_set(
    *,
    user: Any,
    actor: Actor,
    flow_id: int,
    field: str,
    choices: type[models.TextChoices],
    value: str,
    reason: str,
    what: str,
) -> Flow:
    """A controller's decision, with a reason, audited as flow.<field>_changed; it applies to
    events posted from now on."""
    role_check(user, Role.CONTROLLER, doing=f"deciding what a flow does with {what}")
    reason = (reason or "").strip()
    if not reason:
        raise SyncError(f"changing what a flow does with {what} needs a reason")
    if value not in choices.values:
        raise SyncError(f"{value!r} is not a setting for {what}: use one of {', '.join(choices.values)}")
    flow = Flow.objects.select_for_update().filter(pk=flow_id).first()
    if flow is None:
        raise FlowNotFound(f"no flow {flow_id}")
    before = getattr(flow, field)
    if before == value:
        raise SyncError(f"flow {flow.name!r} already does this: {choices(value).label.lower()}")
    setattr(flow, field, value)
    flow.save(update_fields=[field])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action=f"flow.{field}_changed",
            object_type="flow",
            object_id=str(flow.pk),
            before={field: before},
            after={field: value},
            reason=reason,
        ),
    )
    return flow


@transaction.atomic
def flow_closed_period_set(*, user: Any, actor: Actor, flow_id: int, policy: str, reason: str) -> Flow:
    """Accept and flag (post into the next open period) or hold as a case before posting."""
    return _setting_set(
        user=user,
        actor=actor,
        flow_id=flow_id,
        field="closed_period",
        choices=ClosedPeriod,
        value=policy,
        reason=reason,
        what="closed periods",
    )


@transaction.atomic
def flow_unmatched_receipts_set(*, user: Any, actor: Actor, flow_id: int, policy: str, reason: str) -> Flow:
    """Post a payment that settles nothing and leave it in Odoo's outstanding credits, or post
    it and open a case for an operator to match it to its invoice (casework)."""
    return _setting_set(
        user=user,
        actor=actor,
        flow_id=flow_id,
        field="unmatched_receipts",
        choices=UnmatchedReceipts,
        value=policy,
        reason=reason,
        what="unmatched receipts",
    )
