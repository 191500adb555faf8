"""The hash of one audit row: what audit_verify recomputes."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64
# The hashed fields of a row, in the order they are stored, then its two hashes.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_type",
    "actor_user_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "entity_code",
    "before",
    "after",
    "reason",
    "correlation_id",
    "request_ip",
)
STORED_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def row_fields(
    *,
    sequence: int,
    occurred_at: datetime,
    actor_type: str,
    actor_user_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    entity_code: str,
    before: Any,
    after: Any,
    reason: str,
    correlation_id: str,
    request_ip: str | None,
) -> dict[str, Any]:
    return {
        "sequence": sequence,
        "occurred_at": occurred_at.isoformat(),
        "actor_type": actor_type,
        "actor_user_id": actor_user_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "entity_code": entity_code,
        "before": before,
        "after": after,
        "reason": reason,
        "correlation_id": correlation_id,
        "request_ip": request_ip,
    }


def chain_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()
