"""When Odoo's reference data was last read for each legal entity (for the connection test)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from console.mappings.models import ReferenceRefresh


@dataclass(frozen=True)
class LastRead:
    at: datetime
    by: str
    models: int


def reference_last_read(entity_ids: Iterable[int]) -> dict[int, LastRead]:
    """The newest read of any model per entity; an entity never read is absent."""
    found: dict[int, LastRead] = {}
    counts: dict[int, int] = {}
    rows = ReferenceRefresh.objects.filter(entity_id__in=list(entity_ids)).order_by("refreshed_at")
    for entity_id, at, by in rows.values_list("entity_id", "refreshed_at", "refreshed_by"):
        counts[entity_id] = counts.get(entity_id, 0) + 1
        found[entity_id] = LastRead(at, by, counts[entity_id])
    return found
