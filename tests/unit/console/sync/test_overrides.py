"""Overrides by path and whole: merging keeps no path inside another, and the diff names each
field that differs, a line added or removed field by field."""

from __future__ import annotations

from typing import Any

import pytest

from console.sync.overrides import OverrideError, override_diff, override_merge, payload_apply

LINE_A = {"description": "A", "quantity": "1", "unit_price": "10.00", "tax_code": "VAT20"}
LINE_B = {"description": "B", "quantity": "2", "unit_price": "5.00"}
LINE_C = {"description": "C", "quantity": "1", "unit_price": "1.00", "tax_code": "VAT20"}
PAYLOAD: dict[str, Any] = {"reference": "r", "lines": [LINE_A, LINE_B, LINE_C]}


def test_a_change_inside_a_path_set_whole_is_made_inside_it() -> None:
    merged = override_merge({"lines": [LINE_A, LINE_B]}, {"lines.1.tax_code": "SALES15"})
    assert merged == {"lines": [LINE_A, {**LINE_B, "tax_code": "SALES15"}]}
    assert payload_apply(PAYLOAD, merged)["lines"] == merged["lines"]


def test_setting_a_path_whole_drops_the_paths_inside_it() -> None:
    merged = override_merge({"lines.0.tax_code": "SALES15", "reference": "x"}, {"lines": [LINE_B]})
    assert merged == {"reference": "x", "lines": [LINE_B]}
    with pytest.raises(OverrideError, match="not a position"):
        override_merge({"lines": [LINE_B]}, {"lines.3.tax_code": "X"})


def test_a_whole_list_diffs_line_by_line_a_removed_line_at_its_place_as_received() -> None:
    after = [{**LINE_A, "tax_code": "SALES15"}, LINE_C]  # B removed, A's tax code changed
    assert override_diff(PAYLOAD, {"lines": after}) == [
        {"path": "lines.0.tax_code", "before": "VAT20", "after": "SALES15"},
        *({"path": f"lines.1.{name}", "before": value, "after": None} for name, value in LINE_B.items()),
    ]


def test_an_added_line_diffs_field_by_field_and_a_path_as_before() -> None:
    added = {"description": "D", "quantity": "3", "unit_price": "2.00"}
    assert override_diff(PAYLOAD, {"lines": [LINE_A, LINE_B, LINE_C, added], "reference": "r2"}) == [
        *({"path": f"lines.3.{name}", "before": None, "after": value} for name, value in added.items()),
        {"path": "reference", "before": "r", "after": "r2"},
    ]
    assert override_diff(PAYLOAD, {"lines": PAYLOAD["lines"], "reference": "r"}) == []
    assert override_diff({}, {"partner.name": "X"}) == [{"path": "partner.name", "before": None, "after": "X"}]
