"""A source reports documents it changed after they were recorded (a Shopify order edited after
it was invoiced). Nothing posts again, silently or otherwise: the posted document stays as it is
and the exception workbench opens a case for a person to compare (casework listens to the signal)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from console.audit.actors import Actor
from console.sync.models import EventState, SourceSystem, SyncEvent
from console.sync.signals import events_changed_at_source


@transaction.atomic
def events_changed_report(
    *, source: SourceSystem, external_ids: Sequence[str], actor: Actor, note: str
) -> list[SyncEvent]:
    """The source's events with these external ids, of any kind, oldest first; those already
    posted are signalled (a case each). The others will post the version received first."""
    events = list(
        SyncEvent.objects.filter(source=source, external_id__in=set(external_ids))
        .select_related("entity")
        .order_by("pk")
    )
    posted = [event for event in events if event.state == EventState.POSTED]
    if posted:
        events_changed_at_source.send(sender=SyncEvent, events=posted, actor=actor, note=note)
    return events
