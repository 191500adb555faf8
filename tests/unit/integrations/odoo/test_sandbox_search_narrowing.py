"""A sandbox search looks only at the records one of its = / in leaves allows (as Odoo's
database uses an index): the connector's look-ups by external id and marker no longer cost a
scan of every record, which slowed a long soak down as Odoo filled. Results are unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.odoo.sandbox import domain as domains
from integrations.odoo.sandbox import fields


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


def test_required_equalities_narrow_and_alternatives_do_not() -> None:
    class Model:
        char = fields.char("Text")
        _fields = {"ref": char, "module": char, "name": char}

    required = domains.normalize([["name", "ilike", "x"], ["module", "=", "m"], ["ref", "in", ["a", "b"]]])
    found = domains.equality_narrowings(Model(), required)  # type: ignore[arg-type]
    assert found == [("module", ["m"]), ("ref", ["a", "b"])]
    either = domains.normalize(["|", ["ref", "=", "a"], ["name", "=", "b"]])
    assert domains.equality_narrowings(Model(), either) == []  # type: ignore[arg-type]
    negated = domains.normalize(["!", ["ref", "=", "a"]])
    assert domains.equality_narrowings(Model(), negated) == []  # type: ignore[arg-type]


def test_external_ids_are_found_among_many_of_the_same_module(odoo: Any) -> None:
    """module = '__finops__' holds for every external id the console records, so the search
    narrows by its name in [...] (the fewer records) and still finds exactly those."""
    created = odoo.call(
        "ir.model.data",
        "create",
        [{"module": "__finops__", "model": "res.partner", "name": f"p-{i}", "res_id": 1} for i in range(300)],
    )
    domain = [["module", "=", "__finops__"], ["name", "in", ["p-7", "p-8"]]]
    found = odoo.call("ir.model.data", "search_read", domain, fields=["name"])
    assert sorted(r["name"] for r in found) == ["p-7", "p-8"] and len(created) == 300
