"""A sandbox search looks only at the records one of its = / in leaves allows (as Odoo's
database uses an index): the connector's look-ups by external id and marker no longer cost a
scan of every record, which slowed a long soak down as Odoo filled. Results are unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.odoo.sandbox import domain as domains


@pytest.fixture
def partners(odoo: Any) -> dict[str, int]:
    names = ["Alpha", "Beta", "Gamma", "Delta"]
    ids = odoo.call("res.partner", "create", [{"name": n, "ref": f"R-{n[0]}", "active": n != "Delta"} for n in names])
    return dict(zip(names, ids, strict=True))


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ([["ref", "=", "R-A"]], ["Alpha"]),
        ([["ref", "in", ["R-A", "R-G"]], ["name", "!=", "Gamma"]], ["Alpha"]),
        (["|", ["ref", "=", "R-A"], ["ref", "=", "R-B"]], ["Alpha", "Beta"]),
        (["!", ["ref", "=", "R-A"], ["ref", "like", "R-"]], ["Beta", "Gamma"]),
        ([["ref", "=", "R-D"]], []),  # archived: still hidden by the active test
        ([["ref", "=", "R-D"], ["active", "=", False]], ["Delta"]),
        ([["ref", "=", False], ["name", "=", "Alpha"]], []),
    ],
)
def test_narrowed_searches_find_what_a_full_scan_finds(
    odoo: Any, partners: dict[str, int], domain: list[Any], expected: list[str]
) -> None:
    found = odoo.call("res.partner", "search_read", [*domain, ["id", "in", list(partners.values())]], fields=["name"])
    assert sorted(r["name"] for r in found) == sorted(expected)


def test_a_required_equality_narrows_and_an_alternative_does_not() -> None:
    class Model:
        _fields = {"ref": type("F", (), {"computed": False, "type": "char"})()}

    required = domains.normalize([["name", "ilike", "x"], ["ref", "in", ["a", "b"]]])
    assert domains.equality_narrowing(Model(), required) == ("ref", ["a", "b"])  # type: ignore[arg-type]
    either = domains.normalize(["|", ["ref", "=", "a"], ["name", "=", "b"]])
    assert domains.equality_narrowing(Model(), either) is None  # type: ignore[arg-type]
    negated = domains.normalize(["!", ["ref", "=", "a"]])
    assert domains.equality_narrowing(Model(), negated) is None  # type: ignore[arg-type]
