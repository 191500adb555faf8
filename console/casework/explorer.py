"""The event explorer: any event found by correlation id, external id or Odoo
reference, and its whole story, posted or not. Read-only, entity-filtered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from console.access.selectors import restrict_to_entities
from console.audit.models import AuditEvent
from console.casework.models import CaseActivity, ExceptionCase
from console.casework.selectors import TimelineEntry, event_timeline, pretty_json
from console.sync.models import SyncEvent
from console.sync.overrides import override_diff
from console.sync.periods import later_period_text

MAX_FOUND = 50
# Decisions about the event that its attempts and case activity do not already tell.
AUDITED_DECISIONS = ("event.recorded", "event.requeued", "event.dismissed")


def events_found(user: Any, query: str) -> QuerySet[SyncEvent]:
    query = query.strip()
    if not query:
        return SyncEvent.objects.none()
    rows = SyncEvent.objects.select_related("source", "entity", "flow").defer("payload", "override")
    # odoo_name has no plain index; iexact is UPPER(odoo_name) = UPPER(q), which the search's
    # UPPER(...) index answers on PostgreSQL (sync migration 0004).
    match = Q(external_id=query) | Q(correlation_id=query) | Q(odoo_name__iexact=query)
    if query.isascii() and query.isdigit():
        match |= Q(pk=int(query))
    return restrict_to_entities(rows.filter(match), user).order_by("-received_at")[:MAX_FOUND]


def booked_note(event: SyncEvent) -> str:
    """Where Odoo booked it, when that is a later period than the document's date."""
    if event.booked_later and event.source_date is not None and event.odoo_date is not None:
        return later_period_text(event.source_date, event.odoo_date)
    return ""


@dataclass(frozen=True)
class EventStory:
    event: SyncEvent
    timeline: list[TimelineEntry]
    cases: list[ExceptionCase]
    payload_json: str
    override_diff: list[dict[str, Any]]
    booked_later: str = ""
    # Events a person made from this one in the workbench (a negative invoice's credit note).
    derived: tuple[SyncEvent, ...] = ()


def event_story(user: Any, event_id: int) -> EventStory | None:
    rows = SyncEvent.objects.select_related("source", "entity", "flow")
    event = restrict_to_entities(rows, user).filter(pk=event_id).first()
    if event is None:
        return None
    cases = list(ExceptionCase.objects.filter(event=event).order_by("opened_at"))
    timeline = event_timeline(event, CaseActivity.objects.filter(case__event=event))
    decisions = AuditEvent.objects.filter(
        object_type="sync_event", object_id=str(event.pk), action__in=AUDITED_DECISIONS
    ).order_by("sequence")
    for row in decisions:
        timeline.append(
            TimelineEntry(
                row.occurred_at,
                "audit",
                row.action.replace("event.", "Event ").replace("_", " "),
                who=row.actor_label,
                text=row.reason,
            )
        )
    timeline.sort(key=lambda entry: entry.at)
    return EventStory(
        event=event,
        timeline=timeline,
        cases=cases,
        payload_json=pretty_json(event.payload),
        override_diff=override_diff(event.payload, event.override or {}),
        booked_later=booked_note(event),
        derived=tuple(SyncEvent.objects.filter(derived_from=event).only("pk", "kind", "state").order_by("pk")),
    )
