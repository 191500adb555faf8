"""In-memory tables with one undo log per transaction.

Every execute_kw is one transaction, as in Odoo: if the call raises, the undo
log puts every touched record back. Ids are never given back on rollback,
like PostgreSQL sequences, so a failed create still burns its ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Record = dict[str, Any]


def utc_now_text() -> str:
    """A datetime as Odoo stores and answers it: UTC, naive, to the second."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


class Store:
    def __init__(self) -> None:
        self._tables: dict[str, dict[int, Record]] = {}
        self._next_id: dict[str, int] = {}
        self._undo: list[tuple[str, int, Record | None]] | None = None
        self._saved: set[tuple[str, int]] = set()
        # model -> fields -> values -> ids: what a unique index is in the database,
        # so a constraint check costs a lookup, not a scan of the table.
        self._indexes: dict[str, dict[tuple[str, ...], dict[tuple[Any, ...], set[int]]]] = {}

    def _index(self, model: str, fields: tuple[str, ...]) -> dict[tuple[Any, ...], set[int]]:
        indexes = self._indexes.setdefault(model, {})
        index = indexes.get(fields)
        if index is None:
            index = {}
            for rec_id, record in self.table(model).items():
                index.setdefault(tuple(record.get(f) for f in fields), set()).add(rec_id)
            indexes[fields] = index
        return index

    def ids_with(self, model: str, fields: tuple[str, ...], values: tuple[Any, ...]) -> set[int]:
        """Ids of the records whose `fields` equal `values` (an index built on first use)."""
        return set(self._index(model, fields).get(values, ()))

    def count_with(self, model: str, fields: tuple[str, ...], values: tuple[Any, ...]) -> int:
        return len(self._index(model, fields).get(values, ()))

    def _index_add(self, model: str, record: Record) -> None:
        for fields, index in self._indexes.get(model, {}).items():
            index.setdefault(tuple(record.get(f) for f in fields), set()).add(record["id"])

    def _index_remove(self, model: str, record: Record) -> None:
        for fields, index in self._indexes.get(model, {}).items():
            ids = index.get(tuple(record.get(f) for f in fields))
            if ids is not None:
                ids.discard(record["id"])

    def table(self, model: str) -> dict[int, Record]:
        return self._tables.setdefault(model, {})

    def models(self) -> list[str]:
        return sorted(self._tables)

    def get(self, model: str, rec_id: int) -> Record | None:
        """The live record: callers must change it only through update()."""
        return self.table(model).get(rec_id)

    def exists(self, model: str, rec_id: Any) -> bool:
        return isinstance(rec_id, int) and rec_id in self.table(model)

    def insert(self, model: str, values: Record, rec_id: int | None = None) -> int:
        if rec_id is None:
            rec_id = self._next_id.get(model, 1)
        self._next_id[model] = max(self._next_id.get(model, 1), rec_id + 1)
        record = dict(values)
        record["id"] = rec_id
        # Odoo's log access columns, on every model: set by the ORM, never by the caller.
        stamp = utc_now_text()
        for column in ("create_date", "write_date"):
            if not record.get(column):
                record[column] = stamp
        self.table(model)[rec_id] = record
        self._index_add(model, record)
        if self._undo is not None:
            self._undo.append((model, rec_id, None))
            self._saved.add((model, rec_id))
        return rec_id

    def update(self, model: str, rec_id: int, values: Record) -> None:
        record = self.table(model)[rec_id]
        self._remember(model, rec_id, record)
        self._index_remove(model, record)
        record.update({"write_date": utc_now_text(), **values})
        self._index_add(model, record)

    def delete(self, model: str, rec_id: int) -> None:
        record = self.table(model).get(rec_id)
        if record is None:
            return
        self._remember(model, rec_id, record)
        self._index_remove(model, record)
        del self.table(model)[rec_id]

    def rename(self, model: str, old: str, new: str, convert: Callable[[Any], Any]) -> None:
        """Every record's `old` value becomes `new` (converted), outside any transaction: how a
        database seeded in 18.0's names takes another version's (sandbox/versions.py)."""
        assert self._undo is None, "a rename is no transaction's work"
        for record in self.table(model).values():
            record[new] = convert(record.pop(old, None))
        self._indexes.pop(model, None)  # rebuilt on first use

    def _remember(self, model: str, rec_id: int, record: Record) -> None:
        if self._undo is None or (model, rec_id) in self._saved:
            return
        # Values are replaced, never mutated in place, so a shallow copy is a
        # faithful snapshot.
        self._undo.append((model, rec_id, dict(record)))
        self._saved.add((model, rec_id))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._undo = []
        self._saved = set()
        try:
            yield
        except BaseException:
            for model, rec_id, old in reversed(self._undo):
                current = self.table(model).pop(rec_id, None)
                if current is not None:
                    self._index_remove(model, current)
                if old is not None:
                    self.table(model)[rec_id] = old
                    self._index_add(model, old)
            raise
        finally:
            self._undo = None
            self._saved = set()
