"""Overrides of payload fields by dotted path ("lines.0.tax_code"), and their diff.

The payload as received stays as it was; the override is kept beside it and
applied on top when the event is resolved for posting. Applying a path creates the
objects it passes through that the payload leaves out (`partner.name` on a credit note
that takes its partner from its invoice); the reader then refuses a field that does not
belong there, by name.
"""

from __future__ import annotations

import copy
from typing import Any


class OverrideError(ValueError):
    pass


class _Absent(OverrideError):
    """An object on the path is not in the payload."""


def _parent(doc: Any, path: str, *, create: bool = False) -> tuple[Any, str | int]:
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise OverrideError(f"{path!r} is not a field path (use names and list positions: lines.0.tax_code)")
    node = doc
    for part in parts[:-1]:
        node = _step(node, part, path, create=create)
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


def _step(node: Any, part: str, path: str, *, create: bool) -> Any:
    if isinstance(node, list):
        return node[_index(node, part, path)]
    if isinstance(node, dict) and node.get(part) is not None:
        return node[part]
    if isinstance(node, dict) and not part.isdigit():
        if not create:
            raise _Absent(f"{path!r}: there is no field {part!r}")
        node[part] = {}
        return node[part]
    raise OverrideError(f"{path!r}: there is no field {part!r}")


def payload_value(doc: Any, path: str) -> Any:
    """The value at `path`, None where the payload leaves it (or an object on its way) out."""
    try:
        parent, key = _parent(doc, path)
    except _Absent:
        return None
    if isinstance(parent, dict) and key not in parent:
        return None
    return parent[key]


def payload_apply(payload: Any, override: dict[str, Any]) -> Any:
    if not override:
        return payload
    doc = copy.deepcopy(payload)
    for path, value in override.items():
        parent, key = _parent(doc, path, create=True)
        parent[key] = value
    return doc


def override_diff(payload: Any, override: dict[str, Any]) -> list[dict[str, Any]]:
    """[{path, before, after}] of the fields the override really changes."""
    return [
        {"path": path, "before": payload_value(payload, path), "after": value}
        for path, value in sorted(override.items())
        if payload_value(payload, path) != value
    ]
