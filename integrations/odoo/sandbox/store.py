"""In-memory tables with one undo log per transaction.

Every execute_kw is one transaction, as in Odoo: if the call raises, the undo
log puts every touched record back. Ids are never given back on rollback,
like PostgreSQL sequences, so a failed create still burns its ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Record = dict[str, Any]


class Store:
    def __init__(self) -> None:
        self._tables: dict[str, dict[int, Record]] = {}
        self._next_id: dict[str, int] = {}
        self._undo: list[tuple[str, int, Record | None]] | None = None
        self._saved: set[tuple[str, int]] = set()

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
        self.table(model)[rec_id] = record
        if self._undo is not None:
            self._undo.append((model, rec_id, None))
            self._saved.add((model, rec_id))
        return rec_id

    def update(self, model: str, rec_id: int, values: Record) -> None:
        record = self.table(model)[rec_id]
        self._remember(model, rec_id, record)
        record.update(values)

    def delete(self, model: str, rec_id: int) -> None:
        record = self.table(model).get(rec_id)
        if record is None:
            return
        self._remember(model, rec_id, record)
        del self.table(model)[rec_id]

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
                if old is None:
                    self.table(model).pop(rec_id, None)
                else:
                    self.table(model)[rec_id] = old
            raise
        finally:
            self._undo = None
            self._saved = set()
