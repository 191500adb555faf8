"""Which legal entities a flow posts for, and so who may see and change it.

A flow's source is either bound to one entity (a webhook source) or feeds whichever entities its
service accounts may ingest for (the API, and file uploads, which ingest under an account of the
source and the entity). Pausing a flow or changing it changes what posts for every one of those
entities, so only a person holding all of them may; a person holding some sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from console.access.selectors import entity_ids_visible
from console.sync.models import Flow, SourceSystem


def flows_reach(flows: Iterable[Flow]) -> dict[int, frozenset[int]]:
    """Each flow's entity ids, in one query for all the flows' unbound sources."""
    flows = list(flows)
    unbound = {flow.source_id for flow in flows if flow.source.entity_id is None}
    by_source: dict[int, set[int]] = {source_id: set() for source_id in unbound}
    if unbound:
        rows = (
            SourceSystem.objects.filter(pk__in=unbound, service_accounts__is_active=True)
            .values_list("pk", "service_accounts__entities")
            .distinct()
        )
        for source_id, entity_id in rows:
            if source_id in by_source and entity_id is not None:
                by_source[source_id].add(entity_id)
    return {
        flow.pk: frozenset({flow.source.entity_id} if flow.source.entity_id else by_source[flow.source_id])
        for flow in flows
    }


@dataclass(frozen=True)
class FlowAccess:
    flow: Flow
    entity_ids: frozenset[int]
    held: frozenset[int]

    @property
    def visible(self) -> bool:
        """A flow that posts for none of the person's entities is not theirs to see. One that
        posts for nobody yet (no account may feed it) is shown to everyone: nothing of anyone's
        is in it."""
        return not self.entity_ids or bool(self.entity_ids & self.held)

    @property
    def changeable(self) -> bool:
        return self.entity_ids <= self.held


def _flows() -> QuerySet[Flow]:
    return Flow.objects.select_related("source", "source__entity").order_by("source__code", "event_kind")


def flows_access(user: Any, flows: Iterable[Flow] | None = None) -> list[FlowAccess]:
    """The flows the person may see, each with whether they may change it."""
    rows = list(_flows() if flows is None else flows)
    held = frozenset(entity_ids_visible(user))
    reach = flows_reach(rows)
    found = [FlowAccess(flow=flow, entity_ids=reach[flow.pk], held=held) for flow in rows]
    return [access for access in found if access.visible]


def flow_access(user: Any, flow_id: int) -> FlowAccess | None:
    """None for a flow that does not exist and for one the person may not see alike."""
    flow = _flows().filter(pk=flow_id).first()
    if flow is None:
        return None
    found = flows_access(user, [flow])
    return found[0] if found else None
