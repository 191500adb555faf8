"""Pausing a flow's posting, during an incident or the close, and resuming it.

A paused flow keeps receiving and recording its events (ingestion does not look at the pause):
they wait in their state, queued or waiting to retry, and no claim takes them (claims.py). So the
dashboard keeps counting them as unposted and its lag keeps growing, which is the truth: they
are late. Nothing is failed, blocked or given a case for a pause. Resuming sends the waiting
events to the workers in batches, and each posts once as any event does.

Who may: pausing only stops posting and loses nothing, so whoever notices the incident may pull
it (operators, controllers, integration admins). Resuming puts the backlog into the books, so it
is a controller's or an integration admin's. Auditors change nothing. Either way the person must
hold every legal entity the flow posts for (selectors/flows.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from console.access.decorators import role_check
from console.access.roles import Role
from console.access.selectors import entity_ids_visible
from console.audit.actors import Actor
from console.audit.reasons import reason_checked
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import SyncError
from console.sync.models import Flow, LegalEntity, SyncEvent
from console.sync.selectors.flows import flows_reach
from console.sync.services.claims import claimable_q
from console.sync.services.dispatch import chunks_by_group, message_send
from console.sync.services.flows import FlowNotFound

PAUSERS = (Role.OPERATOR, Role.CONTROLLER, Role.ADMIN)
RESUMERS = (Role.CONTROLLER, Role.ADMIN)


def flow_locked(flow_id: int) -> Flow:
    flow = Flow.objects.select_for_update(of=("self",)).select_related("source").filter(pk=flow_id).first()
    if flow is None:
        raise FlowNotFound(f"no flow {flow_id}")
    return flow


def flow_entity_check(user: Any | None, flow: Flow, *, doing: str) -> str:
    """The person holds every entity the flow posts for; the code of its one entity for the
    audit row ("" when it posts for several or none). None is the shell (manage.py)."""
    reach = flows_reach([flow])[flow.pk]
    if user is not None:
        held = set(entity_ids_visible(user))
        if reach and not reach & held:
            # A flow of nobody's entity the person holds is not named as existing.
            raise FlowNotFound(f"no flow {flow.pk}")
        if not reach <= held:
            raise PermissionDenied(f"{doing} {flow.name!r} needs every legal entity it posts for")
    if len(reach) == 1:
        return str(LegalEntity.objects.filter(pk=next(iter(reach))).values_list("code", flat=True).first() or "")
    return ""


def _state(flow: Flow) -> dict[str, Any]:
    return {
        "paused": flow.is_paused,
        "paused_at": flow.paused_at.isoformat() if flow.paused_at else None,
        "paused_by": flow.paused_by,
        "pause_reason": flow.pause_reason,
    }


@transaction.atomic
def flow_pause(*, flow_id: int, user: Any | None, actor: Actor, reason: str) -> Flow:
    """Stop posting the flow's events from now on; a batch a worker claimed before this commits
    finishes."""
    doing = "pausing the flow"
    if user is not None:
        role_check(user, *PAUSERS, doing=doing)
    reason = reason_checked(reason, doing, SyncError)
    flow = flow_locked(flow_id)
    entity_code = flow_entity_check(user, flow, doing=doing)
    if flow.is_paused:
        raise SyncError(f"flow {flow.name!r} is paused already (by {flow.paused_by}: {flow.pause_reason})")
    before = _state(flow)
    flow.paused_at, flow.paused_by, flow.pause_reason = timezone.now(), actor.label, reason
    flow.save(update_fields=["paused_at", "paused_by", "pause_reason"])
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="flow.paused",
            object_type="flow",
            object_id=str(flow.pk),
            entity_code=entity_code,
            before=before,
            after=_state(flow),
            reason=reason,
        ),
    )
    return flow


def _backlog(flow: Flow) -> list[tuple[int, int, str]]:
    """The flow's events a claim may take once it resumes: (id, entity_id, kind), oldest first."""
    rows = SyncEvent.objects.filter(flow_id=flow.pk).filter(claimable_q(paused_too=True))
    return list(rows.order_by("pk").values_list("pk", "entity_id", "kind"))


def _send_on_commit(backlog: list[tuple[int, int, str]]) -> None:
    """A message per batch of each entity and kind, as for a large delivery: several workers
    take the backlog side by side, and a message that finds its events taken does nothing."""
    chunked = chunks_by_group(backlog, settings.POSTING_BATCH_SIZE)

    def send() -> None:
        for chunks in chunked.values():
            for ids in chunks:
                message_send(ids)

    if chunked:
        transaction.on_commit(send)


@transaction.atomic
def flow_resume(*, flow_id: int, user: Any | None, actor: Actor, reason: str) -> tuple[Flow, int]:
    """Post again: the flow's waiting events are sent to the workers after commit. Returns the
    flow and how many events were sent."""
    doing = "resuming the flow"
    if user is not None:
        role_check(user, *RESUMERS, doing=doing)
    reason = reason_checked(reason, doing, SyncError)
    flow = flow_locked(flow_id)
    entity_code = flow_entity_check(user, flow, doing=doing)
    if not flow.is_paused:
        raise SyncError(f"flow {flow.name!r} is not paused")
    before = _state(flow)
    flow.paused_at, flow.paused_by, flow.pause_reason = None, "", ""
    flow.save(update_fields=["paused_at", "paused_by", "pause_reason"])
    backlog = _backlog(flow)
    # Sent now: the sweeper does not send them again before SWEEP_STALE_QUEUED_SECONDS.
    now = timezone.now()
    ids = [pk for pk, _, _ in backlog]
    for start in range(0, len(ids), 1000):
        SyncEvent.objects.filter(pk__in=ids[start : start + 1000]).update(enqueued_at=now)
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="flow.resumed",
            object_type="flow",
            object_id=str(flow.pk),
            entity_code=entity_code,
            before=before,
            after={**_state(flow), "events_sent": len(backlog)},
            reason=reason,
        ),
    )
    _send_on_commit(backlog)
    return flow, len(backlog)
