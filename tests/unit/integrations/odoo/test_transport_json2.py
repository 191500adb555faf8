"""JSON-2 takes named arguments only: the client's execute_kw-style calls are named from Odoo's signatures."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from integrations.odoo.transport_json2 import _json_default, named_arguments


@pytest.fixture(scope="module")
def odoo_version() -> str:
    """JSON-2 is served from Odoo 19 on: this module's sandbox answers as 19 whatever the pass."""
    return "19.0"


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "body"),
    [
        ("search_read", [[["id", "=", 1]]], {"fields": ["name"]}, {"domain": [["id", "=", 1]], "fields": ["name"]}),
        (
            "create",
            [[{"name": "X"}]],
            {"context": {"lang": "en_US"}},
            {"vals_list": [{"name": "X"}], "context": {"lang": "en_US"}},
        ),
        ("read", [[1, 2], ["name"]], {}, {"ids": [1, 2], "fields": ["name"]}),
        ("read", [[1]], {"fields": ["name"]}, {"ids": [1], "fields": ["name"]}),
        ("write", [[7], {"name": "Y"}], {}, {"ids": [7], "vals": {"name": "Y"}}),
        ("action_post", [[3, 4]], {}, {"ids": [3, 4]}),
        ("js_assign_outstanding_line", [[5], 9], {}, {"ids": [5], "line_id": 9}),
        ("fields_get", [], {"attributes": ["type"]}, {"attributes": ["type"]}),
        ("context_get", [], {}, {}),
    ],
)
def test_positional_arguments_are_named(method: str, args: list, kwargs: dict, body: dict) -> None:
    assert named_arguments(method, args, kwargs) == body


def test_arguments_json2_cannot_name_are_refused() -> None:
    with pytest.raises(TypeError):
        named_arguments("action_post", [[1], "extra"], {})
    with pytest.raises(TypeError):
        named_arguments("search", [[]], {"domain": []})


def test_dates_travel_as_odoo_strings() -> None:
    body = {"date": dt.date(2026, 3, 5), "at": dt.datetime(2026, 3, 5, 14, 1, 2)}
    assert json.loads(json.dumps(body, default=_json_default)) == {"date": "2026-03-05", "at": "2026-03-05 14:01:02"}
