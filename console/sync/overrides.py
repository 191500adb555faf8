"""Overrides of payload fields by dotted path ("lines.0.tax_code"), and their diff.

The payload as received stays as it was; the override is kept beside it and
applied on top when the event is resolved for posting.
"""

from __future__ import annotations

import copy
from typing import Any


class OverrideError(ValueError):
    pass


def _parent(doc: Any, path: str) -> tuple[Any, str | int]:
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise OverrideError(f"{path!r} is not a field path (use names and list positions: lines.0.tax_code)")
    node = doc
    for part in parts[:-1]:
        node = _step(node, part, path)
    last = parts[-1]
    if isinstance(node, list):
        return node, _index(node, last, path)
    if not isinstance(node, dict):
        raise OverrideError(f"{path!r}: {parts[-2] if len(parts) > 1 else 'the payload'} has no fields")
    return node, last


def _index(node: list[Any], part: str, path: str) -> int:
    if not part.isdigit() or int(part) >= len(node):
        raise OverrideError(f"{path!r}: {part!r} is not a position in a list of {len(node)}")
    return int(part)


def _step(node: Any, part: str, path: str) -> Any:
    if isinstance(node, list):
        return node[_index(node, part, path)]
    if isinstance(node, dict) and part in node:
        return node[part]
    raise OverrideError(f"{path!r}: there is no field {part!r}")


def payload_value(doc: Any, path: str) -> Any:
    parent, key = _parent(doc, path)
    if isinstance(parent, dict) and key not in parent:
        return None
    return parent[key]


def payload_apply(payload: Any, override: dict[str, Any]) -> Any:
    if not override:
        return payload
    doc = copy.deepcopy(payload)
    for path, value in override.items():
        parent, key = _parent(doc, path)
        parent[key] = value
    return doc


def override_diff(payload: Any, override: dict[str, Any]) -> list[dict[str, Any]]:
    """[{path, before, after}] of the fields the override really changes."""
    return [
        {"path": path, "before": payload_value(payload, path), "after": value}
        for path, value in sorted(override.items())
        if payload_value(payload, path) != value
    ]
