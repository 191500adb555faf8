"""The hash of one audit row: what audit_verify recomputes.

hash = SHA-256(previous hash + canonical JSON of the row), where the canonical
JSON has sorted keys, no spaces and unescaped non-ASCII. `before` and `after`
are stored as their own canonical JSON text, so the row's text can be rebuilt
from its columns without parsing anything: in Python (row_text) and in
PostgreSQL's verification query (verify.py), which must agree byte for byte.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from datetime import UTC, datetime
from json.encoder import encode_basestring
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


def canonical_value(value: Any) -> str | None:
    """What the before/after columns hold: canonical JSON text, or NULL for nothing."""
    return None if value is None else canonical_json(value)


def normal_ip(address: str | None) -> str | None:
    """The address as PostgreSQL's inet prints it back, so the hashed text survives storage."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ip)


def row_text(
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
    before: str | None,
    after: str | None,
    reason: str,
    correlation_id: str,
    request_ip: str | None,
) -> str:
    """The canonical JSON of a row from its stored columns (keys in sorted order)."""
    q = encode_basestring
    return "".join(
        (
            '{"action":',
            q(action),
            ',"actor_label":',
            q(actor_label),
            ',"actor_type":',
            q(actor_type),
            ',"actor_user_id":',
            "null" if actor_user_id is None else str(int(actor_user_id)),
            ',"after":',
            "null" if after is None else after,
            ',"before":',
            "null" if before is None else before,
            ',"correlation_id":',
            q(correlation_id),
            ',"entity_code":',
            q(entity_code),
            ',"object_id":',
            q(object_id),
            ',"object_type":',
            q(object_type),
            ',"occurred_at":"',
            occurred_at.astimezone(UTC).isoformat(),
            '","reason":',
            q(reason),
            ',"request_ip":',
            "null" if request_ip is None else q(request_ip),
            ',"sequence":',
            str(int(sequence)),
            "}",
        )
    )


def chain_hash(prev_hash: str, text: str) -> str:
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()
