"""An audit row's before and after as the fields that changed, for a person to read.

Nested objects are flattened to dotted paths ("partner.name"); a list is one value, shown as
its JSON; unchanged fields are left out. A field absent on one side is shown as absent, which
is not the same as a null value. The values are text: the template escapes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_ABSENT = object()
# A value that is not an object (a list, a number, a text) has no field names: one row.
WHOLE = "(value)"


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str | None  # None: the field is absent on that side (a null value is "null")
    after: str | None


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(value, dict):
        return {} if value is None and not prefix else {prefix or WHOLE: value}
    if not value and prefix:
        return {prefix: value}  # an empty object is a value of its own, not nothing
    flat: dict[str, Any] = {}
    for key, inner in value.items():
        flat.update(_flat(inner, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return _json(value)


def field_changes(before: Any, after: Any) -> list[FieldChange]:
    """The changed fields of two JSON values, by dotted path, in path order."""
    old, new = _flat(before), _flat(after)
    changes = []
    for path in sorted(old.keys() | new.keys()):
        was, now = old.get(path, _ABSENT), new.get(path, _ABSENT)
        # Compared as JSON: 1, true and "1" are three different values.
        if was is not _ABSENT and now is not _ABSENT and _json(was) == _json(now):
            continue
        changes.append(
            FieldChange(path, None if was is _ABSENT else _text(was), None if now is _ABSENT else _text(now))
        )
    return changes
