"""The sandbox store's unique lookups stay right through updates, deletes and rollbacks."""

from __future__ import annotations

import pytest

from integrations.odoo.sandbox.store import Store


def test_index_follows_insert_update_delete() -> None:
    store = Store()
    a = store.insert("ir.model.data", {"module": "m", "name": "a"})
    assert store.ids_with("ir.model.data", ("module", "name"), ("m", "a")) == {a}
    store.update("ir.model.data", a, {"name": "b"})
    assert store.ids_with("ir.model.data", ("module", "name"), ("m", "a")) == set()
    assert store.ids_with("ir.model.data", ("module", "name"), ("m", "b")) == {a}
    store.delete("ir.model.data", a)
    assert store.ids_with("ir.model.data", ("module", "name"), ("m", "b")) == set()


def test_index_is_rolled_back_with_the_transaction() -> None:
    store = Store()
    kept = store.insert("ir.model.data", {"module": "m", "name": "kept"})
    store.ids_with("ir.model.data", ("module", "name"), ("m", "kept"))  # build the index first
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("ir.model.data", {"module": "m", "name": "new"})
        store.update("ir.model.data", kept, {"name": "renamed"})
        raise RuntimeError("the call failed")
    assert store.ids_with("ir.model.data", ("module", "name"), ("m", "new")) == set()
    assert store.ids_with("ir.model.data", ("module", "name"), ("m", "renamed")) == set()
    assert store.ids_with("ir.model.data", ("module", "name"), ("m", "kept")) == {kept}
