"""Odoo domains (Polish notation) and order specifications, evaluated in Python."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any

from .fields import RELATIONAL, Field
from .store import Record

if TYPE_CHECKING:
    from .orm import BaseModel

OPERATORS = frozenset(
    {
        "=",
        "!=",
        "<=",
        "<",
        ">",
        ">=",
        "=?",
        "=like",
        "=ilike",
        "like",
        "not like",
        "ilike",
        "not ilike",
        "in",
        "not in",
        "child_of",
        "parent_of",
        "any",
        "not any",
    }
)
NEGATIVE = frozenset({"!=", "not like", "not ilike", "not in", "not any"})
POSITIVE_OF = {"!=": "=", "not like": "like", "not ilike": "ilike", "not in": "in", "not any": "any"}
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)
ARITY = {"!": 0, "&": 1, "|": 1}

# odoo/models.py regex_order: a comma-separated list of names with optional direction.
ORDER_RE = re.compile(
    r'^(\s*([a-z0-9:_]+|"[a-z0-9:_]+")(\.id)?(\s+(desc|asc))?(\s+nulls\s+(first|last))?\s*(,|$))+(?<!,)$',
    re.I,
)


def normalize(domain: Any) -> list[Any]:
    """normalize_domain(): add the implicit '&' and check the arity."""
    if not isinstance(domain, (list, tuple)):
        raise ValueError(f"Invalid domain: {domain!r}")
    if not domain:
        return [TRUE_LEAF]
    result: list[Any] = []
    expected = 1
    for item in domain:
        if expected == 0:
            result.insert(0, "&")
            expected = 1
        if isinstance(item, (list, tuple)):
            expected -= 1
            if len(item) != 3:
                raise ValueError(f"Invalid leaf {item!r}")
            item = tuple(item)
        elif item in ARITY:
            expected += ARITY[item]
        else:
            raise ValueError(f"Invalid leaf {item!r}")
        result.append(item)
    if expected:
        raise ValueError(f"Domain {list(domain)!r} is syntactically not correct.")
    return result


def has_active_leaf(domain: list[Any]) -> bool:
    return any(isinstance(tok, tuple) and tok[0] == "active" for tok in domain)


def validate(model: BaseModel, domain: list[Any]) -> None:
    """Reject unknown fields and operators before evaluating anything."""
    for token in domain:
        if not isinstance(token, tuple) or token in (TRUE_LEAF, FALSE_LEAF):
            continue
        path, operator, value = token
        if not isinstance(operator, str) or operator.lower() not in OPERATORS | {"<>"}:
            raise ValueError(f"Invalid leaf {token!r}")
        if not isinstance(path, str):
            raise ValueError(f"Invalid leaf {token!r}")
        _validate_path(model, path, token)
        if operator.lower() in ("any", "not any"):
            field = model._fields[path.split(".")[-1]] if "." not in path else None
            if field is not None and field.relation:
                validate(model.env[field.relation], normalize(value))


def _validate_path(model: BaseModel, path: str, leaf: Any) -> None:
    name, _, rest = path.partition(".")
    field = model._fields.get(name)
    if field is None:
        raise ValueError(f"Invalid field {model._name}.{name} in leaf {leaf!r}")
    if rest:
        if field.type not in RELATIONAL:
            raise ValueError(f"Invalid field {model._name}.{name} in leaf {leaf!r}")
        _validate_path(model.env[field.relation], rest, leaf)


def _required(items: list[Any], pos: int) -> tuple[list[Any], int]:
    """The leaves every match must satisfy (those joined by '&' from the top), and where the
    subtree at `pos` ends."""
    item = items[pos]
    if item == "&":
        left, nxt = _required(items, pos + 1)
        right, end = _required(items, nxt)
        return left + right, end
    if item in ("|", "!"):
        end = pos + 1
        for _ in range(ARITY[item] + 1):
            _, end = _required(items, end)
        return [], end
    return [item], pos + 1


def equality_narrowings(model: BaseModel, domain: list[Any]) -> list[tuple[str, list[Any]]]:
    """Stored fields and the values required leaves compare them to with = or in: a match has
    one of them, so a search need look only at those records, as a database uses its index
    (the whole domain is still evaluated on each). Empty when no leaf can narrow the search."""
    found: list[tuple[str, list[Any]]] = []
    for leaf in _required(domain, 0)[0]:
        if not isinstance(leaf, tuple) or leaf in (TRUE_LEAF, FALSE_LEAF):
            continue
        path, operator, value = leaf
        if not isinstance(path, str) or "." in path or operator not in ("=", "in"):
            continue
        field = model._fields.get(path)
        if field is None or field.computed or field.type in ("one2many", "many2many", "date", "datetime"):
            continue
        values = list(value) if operator == "in" and isinstance(value, (list, tuple)) else [value]
        plain = all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values)
        if not values or not plain or (field.type == "many2one" and any(isinstance(v, str) for v in values)):
            continue  # False/None, a name lookup or a type the stored value is coerced from
        found.append((field.stored_as(path), values))
    return found


def matches(model: BaseModel, rec: Record, domain: list[Any]) -> bool:
    result, _ = _evaluate(model, rec, domain, 0)
    return result


def _evaluate(model: BaseModel, rec: Record, items: list[Any], pos: int) -> tuple[bool, int]:
    item = items[pos]
    if item == "!":
        value, nxt = _evaluate(model, rec, items, pos + 1)
        return not value, nxt
    if item in ("&", "|"):
        left, nxt = _evaluate(model, rec, items, pos + 1)
        right, end = _evaluate(model, rec, items, nxt)
        return (left and right) if item == "&" else (left or right), end
    return _leaf(model, rec, item), pos + 1


def _leaf(model: BaseModel, rec: Record, leaf: tuple[Any, str, Any]) -> bool:
    if leaf == TRUE_LEAF:
        return True
    if leaf == FALSE_LEAF:
        return False
    path, operator, value = leaf
    operator = "!=" if operator == "<>" else operator.lower()
    if operator == "=?":
        if value is False or value is None:
            return True
        operator = "="
    name, _, rest = path.partition(".")
    field = model._fields[name]
    if not rest:
        return _compare(model, field, model.value(rec, name), operator, value)
    comodel = model.env[field.relation]
    related = [comodel.env.store.get(comodel._name, rid) for rid in model.related_ids(rec, name)]
    records = [r for r in related if r is not None]
    if field.type != "many2one" and operator in NEGATIVE:
        positive = (rest, POSITIVE_OF[operator], value)
        return not any(_leaf(comodel, r, positive) for r in records)
    return any(_leaf(comodel, r, (rest, operator, value)) for r in records)


def _compare(model: BaseModel, field: Field, current: Any, operator: str, value: Any) -> bool:
    if operator in ("any", "not any"):
        comodel = model.env[field.relation]
        ids = current if isinstance(current, list) else ([current] if current else [])
        sub = normalize(value)
        found = any(
            matches(comodel, r, sub) for r in (comodel.env.store.get(comodel._name, i) for i in ids) if r is not None
        )
        return found if operator == "any" else not found
    if field.type in ("one2many", "many2many"):
        return _compare_x2many(model, field, current or [], operator, value)
    if field.type == "many2one" and _is_name_lookup(value):
        display = model.env[field.relation].display(current) if current else False
        return compare_scalar(display, operator, value)
    return compare_scalar(current, operator, _coerce(field, value))


def _is_name_lookup(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, (list, tuple)) and any(isinstance(v, str) for v in value)


def _compare_x2many(model: BaseModel, field: Field, ids: list[int], operator: str, value: Any) -> bool:
    if _is_name_lookup(value):
        comodel = model.env[field.relation]
        names = [comodel.display(i) for i in ids]
        hits = any(compare_scalar(n, POSITIVE_OF.get(operator, operator), value) for n in names)
        return not hits if operator in NEGATIVE else hits
    if value is False or value is None:
        if operator in ("=", "in"):
            return not ids
        if operator in ("!=", "not in"):
            return bool(ids)
    wanted = set(value) if isinstance(value, (list, tuple)) else {value}
    hit = bool(wanted & set(ids))
    if operator in ("=", "in", "child_of", "parent_of"):
        return hit
    if operator in ("!=", "not in"):
        return not hit
    raise ValueError(f"Invalid leaf {(field.string, operator, value)!r}")


def _coerce(field: Field, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_coerce(field, v) for v in value]
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if field.type == "date" else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _equal(current: Any, value: Any) -> bool:
    if value is False or value is None:
        return current is False or current is None
    if current is False or current is None:
        return False
    return bool(current == value)


def _like(current: Any, value: Any, *, insensitive: bool, anchored: bool) -> bool:
    if current is False or current is None:
        return False
    text, pattern = str(current), str(value)
    if not anchored:
        return pattern.lower() in text.lower() if insensitive else pattern in text
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.I | re.S if insensitive else re.S) is not None


def compare_scalar(current: Any, operator: str, value: Any) -> bool:
    if operator == "=":
        return _equal(current, value)
    if operator == "!=":
        return not _equal(current, value)
    if operator in ("in", "child_of", "parent_of"):
        values = value if isinstance(value, list) else [value]
        return any(_equal(current, v) for v in values)
    if operator == "not in":
        values = value if isinstance(value, list) else [value]
        return not any(_equal(current, v) for v in values)
    if operator in ("like", "ilike", "=like", "=ilike"):
        if value is False or value is None:
            return _equal(current, False)
        return _like(current, value, insensitive="ilike" in operator, anchored=operator.startswith("="))
    if operator in ("not like", "not ilike"):
        if current is False or current is None:
            return True
        return not _like(current, value, insensitive=operator == "not ilike", anchored=False)
    if current is False or current is None or value is False or value is None:
        return False
    try:
        if operator == "<":
            return bool(current < value)
        if operator == "<=":
            return bool(current <= value)
        if operator == ">":
            return bool(current > value)
        return bool(current >= value)
    except TypeError:
        return False


def parse_order(model: BaseModel, order: str | None) -> list[tuple[str, bool]]:
    spec = order or model._order
    if not ORDER_RE.match(spec):
        raise ValueError(
            f'Invalid "order" specified ({spec}). A valid "order" specification is a '
            "comma-separated list of valid field names (optionally followed by asc/desc "
            "for the direction)"
        )
    keys: list[tuple[str, bool]] = []
    for part in spec.split(","):
        words = part.split()
        name = words[0].strip('"')
        if name.endswith(".id"):
            name = name[:-3]
        if name not in model._fields:
            raise ValueError(f"Invalid field {name!r} on model {model._name!r}")
        keys.append((name, len(words) > 1 and words[1].lower() == "desc"))
    return keys


def sort_records(model: BaseModel, records: list[Record], order: str | None) -> list[Record]:
    keys = parse_order(model, order)

    def sortable(rec: Record, name: str) -> Any:
        field = model._fields[name]
        value = model.value(rec, name)
        if field.type == "many2one":
            return model.env[field.relation].display(value).lower() if value else None
        if field.type == "boolean":
            return bool(value)
        if value is False or value is None:
            return None
        if isinstance(value, list):
            return None
        return value.lower() if isinstance(value, str) else value

    def compare(a: Record, b: Record) -> int:
        for name, desc in keys:
            va, vb = sortable(a, name), sortable(b, name)
            if va == vb:
                continue
            # PostgreSQL puts NULLs last ascending and first descending.
            if va is None:
                return -1 if desc else 1
            if vb is None:
                return 1 if desc else -1
            result = int(va > vb) - int(va < vb)
            return -result if desc else result
        return int(a["id"] > b["id"]) - int(a["id"] < b["id"])

    return sorted(records, key=functools.cmp_to_key(compare))
