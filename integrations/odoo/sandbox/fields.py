"""Field declarations: just enough of Odoo's field types to store and read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RELATIONAL = frozenset({"many2one", "one2many", "many2many"})


@dataclass(frozen=True)
class Field:
    type: str
    string: str
    relation: str = ""
    inverse: str = ""
    required: bool = False
    readonly: bool = False
    # Not stored: the model computes the value on read (compute_<name>).
    computed: bool = False
    selection: tuple[str, ...] = ()
    ondelete: str = "set null"
    default: Any = None
    # Stored under another name: a field another Odoo version renamed keeps the name the
    # sandbox's own logic uses (sandbox/versions.py).
    column: str = ""

    def stored_as(self, name: str) -> str:
        return self.column or name

    def describe(self) -> dict[str, Any]:
        """What fields_get reports for this field."""
        info: dict[str, Any] = {
            "type": self.type,
            "string": self.string,
            "required": self.required,
            "readonly": self.readonly or self.computed,
            "store": not self.computed,
        }
        if self.relation:
            info["relation"] = self.relation
        if self.type == "selection":
            info["selection"] = [[value, value] for value in self.selection]
        return info


def char(string: str, **kw: Any) -> Field:
    return Field("char", string, **kw)


def text(string: str, **kw: Any) -> Field:
    return Field("text", string, **kw)


def integer(string: str, **kw: Any) -> Field:
    return Field("integer", string, **kw)


def floating(string: str, **kw: Any) -> Field:
    return Field("float", string, **kw)


def monetary(string: str, **kw: Any) -> Field:
    return Field("monetary", string, **kw)


def boolean(string: str, **kw: Any) -> Field:
    return Field("boolean", string, **kw)


def date(string: str, **kw: Any) -> Field:
    return Field("date", string, **kw)


def datetime(string: str, **kw: Any) -> Field:
    return Field("datetime", string, **kw)


def selection(string: str, values: tuple[str, ...], **kw: Any) -> Field:
    return Field("selection", string, selection=values, **kw)


def many2one(relation: str, string: str, **kw: Any) -> Field:
    return Field("many2one", string, relation=relation, **kw)


def one2many(relation: str, inverse: str, string: str, **kw: Any) -> Field:
    return Field("one2many", string, relation=relation, inverse=inverse, **kw)


def many2many(relation: str, string: str, **kw: Any) -> Field:
    return Field("many2many", string, relation=relation, **kw)


def json(string: str, **kw: Any) -> Field:
    return Field("json", string, **kw)


def reference_id(string: str, **kw: Any) -> Field:
    return Field("many2one_reference", string, **kw)
