"""Overrides of payload fields by dotted path ("lines.0.tax_code"), and their diff.

The payload as received stays as it was; the override is kept beside it and
applied on top when the event is resolved for posting. Applying a path creates the
objects it passes through that the payload leaves out (`partner.name` on a credit note
that takes its partner from its invoice); the reader then refuses a field that does not
belong there, by name.

A path may also set an object or a list whole: `lines` with the list of lines is how a
line is added or removed. Such a path replaces everything under it, so a merged override
never holds a path inside another one (override_merge), and its diff shows each field that
differs, line by line (override_diff).
"""

from __future__ import annotations

import copy
import difflib
import json
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


def _inside(path: str, outer: str) -> bool:
    return path.startswith(outer + ".")


def override_merge(override: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The override with `changes` made on top of it. A change of a path set whole before
    is made inside that value; a change that sets a path whole drops the paths inside it.
    So no path of the result lies inside another, and the order they apply in is no matter."""
    merged = dict(override)
    for path, value in changes.items():
        outer = next((key for key in merged if _inside(path, key)), None)
        if outer is not None:
            merged[outer] = payload_apply(merged[outer], {path[len(outer) + 1 :]: value})
            continue
        merged = {key: kept for key, kept in merged.items() if not _inside(key, path)}
        merged[path] = value
    return merged


def _same_item(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _rows(path: str, before: Any, after: Any) -> list[dict[str, Any]]:
    """Each field that differs under `path`, an object or a list gone or new included field by field."""
    if isinstance(before, dict | type(None)) and isinstance(after, dict | type(None)) and (before or after):
        old, new = before or {}, after or {}
        keys = [*old, *(key for key in new if key not in old)]
        return [row for key in keys for row in _rows(f"{path}.{key}", old.get(key), new.get(key))]
    if isinstance(before, list | type(None)) and isinstance(after, list | type(None)) and (before or after):
        return _list_rows(path, before or [], after or [])
    return [] if before == after else [{"path": path, "before": before, "after": after}]


def _list_rows(path: str, before: list[Any], after: list[Any]) -> list[dict[str, Any]]:
    """Lines kept, changed, removed (at their place as received) and added (at their new place)."""
    rows: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(
        a=[_same_item(v) for v in before], b=[_same_item(v) for v in after], autojunk=False
    )
    for op, b0, b1, a0, a1 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(b1 - b0, a1 - a0)
        for offset in range(paired):
            rows += _rows(f"{path}.{b0 + offset}", before[b0 + offset], after[a0 + offset])
        for index in range(b0 + paired, b1):
            rows += _rows(f"{path}.{index}", before[index], None)
        for index in range(a0 + paired, a1):
            rows += _rows(f"{path}.{index}", None, after[index])
    return rows


def override_diff(payload: Any, override: dict[str, Any]) -> list[dict[str, Any]]:
    """[{path, before, after}] of the fields the override really changes; a path set whole
    (`lines`) gives a row per field that differs inside it."""
    return [row for path, value in sorted(override.items()) for row in _rows(path, payload_value(payload, path), value)]
