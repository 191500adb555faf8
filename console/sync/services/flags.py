"""Asking for a second look at an event without holding it back from Odoo."""

from __future__ import annotations

from console.audit.actors import Actor
from console.sync.models import SyncEvent
from console.sync.signals import event_flagged


def event_flag(*, event_id: int, reason_code: str, message: str, actor: Actor) -> SyncEvent:
    """Signal that the event deserves a person's second look (casework opens a case, in this
    transaction); its posting goes on unchanged."""
    event = SyncEvent.objects.select_related("entity").get(pk=event_id)
    event_flagged.send(sender=SyncEvent, event=event, actor=actor, reason_code=reason_code, message=message)
    return event
