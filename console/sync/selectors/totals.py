"""Totals for the metrics endpoint, each one aggregate query: events per flow and state,
how long posted events took, how long posting batches took."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum

from console.sync.models import EventState, PostingAttempt, PostingOutcome, SyncEvent

REACHED_ODOO = [outcome for outcome in PostingOutcome.values if outcome != PostingOutcome.BLOCKED]


def events_by_flow_state() -> dict[tuple[int, str], int]:
    """Every event, counted per flow and state (the index syncevent_flow_state holds both)."""
    rows = SyncEvent.objects.values("flow_id", "state").annotate(n=Count("*")).order_by()
    return {(row["flow_id"], row["state"]): row["n"] for row in rows}


@dataclass(frozen=True)
class Buckets:
    """Counts at or under each bound (cumulative, as Prometheus' buckets), the count and sum."""

    at_or_under: list[int]
    count: int
    total_seconds: float


def posting_latency_buckets(*, since: datetime, bounds: Sequence[float]) -> dict[int, Buckets]:
    """Per flow, the events posted since `since` by how long they took from being received to
    being posted: one grouped query with a conditional count per bound."""
    took = ExpressionWrapper(F("posted_at") - F("received_at"), output_field=DurationField())
    per_bound = {f"le_{i}": Count("id", filter=Q(took__lte=timedelta(seconds=b))) for i, b in enumerate(bounds)}
    rows = (
        SyncEvent.objects.filter(state=EventState.POSTED, posted_at__gte=since)
        .annotate(took=took)
        .values("flow_id")
        .annotate(n=Count("id"), total=Sum("took"), **per_bound)
        .order_by()
    )
    out: dict[int, Buckets] = {}
    for found in rows:
        row: dict[str, Any] = dict(found)
        total = row["total"]
        out[row["flow_id"]] = Buckets(
            at_or_under=[row[f"le_{i}"] for i in range(len(bounds))],
            count=row["n"],
            total_seconds=total.total_seconds() if isinstance(total, timedelta) else float(total or 0) / 1e6,
        )
    return out


def posting_batch_seconds(*, since: datetime) -> list[float]:
    """How long each posting batch that reached Odoo took since `since`, from its start to its
    last recorded outcome: resolving mappings, Odoo's search, create and post calls (most of
    it), recording. One row per batch (a batch is up to POSTING_BATCH_SIZE events)."""
    rows = (
        # Outcomes named, not "all but blocked": the index postingattempt_outcome_time then reads
        # each outcome's last hour alone (an exclusion scanned every attempt ever made).
        PostingAttempt.objects.filter(outcome__in=REACHED_ODOO, finished_at__gte=since)
        .values("batch_id")
        .annotate(start=Min("started_at"), end=Max("finished_at"))
        .order_by()
        .values_list("start", "end")
    )
    return [max((end - start).total_seconds(), 0.0) for start, end in rows]
