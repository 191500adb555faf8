"""The demo terminal's progress line: what came in, what posted, what waits, the queues."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from console.casework.models import OpenCaseTally
from console.celery import queue_depths
from console.sync.models import EventState, SyncEvent

WAITING = (EventState.QUEUED, EventState.POSTING, EventState.RETRY_WAIT)


@dataclass(frozen=True)
class Progress:
    received: int
    posted: int
    waiting: int
    needs_attention: int
    failed: int
    open_cases: int
    queues: dict[str, int]


def progress_read() -> Progress:
    states = dict(SyncEvent.objects.order_by().values_list("state").annotate(n=Count("pk")))
    open_cases = OpenCaseTally.objects.aggregate(n=Sum("cases"))["n"] or 0
    return Progress(
        received=sum(states.values()),
        posted=states.get(EventState.POSTED, 0),
        waiting=sum(states.get(state, 0) for state in WAITING),
        needs_attention=states.get(EventState.BLOCKED, 0),
        failed=states.get(EventState.FAILED, 0),
        open_cases=int(open_cases),
        queues=queue_depths(),
    )


def progress_line(now: Progress, before: Progress | None) -> str:
    def grew(value: int, old: int | None) -> str:
        return f"{value:,}" if old is None else f"{value:,} (+{value - old:,})"

    queues = " ".join(f"{name} {depth}" for name, depth in sorted(now.queues.items()))
    return (
        f"events received {grew(now.received, before.received if before else None)}, "
        f"posted {grew(now.posted, before.posted if before else None)}, waiting {now.waiting:,}, "
        f"needs attention {now.needs_attention:,}, failed {now.failed:,}; open cases {now.open_cases:,}; "
        f"messages queued: {queues}"
    )
