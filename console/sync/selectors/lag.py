"""Freshness and health per flow: what is late, what failed, what came twice."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from console.sync.models import DuplicateAttempt, EventState, Flow, PostingAttempt, PostingOutcome, SyncEvent
from console.sync.models.events import UNPOSTED_STATES

FAILED_OUTCOMES = (PostingOutcome.DATA_ERROR, PostingOutcome.CONFIG_ERROR, PostingOutcome.TRANSIENT_ERROR)


@dataclass(frozen=True)
class FlowHealth:
    flow_id: int
    flow_name: str
    source_code: str
    event_kind: str
    slo_seconds: int
    unposted: int
    oldest_unposted_age_seconds: float | None
    posted_in_window: int
    latency_p50_seconds: float | None
    latency_p95_seconds: float | None
    failed_attempts_in_window: int
    failed_events: int
    needs_attention: int
    duplicates_in_window: int
    # Posted within the window into a later period than their date (a lock date moved them);
    # the window's ends go into the link, so the list it opens counts the same events.
    booked_later_in_window: int = 0
    # A paused flow posts nothing until it resumes: who paused it, when and why. Its events
    # stay unposted and its lag keeps growing, as it should (services/flow_pause.py).
    paused_at: datetime | None = None
    paused_by: str = ""
    pause_reason: str = ""

    @property
    def status(self) -> str:
        """green within the SLO, amber past half of it... red past it (freshness or p95)."""
        worst = max(self.oldest_unposted_age_seconds or 0.0, self.latency_p95_seconds or 0.0)
        if worst > self.slo_seconds:
            return "red"
        if worst > self.slo_seconds / 2:
            return "amber"
        return "green"


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks, as PostgreSQL's percentile_cont."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return float(sorted_values[low])
    return float(sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low))


def _latencies(events: QuerySet[SyncEvent], since: datetime) -> dict[int, tuple[int, float | None, float | None]]:
    posted = events.filter(state=EventState.POSTED, posted_at__gte=since)
    if connection.vendor == "postgresql":
        # The posted rows' own columns, not their ids: the index syncevent_posted holds all of them.
        rows_sql, params = posted.values("flow_id", "occurred_at", "posted_at").query.sql_with_params()
        query = (
            "SELECT flow_id, count(*), "
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM posted_at - occurred_at)), "
            "percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM posted_at - occurred_at)) "
            f"FROM ({rows_sql}) AS posted "
            "GROUP BY flow_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return {int(f): (int(n), float(p50), float(p95)) for f, n, p50, p95 in cursor.fetchall()}
    by_flow: dict[int, list[float]] = {}
    for flow_id, occurred, done in posted.values_list("flow_id", "occurred_at", "posted_at").iterator():
        if done is not None:
            by_flow.setdefault(flow_id, []).append((done - occurred).total_seconds())
    out: dict[int, tuple[int, float | None, float | None]] = {}
    for flow_id, values in by_flow.items():
        values.sort()
        out[flow_id] = (len(values), percentile(values, 0.5), percentile(values, 0.95))
    return out


def flows_health(
    *,
    window: timedelta = timedelta(hours=24),
    entity_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    flows: Iterable[Flow] | None = None,
) -> list[FlowHealth]:
    """One row per flow (of `flows`, when given: those the person may see)."""
    now = now or timezone.now()
    since = now - window
    events = SyncEvent.objects.all()
    attempts = PostingAttempt.objects.all()
    duplicates = DuplicateAttempt.objects.all()
    if entity_ids is not None:
        ids = list(entity_ids)
        events = events.filter(entity_id__in=ids)
        attempts = attempts.filter(event__entity_id__in=ids)
        duplicates = duplicates.filter(event__entity_id__in=ids)

    # One pass over the unposted events, in the order of the index syncevent_unposted (which
    # holds every column needed), so that PostgreSQL counts each group as it streams by.
    unposted: dict[int, dict[str, Any]] = {}
    stuck: Counter[tuple[int, str]] = Counter()
    for flow_id, state, n, oldest in (
        events.filter(state__in=UNPOSTED_STATES)
        .values("entity_id", "state", "flow_id")
        .annotate(n=Count("*"), oldest=Min("occurred_at"))
        .order_by()
        .values_list("flow_id", "state", "n", "oldest")
    ):
        per_flow = unposted.setdefault(flow_id, {"n": 0, "oldest": oldest})
        per_flow["n"] += n
        per_flow["oldest"] = min(per_flow["oldest"], oldest)
        if state in (EventState.FAILED, EventState.BLOCKED):
            stuck[(flow_id, state)] += n
    failed_attempts = dict(
        attempts.filter(outcome__in=FAILED_OUTCOMES, finished_at__gte=since)
        .values("event__flow_id")
        .annotate(n=Count("id"))
        .values_list("event__flow_id", "n")
    )
    dupes = dict(
        duplicates.filter(received_at__gte=since)
        .values("event__flow_id")
        .annotate(n=Count("id"))
        .values_list("event__flow_id", "n")
    )
    latencies = _latencies(events, since)
    booked_later = dict(
        events.filter(state=EventState.POSTED, booked_later=True, posted_at__range=(since, now))
        .values("flow_id")
        .annotate(n=Count("id"))
        .values_list("flow_id", "n")
    )
    health = []
    shown = Flow.objects.select_related("source").order_by("source__code", "event_kind") if flows is None else flows
    for flow in shown:
        row = unposted.get(flow.pk)
        oldest = row["oldest"] if row else None
        posted_n, p50, p95 = latencies.get(flow.pk, (0, None, None))
        health.append(
            FlowHealth(
                flow_id=flow.pk,
                flow_name=flow.name,
                source_code=flow.source.code,
                event_kind=flow.event_kind,
                slo_seconds=flow.freshness_slo_seconds,
                unposted=row["n"] if row else 0,
                oldest_unposted_age_seconds=(now - oldest).total_seconds() if oldest else None,
                posted_in_window=posted_n,
                latency_p50_seconds=p50,
                latency_p95_seconds=p95,
                failed_attempts_in_window=failed_attempts.get(flow.pk, 0),
                failed_events=stuck[(flow.pk, EventState.FAILED)],
                needs_attention=stuck[(flow.pk, EventState.BLOCKED)],
                duplicates_in_window=dupes.get(flow.pk, 0),
                booked_later_in_window=booked_later.get(flow.pk, 0),
                paused_at=flow.paused_at,
                paused_by=flow.paused_by,
                pause_reason=flow.pause_reason,
            )
        )
    return health
