"""Hypothesis strategies for hostile input: arbitrary JSON, text no column can store, values
at the edges of the limits, and valid events with one place made hostile."""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from integrations.canonical import storable_problem


def examples(count: int) -> settings:
    """`count` examples under the "ci" profile (150 by default), as many more under "deep"."""
    return settings(max_examples=max(10, count * settings.default.max_examples // 150))


# Values a sender gets wrong or an attacker tries, at or just past each limit.
EDGE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfff",
    "\u202e",
    "0",
    "-0",
    "1e3",
    "NaN",
    "Infinity",
    "9999999999999.99",
    "10000000000000",
    "-9999999999999.99",
    "99999999999999999999",
    "9" * 50,
    "\u0661\u0660\u0660",
    "\uff11\uff10\uff10",
    "1_000",
    " 100.00",
    "100.001",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-11-20\n",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-05:00",
    "XXX",
    "usd",
    "USD",
    "inbound",
    "x" * 1001,
    "<script>alert(1)</script>",
]
# Any character, lone surrogates and NUL included (JSON carries them as \\ud800 and \\u0000 escapes).
ANY_CHAR = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.just("\x00"))
TEXT = st.one_of(st.sampled_from(EDGE_TEXT), st.text(ANY_CHAR, max_size=20))
KEYS = st.one_of(st.sampled_from(["data", "lines", "partner", "amount", "name", "currency", "x"]), TEXT)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=4)),
    max_leaves=12,
)


# Rules over several fields of a document, which a JSON schema cannot state: the reader names them.
CROSS_FIELD_RULES = (
    "must be positive",
    "must not be zero",
    "needs exactly one of debit or credit",
    "are not balanced",
    "is before invoice_date",
    "is too large",
    # an amount with more decimals than its currency has (1000.50 JPY): the schema's one pattern
    # for every currency cannot say it
    "is not an amount in",
)

# What a browser can post in a form field: any text but lone surrogates, which a form body
# cannot encode (NUL can: %00), and the edges of each field's type.
FORM_EDGES = [text for text in EDGE_TEXT if not any("\ud800" <= ch <= "\udfff" for ch in text)] + [
    "2147483648",
    "9223372036854775808",
    "-1",
    "0001-01-01 00:00",
    "9999-12-31 23:59",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "lines.0.unit_price = 9999999999999.99\nlines.0.quantity = 9999999999999.99",
    'lines.0.description = "\\u0000"',
    'partner.name = "\\ud800"',
    "tax:2147483648",
    "tax:retire",
    "state=open&amount_min=99999999999999999999",
]
FORM_TEXT = st.one_of(st.sampled_from(FORM_EDGES), st.text(st.one_of(st.characters(), st.just("\x00")), max_size=30))
FORM_VALUE = st.one_of(FORM_TEXT, st.lists(FORM_TEXT, min_size=0, max_size=3))


def form_data(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A form's fields, each given hostile text (or several values), some left out, plus a stranger."""
    return st.fixed_dictionaries({}, optional={name: FORM_VALUE for name in [*fields, "x"]})


def _places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, as the path of keys and indexes leading there."""
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _places(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _places(child, (*path, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, valid: dict[str, Any]) -> dict[str, Any]:
    """A valid document with one place replaced by arbitrary JSON, or one object given an extra key."""
    doc = copy.deepcopy(valid)
    path = draw(st.sampled_from(_places(doc)[1:]))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if draw(st.booleans()) and isinstance(parent, dict):
        parent[draw(KEYS)] = draw(JSON)
    else:
        parent[path[-1]] = draw(JSON)
    return doc


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values a schema of the ingest API allows (the subset of JSON Schema it uses), as a
    fuzzer reading /api/schema/ would send them: every property, required or not."""
    if "oneOf" in schema:
        return st.one_of([from_schema(option) for option in schema["oneOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema["type"]
    if kind == "boolean":
        return st.booleans()
    if kind == "object" and "properties" not in schema:  # a map of names to values
        names = st.text(min_size=1, max_size=64).filter(lambda name: storable_problem(name) is None)
        return st.dictionaries(
            names, from_schema(schema["additionalProperties"]), max_size=schema.get("maxProperties", 8)
        )
    if kind == "object":
        return st.one_of([_object_of(schema, alternative) for alternative in schema.get("anyOf", [{}])])
    if kind == "array":
        return st.lists(from_schema(schema["items"]), min_size=schema.get("minItems", 0), max_size=4)
    assert kind == "string", schema
    if schema.get("format") == "date-time":
        pattern = re.compile(schema["pattern"])
        moments = st.datetimes(datetime(1900, 1, 1), datetime(2999, 12, 31, 23, 59), timezones=st.timezones())
        return moments.map(datetime.isoformat).filter(pattern.match)
    if schema.get("format") == "date":  # the pattern says which years (checked), the calendar which days
        years = [
            year for year in (1000, 1899, 1900, 2999, 3000, 9999) if re.fullmatch(schema["pattern"], f"{year}-01-01")
        ]
        return st.dates(date(min(years), 1, 1), date(max(years), 12, 31)).map(date.isoformat)
    text = st.from_regex(schema["pattern"], fullmatch=True) if "pattern" in schema else st.text()
    return text.filter(lambda value: schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", 10**6))


def _object_of(schema: dict[str, Any], alternative: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects of an object schema that also meet one of its `anyOf` alternatives, each of which
    makes some properties required and may narrow them (a partner, or a non-empty link)."""
    narrowed = alternative.get("properties", {})
    properties = {name: {**sub, **narrowed.get(name, {})} for name, sub in schema["properties"].items()}
    names = {*schema["required"], *alternative.get("required", [])}
    required = {name: from_schema(sub) for name, sub in properties.items() if name in names}
    optional = {name: from_schema(sub) for name, sub in properties.items() if name not in names}
    return st.fixed_dictionaries(required, optional=optional)


def posted(client: Any, url: str, data: dict[str, Any]) -> int:
    """Post a form in a savepoint rolled back after it, so every example meets the fixture's
    objects as they were; a 5xx fails the test, naming the input, and so does a refusal (4xx)
    that wrote anything before it refused."""
    from django.db import transaction

    from tests.tables import table_changes

    with transaction.atomic():
        with table_changes() as changes:
            response = client.post(url, data)
        transaction.set_rollback(True)
    assert response.status_code < 500, (url, data, response.content[:500])
    if response.status_code >= 400:
        assert not changes.tables, (url, data, response.status_code, changes.describe())
    return int(response.status_code)
