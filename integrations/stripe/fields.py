"""Reading a Stripe object's fields by their place in the event, refusing what is missing
or of the wrong type with an Unreadable that names the place
(`data.object.refunds.data[0].amount: must be an integer ...`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from integrations.canonical import FIRST_YEAR, LAST_YEAR
from integrations.webhooks import Unreadable

# Long enough for every Stripe id; it becomes (part of) an external id of at most 200.
_ID_RE = re.compile(r"[A-Za-z0-9_]{1,120}")


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


@dataclass(frozen=True, slots=True)
class Node:
    """A JSON object of the event and where it sits in it ("" for the event itself)."""

    value: Mapping[str, Any]
    path: str

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str) -> Any:
        return self.value.get(key)

    def expect(self, kind: str) -> None:
        """Refuse an object whose `object` field is not `kind` (a payout where a charge belongs)."""
        found = self.value.get("object")
        if found != kind:
            shown = repr(found[:40]) if isinstance(found, str) else _kind_of(found)
            raise Unreadable(f"{self.where('object')}: must be {kind!r}, not {shown}")

    def node(self, key: str) -> Node:
        value = self.value.get(key)
        if not isinstance(value, dict):
            raise Unreadable(f"{self.where(key)}: must be an object, not {_kind_of(value)}")
        return Node(value, self.where(key))

    def optional_node(self, key: str) -> Node | None:
        if self.value.get(key) is None:
            return None
        return self.node(key)

    def nodes(self, key: str) -> list[Node]:
        value = self.value.get(key)
        if not isinstance(value, list):
            raise Unreadable(f"{self.where(key)}: must be a list, not {_kind_of(value)}")
        found = []
        for index, item in enumerate(value):
            where = f"{self.where(key)}[{index}]"
            if not isinstance(item, dict):
                raise Unreadable(f"{where}: must be an object, not {_kind_of(item)}")
            found.append(Node(item, where))
        return found

    def expandable(self, key: str) -> Node | str | None:
        """A field Stripe gives as an id unless it was expanded into the object itself."""
        value = self.value.get(key)
        if value is None or isinstance(value, str):
            return value or None
        if isinstance(value, dict):
            return Node(value, self.where(key))
        raise Unreadable(f"{self.where(key)}: must be an id or an object, not {_kind_of(value)}")

    def expandable_id(self, key: str) -> str:
        """The id of an expandable field, whether it came as an id or as the object."""
        value = self.expandable(key)
        if isinstance(value, Node):
            return value.text("id")
        return value or ""

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.value.get(key)
        if value is None or value == "":
            if required:
                raise Unreadable(f"{self.where(key)}: is required")
            return ""
        if not isinstance(value, str):
            raise Unreadable(f"{self.where(key)}: must be a string, not {_kind_of(value)}")
        return value

    def identifier(self, key: str, prefix: str | tuple[str, ...]) -> str:
        """A Stripe id: the object type's prefix, then letters, digits and underscores."""
        value = self.text(key)
        if not value.startswith(prefix) or not _ID_RE.fullmatch(value):
            prefixes = " or ".join(map(repr, (prefix,) if isinstance(prefix, str) else prefix))
            raise Unreadable(f"{self.where(key)}: {value[:40]!r} is not a Stripe id starting with {prefixes}")
        return value

    def integer(self, key: str, *, what: str = "an integer (Stripe amounts are in minor units)") -> int:
        """An integer such as an amount in minor units; JSON's 20.0 or "20" is refused."""
        value = self.value.get(key)
        if value is None:
            raise Unreadable(f"{self.where(key)}: is required")
        if isinstance(value, bool) or not isinstance(value, int):
            raise Unreadable(f"{self.where(key)}: must be {what}, not {_kind_of(value)}")
        return value

    def flag(self, key: str) -> bool:
        value = self.value.get(key)
        if not isinstance(value, bool):
            raise Unreadable(f"{self.where(key)}: must be true or false, not {_kind_of(value)}")
        return value

    def moment(self, key: str) -> datetime:
        """A Unix time in seconds, as an aware UTC datetime."""
        seconds = self.integer(key, what="a Unix time in whole seconds")
        try:
            moment = datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            moment = None
        if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise Unreadable(f"{self.where(key)}: {seconds} is not a Unix time between {FIRST_YEAR} and {LAST_YEAR}")
        return moment
