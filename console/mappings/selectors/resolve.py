"""Reading mappings: which Odoo record a source code meant at a moment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

from console.mappings.models import Mapping


def mapping_resolve(*, kind: str, source_value: str, entity_id: int, at: datetime) -> Mapping | None:
    """The version in force at `at`, or None when none is (or it was retired)."""
    row = (
        Mapping.objects.filter(kind=kind, entity_id=entity_id, source_value=source_value, valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .order_by("-valid_from")
        .first()
    )
    if row is None or row.odoo_id is None:
        return None
    return row


def mapping_candidates(*, entity_ids: Iterable[int], kinds: Iterable[str]) -> list[Mapping]:
    """Every version for these entities and kinds, for resolving a batch in memory."""
    return list(Mapping.objects.filter(entity_id__in=list(entity_ids), kind__in=list(kinds)).order_by("valid_from"))


class MappingTable:
    """All versions of a batch's entities, resolved in memory without a query per code."""

    def __init__(self, rows: Iterable[Mapping]) -> None:
        self._rows: dict[tuple[str, int, str], list[Mapping]] = {}
        for row in rows:
            self._rows.setdefault((row.kind, row.entity_id, row.source_value), []).append(row)

    def resolve(self, *, kind: str, source_value: str, entity_id: int, at: datetime) -> Mapping | None:
        found: Mapping | None = None
        for row in self._rows.get((kind, entity_id, source_value), ()):
            if row.valid_from <= at and (row.valid_to is None or row.valid_to > at):
                found = row
        if found is None or found.odoo_id is None:
            return None
        return found
