"""What a mapping change would do, shown to the controller before deciding: the open cases
and money it unblocks, and the events already posted with a version it replaces (which
stay as they were posted: nothing is re-posted silently)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum

from console.casework.models import OPEN_STATES, ExceptionCase
from console.mappings.models import ChangeRequest, RowChange
from console.sync.models import EventState, SyncEvent
from console.sync.services.resolution import mapping_block_key
from integrations.canonical import CENT


@dataclass
class RowImpact:
    position: int
    kind: str
    source_value: str
    op: str
    waiting_events: int = 0
    open_cases: int = 0
    money: dict[str, Decimal] = field(default_factory=dict)
    posted_with_replaced: int = 0
    posted_since_valid_from: int = 0


@dataclass
class Impact:
    rows: list[RowImpact]
    valid_from: datetime | None

    @property
    def waiting_events(self) -> int:
        return sum(r.waiting_events for r in self.rows)

    @property
    def open_cases(self) -> int:
        return sum(r.open_cases for r in self.rows)

    @property
    def money(self) -> dict[str, Decimal]:
        total: dict[str, Decimal] = {}
        for row in self.rows:
            for currency, amount in row.money.items():
                total[currency] = total.get(currency, Decimal(0)) + amount
        return dict(sorted(total.items()))

    @property
    def posted_with_replaced(self) -> int:
        return sum(r.posted_with_replaced for r in self.rows)

    @property
    def posted_since_valid_from(self) -> int:
        return sum(r.posted_since_valid_from for r in self.rows)


def _posted_using(entity_id: int, version_id: int, since: datetime | None) -> tuple[int, int]:
    """Posted events that used this mapping version, and how many of them occurred since `since`."""
    posted = SyncEvent.objects.filter(entity_id=entity_id, state=EventState.POSTED)
    if connection.vendor == "postgresql":
        using = posted.filter(mapping_versions__contains=[version_id])
        return using.count(), (using.filter(occurred_at__gte=since).count() if since else 0)
    # SQLite has no JSON containment: the embedded database holds demo-sized data.
    total = later = 0
    for versions, occurred in posted.values_list("mapping_versions", "occurred_at").iterator():
        if version_id in (versions or ()):
            total += 1
            later += bool(since and occurred >= since)
    return total, later


def change_impact(request: ChangeRequest) -> Impact:
    rows: list[RowChange] = list(request.rows.all())
    code = request.entity.code
    keys = {mapping_block_key(r.kind, r.source_value, code): r for r in rows if r.odoo_id is not None}
    impacts = {r.pk: RowImpact(r.position, r.kind, r.source_value, r.op) for r in rows}
    waiting = (
        SyncEvent.objects.filter(state=EventState.BLOCKED, blocked_on__in=keys)
        .values("blocked_on")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("blocked_on", "n")
    )
    for key, n in waiting:
        impacts[keys[key].pk].waiting_events = n
    cases = (
        ExceptionCase.objects.filter(state__in=OPEN_STATES, event__state=EventState.BLOCKED, event__blocked_on__in=keys)
        .values("event__blocked_on", "currency")
        .annotate(n=Count("*"), money=Sum("amount"))
        .order_by()
        .values_list("event__blocked_on", "currency", "n", "money")
    )
    for key, currency, n, money in cases:
        impact = impacts[keys[key].pk]
        impact.open_cases += n
        impact.money[currency] = Decimal(money or 0).quantize(CENT)
    for row in rows:
        if row.replaces_id is not None:
            total, later = _posted_using(request.entity_id, row.replaces_id, request.valid_from)
            impacts[row.pk].posted_with_replaced = total
            impacts[row.pk].posted_since_valid_from = later
    return Impact(rows=[impacts[r.pk] for r in rows], valid_from=request.valid_from)
