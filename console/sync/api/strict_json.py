"""Reading a request body as JSON, refusing what Python's json module lets through.

json.loads keeps the last of two equal keys, reads NaN and Infinity, builds integers of
up to 4,300 digits (then raises ValueError) and recurses until RecursionError. Each of
those is a 400 here, naming the problem; nothing the limits below refuse is valid in an
ingestion body, whose deepest place (a batch's event's data's line's partner) is 7 deep.
"""

from __future__ import annotations

import json
from typing import Any

from integrations.canonical import printable_name

MAX_DEPTH = 10
MAX_INTEGER_DIGITS = 20


class JsonRefused(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise JsonRefused("duplicate_key", f"the key {printable_name(key)} appears twice in one JSON object")
            seen.add(key)
    return obj


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise JsonRefused("number_too_long", f"a JSON integer of {len(text)} digits (at most {MAX_INTEGER_DIGITS})")
    return int(text)


def _constant(name: str) -> Any:
    raise JsonRefused("malformed_json", f"{name} is not JSON (a number must be finite)")


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > MAX_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads_strict(raw: bytes) -> Any:
    """The parsed body, or JsonRefused(code, message)."""
    too_deep = JsonRefused("json_too_deep", f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(raw, object_pairs_hook=_object, parse_int=_integer, parse_constant=_constant)
    except JsonRefused:
        raise
    except UnicodeDecodeError:
        raise JsonRefused("malformed_json", "body is not UTF-8") from None
    except json.JSONDecodeError as err:
        raise JsonRefused(
            "malformed_json", f"malformed JSON: {err.msg} at line {err.lineno} column {err.colno}"
        ) from None
    except RecursionError:
        raise too_deep from None
    except ValueError as err:  # Python's own limit on integer digits, should parse_int let one through
        raise JsonRefused("malformed_json", f"malformed JSON: {err}") from None
    if isinstance(value, dict | list) and _too_deep(value):
        raise too_deep
    return value


def text_problem(value: Any) -> str | None:
    """Why a parsed body holds text no column can store (lone surrogates anywhere, keys too)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as err:
        return f"the body holds a lone surrogate ({ascii(err.object[err.start])[1:-1]}): it is not Unicode text"
    return None
