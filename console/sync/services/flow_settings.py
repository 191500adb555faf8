"""An integration admin's settings of a flow: its name, business process, real-time or batch,
and freshness SLO. Finance's decisions about a flow (closed periods, unmatched receipts) are a
controller's and live in flows.py; the pause in flow_pause.py."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction

from console.access.decorators import role_check
from console.access.roles import Role
from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record
from console.sync.errors import SyncError
from console.sync.models import BusinessProcess, Flow, FlowMode
from console.sync.services.flow_pause import flow_entity_check, flow_locked

# A minute at the least (the dashboard is read by people, who refresh it), a week at the most
# (a batch flow that posts weekly is late after that).
SLO_MIN_SECONDS = 60
SLO_MAX_SECONDS = 7 * 24 * 3600
NAME_MAX = 100


@dataclass(frozen=True)
class FlowSettings:
    name: str
    business_process: str
    mode: str
    freshness_slo_seconds: int

    @classmethod
    def of(cls, flow: Flow) -> FlowSettings:
        return cls(flow.name, flow.business_process, flow.mode, flow.freshness_slo_seconds)


def flow_settings_checked(wanted: FlowSettings) -> FlowSettings:
    name = wanted.name.strip()
    if not name:
        raise SyncError("name: a flow needs a name")
    if len(name) > NAME_MAX:
        raise SyncError(f"name: {len(name)} characters, at most {NAME_MAX}")
    if wanted.business_process not in BusinessProcess.values:
        raise SyncError(
            f"business process: {wanted.business_process!r} is not one of {', '.join(BusinessProcess.values)}"
        )
    if wanted.mode not in FlowMode.values:
        raise SyncError(f"mode: {wanted.mode!r} is not one of {', '.join(FlowMode.values)}")
    slo = wanted.freshness_slo_seconds
    if not SLO_MIN_SECONDS <= slo <= SLO_MAX_SECONDS:
        raise SyncError("freshness SLO: between 1 minute and 7 days")
    return FlowSettings(name, wanted.business_process, wanted.mode, slo)


@transaction.atomic
def flow_settings_change(
    *, flow_id: int, user: Any | None, actor: Actor, settings: FlowSettings, reason: str
) -> tuple[Flow, bool]:
    """Change the settings; returns the flow and whether anything changed (nothing changed
    writes nothing). None for `user` is the shell."""
    doing = "changing a flow's settings"
    if user is not None:
        role_check(user, Role.ADMIN, doing=doing)
    wanted = flow_settings_checked(settings)
    flow = flow_locked(flow_id)
    entity_code = flow_entity_check(user, flow, doing=doing)
    before = FlowSettings.of(flow)
    if wanted == before:
        return flow, False
    reason = (reason or "").strip()
    if not reason:
        raise SyncError("reason: say why the flow's settings change")
    flow.name, flow.business_process, flow.mode, flow.freshness_slo_seconds = (
        wanted.name,
        wanted.business_process,
        wanted.mode,
        wanted.freshness_slo_seconds,
    )
    flow.save(update_fields=["name", "business_process", "mode", "freshness_slo_seconds"])
    changed = [key for key, value in asdict(wanted).items() if asdict(before)[key] != value]
    audit_record(
        actor=actor,
        entry=AuditEntry(
            action="flow.settings_changed",
            object_type="flow",
            object_id=str(flow.pk),
            entity_code=entity_code,
            before={key: asdict(before)[key] for key in changed},
            after={key: asdict(wanted)[key] for key in changed},
            reason=reason,
        ),
    )
    return flow, True
