"""Events as cross-source matching reads them (console/reconciliation): received events of one
source and kind of an entity, whatever their posting state, except those dismissed (never to
post: a duplicate, a superseded version), which have nothing to be matched with."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from console.sync.models import EventState, SyncEvent

# What the matcher reads of an event: never the posting bookkeeping.
FIELDS = ("id", "entity_id", "source_id", "kind", "external_id", "occurred_at", "payload", "amount", "currency")


def events_to_match(
    *, entity_id: int, source_id: int, kind: str, since: datetime, id_prefix: str = ""
) -> QuerySet[SyncEvent]:
    """The entity's events of that source and kind that occurred since `since`, oldest first."""
    rows = SyncEvent.objects.filter(
        entity_id=entity_id, source_id=source_id, kind=kind, occurred_at__gte=since
    ).exclude(state=EventState.DISMISSED)
    if id_prefix:
        rows = rows.filter(external_id__startswith=id_prefix)
    return rows.only(*FIELDS).order_by("occurred_at", "id")


def events_by_id(ids: Iterable[int]) -> dict[int, SyncEvent]:
    """Events by id, with their source, for pages naming both sides of a match."""
    rows = SyncEvent.objects.filter(pk__in=list(ids)).select_related("source").only(*FIELDS, "source__code", "state")
    return {event.pk: event for event in rows}
