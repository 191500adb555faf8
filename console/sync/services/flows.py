"""Finance's decisions about a flow: what it does with documents whose period Odoo has closed."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from console.access.decorators import role_check
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import SyncError
from console.sync.models import ClosedPeriod, Flow


class FlowNotFound(SyncError):
    pass


@transaction.atomic
def flow_closed_period_set(*, user: Any, actor: Actor, flow_id: int, policy: str, reason: str) -> Flow:
    """Accept and flag (post into the next open period) or hold as a case before posting.
    A controller's decision, with a reason, audited; it applies to events posted from now on."""
    role_check(user, Role.CONTROLLER, doing="deciding what a flow does with closed periods")
    reason = (reason or "").strip()
    if not reason:
        raise SyncError("changing a flow's closed-period setting needs a reason")
    if policy not in ClosedPeriod.values:
        raise SyncError(f"{policy!r} is not a closed-period setting: use one of {', '.join(ClosedPeriod.values)}")
    flow = Flow.objects.select_for_update().filter(pk=flow_id).first()
    if flow is None:
        raise FlowNotFound(f"no flow {flow_id}")
    if flow.closed_period == policy:
        raise SyncError(f"flow {flow.name!r} already does this: {ClosedPeriod(policy).label.lower()}")
    before = flow.closed_period
    flow.closed_period = policy
    flow.save(update_fields=["closed_period"])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="flow.closed_period_changed",
            object_type="flow",
            object_id=str(flow.pk),
            before={"closed_period": before},
            after={"closed_period": policy},
            reason=reason,
        ),
    )
    return flow
