"""Reading the audit trail for auditors, scoped to the entities granted to them.

Rows without an entity (sign-ins, users, service accounts) are about the
console itself and are visible to every auditor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from console.access.selectors import entity_codes_visible
from console.audit.models import CHANGE_CORRELATION, ActorType, AuditEvent, AuditVerification

PAGE_SIZE = 50
# An auditor's "verify the chain now" (verify_now.py): the press, and how long a check it
# started is shown as running (a message lost with its worker must not say so for ever).
VERIFY_REQUESTED = "audit.verify_requested"
VERIFY_SHOWN_RUNNING = timedelta(minutes=10)


@dataclass(frozen=True)
class AuditFilter:
    since: date | None = None
    until: date | None = None
    actor: str = ""
    action: str = ""
    entity: str = ""
    object_type: str = ""
    object_id: str = ""
    correlation_id: str = ""
    # People's decisions only: rows a signed-in person wrote, not the system's, a service
    # account's or a failed sign-in's.
    people_only: bool = False
    before_sequence: int | None = None
    time_zone: str = "UTC"


def audit_events_visible(user: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(Q(entity_code="") | Q(entity_code__in=entity_codes_visible(user)))


def _day_start(day: date, zone: str) -> datetime | None:
    """Midnight of the day in the person's zone, in UTC; None past either end of the calendar
    (0001-01-01 east of UTC, the day after 9999-12-31): the period is then open on that side."""
    try:
        return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    except OverflowError:
        return None


def _day_after(day: date, zone: str) -> datetime | None:
    return None if day == date.max else _day_start(day + timedelta(days=1), zone)


def _sequence_range(period: dict[str, datetime]) -> tuple[int | None, int | None]:
    in_period = AuditEvent.objects.filter(**period).values("sequence")
    sql, params = in_period.query.sql_with_params()
    # OFFSET 0 keeps the planner from turning min()/max() into a walk of the
    # sequence index from one end of the trail; the range is read from the
    # (occurred_at, sequence) index instead.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(s.sequence), max(s.sequence) FROM ({sql} LIMIT -1 OFFSET 0) s"
            if connection.vendor == "sqlite"
            else f"SELECT min(s.sequence), max(s.sequence) FROM ({sql} OFFSET 0) s",
            params,
        )
        low, high = cursor.fetchone()
    return low, high


def audit_events_filtered(user: Any, f: AuditFilter) -> QuerySet[AuditEvent]:
    rows = audit_events_visible(user)
    start = _day_start(f.since, f.time_zone) if f.since else None
    end = _day_after(f.until, f.time_zone) if f.until else None
    if start is not None or end is not None:
        period: dict[str, datetime] = {}
        if start is not None:
            period["occurred_at__gte"] = start
        if end is not None:
            period["occurred_at__lt"] = end
        # The period's sequence range, from the (occurred_at, sequence) index, bounds
        # the other filters' index scans; the time filter itself stays, so the
        # answer is exact whatever the clock did between rows.
        low, high = _sequence_range(period)
        if low is None:
            return rows.none()
        rows = rows.filter(sequence__gte=low, sequence__lte=high, **period)
    if f.people_only:
        rows = rows.filter(actor_type=ActorType.USER)
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
    if f.correlation_id:
        rows = rows.filter(correlation_id=f.correlation_id)
        if f.correlation_id.startswith(CHANGE_CORRELATION):
            # Repeats what the partial index holds, so that the planner may use it.
            rows = rows.filter(correlation_id__startswith=CHANGE_CORRELATION)
    return rows.order_by("-sequence")


def audit_page(user: Any, f: AuditFilter) -> tuple[list[AuditEvent], int | None]:
    """One page, newest first, and the sequence to continue from (keyset: no COUNT over millions)."""
    rows = audit_events_filtered(user, f)
    if f.before_sequence is not None:
        rows = rows.filter(sequence__lt=f.before_sequence)
    page = list(rows.select_related("actor_user")[: PAGE_SIZE + 1])
    more = page[PAGE_SIZE].sequence + 1 if len(page) > PAGE_SIZE else None
    return page[:PAGE_SIZE], more


def _distinct(column: str) -> list[str]:
    """The values on record of an indexed column (the leading column of one of the trail's
    indexes), by a loose index scan: one index probe per value, where SELECT DISTINCT would
    read every row of the trail."""
    table = AuditEvent._meta.db_table
    sql = (
        f"WITH RECURSIVE found(v) AS ("
        f" SELECT min({column}) FROM {table}"
        f" UNION ALL"
        f" SELECT (SELECT min(t.{column}) FROM {table} t WHERE t.{column} > found.v)"
        f" FROM found WHERE found.v IS NOT NULL"
        f") SELECT v FROM found WHERE v IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def audit_actions() -> list[str]:
    """The actions on record (the (action, sequence) index)."""
    return _distinct("action")


def audit_object_types() -> list[str]:
    """The kinds of object on record (the (object_type, object_id, sequence) index): the
    auditor picks one from these rather than typing it."""
    return _distinct("object_type")


def audit_latest_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-finished_at").first()


def audit_verification_last_failure() -> AuditVerification | None:
    """The latest check that failed. Results are insert-only, so a failure stays on the page
    even when a later row says OK: forging "last verification OK" cannot hide it."""
    return AuditVerification.objects.filter(ok=False).order_by("-finished_at").first()


def verify_triggered_by(label: str) -> str:
    """The check result's `triggered_by` for a person's press (the column is shorter than a username)."""
    field = AuditVerification._meta.get_field("triggered_by")
    return f"person:{label}"[: field.max_length]


def audit_verify_press_latest() -> AuditEvent | None:
    return AuditEvent.objects.filter(action=VERIFY_REQUESTED).order_by("-sequence").first()


def audit_verify_check_of(press: AuditEvent) -> AuditVerification | None:
    """The check a press started (None while it runs): one a minute at most, so the first
    by that person since the press."""
    return (
        AuditVerification.objects.filter(
            triggered_by=verify_triggered_by(press.actor_label), started_at__gte=press.occurred_at
        )
        .order_by("started_at")
        .first()
    )


def audit_verify_running() -> AuditEvent | None:
    """The latest press, while the check it started has not finished (for the page)."""
    press = audit_verify_press_latest()
    if press is None or timezone.now() - press.occurred_at > VERIFY_SHOWN_RUNNING:
        return None
    return None if audit_verify_check_of(press) is not None else press
