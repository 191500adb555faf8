"""What a case page shows of duplicates: the fields in which a conflicting repeat differs from
the event it repeats, and the earlier event a suspected duplicate may be."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.sync.models import DuplicateAttempt, EventKind, EventState, SyncEvent
from console.sync.services.resolution import suspected_original
from integrations.canonical import Invoice, PayloadError, parse_document

ABSENT = object()


@dataclass(frozen=True)
class FieldDifference:
    path: str  # as an override names it: lines.0.unit_price
    kept: str  # the event's value, as JSON text; "" when the event has no such field
    sent: str  # the repeat's


@dataclass(frozen=True)
class RepeatComparison:
    """The latest conflicting repeat of an event against the event as received."""

    received_at: datetime
    correlation_id: str
    conflicts: int  # how many conflicting repeats the event has had
    differences: list[FieldDifference]
    posted: bool  # the event (the first version) is in Odoo


def payload_paths(doc: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf of a payload by its path (`partner.name`, `lines.0.tax_code`), in the
    payload's order; an empty object or list is a leaf of its own."""
    if isinstance(doc, dict) and doc:
        items: list[tuple[str, Any]] = [(str(key), value) for key, value in doc.items()]
    elif isinstance(doc, list) and doc:
        items = [(str(index), value) for index, value in enumerate(doc)]
    else:
        return {prefix: doc}
    paths: dict[str, Any] = {}
    for key, value in items:
        paths.update(payload_paths(value, f"{prefix}.{key}" if prefix else key))
    return paths


def _shown(value: Any) -> str:
    if value is ABSENT:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def payload_differences(kept: Any, sent: Any) -> list[FieldDifference]:
    """The fields whose values differ between two payloads, the first payload's order first."""
    before, after = payload_paths(kept), payload_paths(sent)
    order = list(before) + [path for path in after if path not in before]
    return [
        FieldDifference(path, _shown(before.get(path, ABSENT)), _shown(after.get(path, ABSENT)))
        for path in order
        if before.get(path, ABSENT) != after.get(path, ABSENT)
    ]


def repeat_comparison(event: SyncEvent) -> RepeatComparison | None:
    """The event's latest conflicting repeat compared with it, or None when it has none."""
    conflicts = DuplicateAttempt.objects.filter(event=event, same_payload=False, payload__isnull=False)
    latest = conflicts.order_by("-received_at", "-pk").first()
    if latest is None:
        return None
    return RepeatComparison(
        received_at=latest.received_at,
        correlation_id=latest.correlation_id,
        conflicts=conflicts.count(),
        differences=payload_differences(event.payload, latest.payload),
        posted=event.state == EventState.POSTED,
    )


def suspected_duplicate_of(event: SyncEvent) -> SyncEvent | None:
    """The earlier bill a suspected duplicate may repeat, by the rule that held it."""
    if event.kind != EventKind.VENDOR_BILL:
        return None
    try:
        doc = parse_document(event.kind, event.effective_payload)
    except PayloadError:
        return None
    return suspected_original(event, doc) if isinstance(doc, Invoice) else None
