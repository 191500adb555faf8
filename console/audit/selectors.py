"""Reading the audit trail for auditors, scoped to the entities granted to them.

Rows without an entity (sign-ins, users, service accounts) are about the
console itself and are visible to every auditor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from console.access.selectors import entity_ids_visible
from console.audit.models import AuditEvent, AuditVerification
from console.sync.models import LegalEntity

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    since: date | None = None
    until: date | None = None
    actor: str = ""
    action: str = ""
    entity: str = ""
    object_type: str = ""
    object_id: str = ""
    before_sequence: int | None = None
    time_zone: str = "UTC"


def visible_entity_codes(user: Any) -> list[str]:
    return list(LegalEntity.objects.filter(pk__in=entity_ids_visible(user)).values_list("code", flat=True))


def audit_events_visible(user: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(Q(entity_code="") | Q(entity_code__in=visible_entity_codes(user)))


def _day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def audit_events_filtered(user: Any, f: AuditFilter) -> QuerySet[AuditEvent]:
    rows = audit_events_visible(user)
    if f.since:
        rows = rows.filter(occurred_at__gte=_day_start(f.since, f.time_zone))
    if f.until:
        rows = rows.filter(occurred_at__lt=_day_start(f.until + timedelta(days=1), f.time_zone))
    if f.actor:
        # Exact: a substring search cannot use an index over millions of rows.
        rows = rows.filter(actor_label=f.actor)
    if f.action:
        rows = rows.filter(action=f.action)
    if f.entity:
        rows = rows.filter(entity_code=f.entity)
    if f.object_type:
        rows = rows.filter(object_type=f.object_type)
    if f.object_id:
        rows = rows.filter(object_id=f.object_id)
    return rows.order_by("-sequence")


def audit_page(user: Any, f: AuditFilter) -> tuple[list[AuditEvent], int | None]:
    """One page, newest first, and the sequence to continue from (keyset: no COUNT over millions)."""
    rows = audit_events_filtered(user, f)
    if f.before_sequence is not None:
        rows = rows.filter(sequence__lt=f.before_sequence)
    page = list(rows.select_related("actor_user")[: PAGE_SIZE + 1])
    more = page[PAGE_SIZE].sequence + 1 if len(page) > PAGE_SIZE else None
    return page[:PAGE_SIZE], more


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("action", flat=True).distinct())


def audit_latest_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-finished_at").first()
