"""What a block of a test wrote: every row of the console's tables (and of the libraries' tables a
decision lands in: groups and their members, object permissions, field history), read before and
after it and compared column by column.

`tables_unchanged()` is the proof a refused write owes its name: nothing added, changed or removed,
no audit row, no case moved. `table_changes()` says what an accepted write stored, to check it was
exactly what it should be.

Left out, because they change on every request and are no one's decision: sessions, django-axes'
sign-in bookkeeping (the sign-in tests read it themselves), the closed days' tallies the dashboard
writes as it reads, and the usage stamps that signing in or using a token moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model

APPS = ("access", "audit", "casework", "mappings", "sync", "auth", "guardian", "auditlog")
SKIPPED = {"auth.Permission", "casework.DayTally"}
USAGE_STAMPS = {
    "access.User": {"last_login"},
    "access.ServiceAccount": {"last_used_at"},
    "access.PersonalToken": {"last_used_at"},
}

Row = tuple[Any, ...]
Snapshot = dict[str, dict[Any, Row]]


def _label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def _columns(model: type[Model]) -> list[str]:
    stamps = USAGE_STAMPS.get(_label(model), set())
    return [f.attname for f in model._meta.concrete_fields if f.name not in stamps]


def _models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS and _label(model) not in SKIPPED
    ]


def snapshot() -> Snapshot:
    """Every row of every table above, by primary key."""
    found: Snapshot = {}
    for model in _models():
        columns = _columns(model)
        pk = model._meta.pk
        assert pk is not None
        at = columns.index(pk.attname)
        found[_label(model)] = {row[at]: row for row in model._base_manager.order_by().values_list(*columns)}
    return found


@dataclass
class Changes:
    """What changed in each table: rows added, changed (column: before, after) and removed."""

    added: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    changed: dict[str, dict[Any, dict[str, tuple[Any, Any]]]] = field(default_factory=dict)
    removed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def tables(self) -> set[str]:
        return set(self.added) | set(self.changed) | set(self.removed)

    def counts(self) -> dict[str, tuple[int, int, int]]:
        """(added, changed, removed) per table that changed."""
        return {
            table: (len(self.added.get(table, [])), len(self.changed.get(table, {})), len(self.removed.get(table, [])))
            for table in sorted(self.tables)
        }

    def rows_added(self, model: type[Model]) -> list[dict[str, Any]]:
        return self.added.get(_label(model), [])

    def rows_changed(self, model: type[Model]) -> dict[Any, dict[str, tuple[Any, Any]]]:
        return self.changed.get(_label(model), {})

    def describe(self, limit: int = 5) -> str:
        lines = []
        for table, (added, changed, removed) in self.counts().items():
            lines.append(f"{table}: {added} added, {changed} changed, {removed} removed")
            lines += [f"  + {row}" for row in self.added.get(table, [])[:limit]]
            lines += [f"  ~ {pk}: {diff}" for pk, diff in list(self.changed.get(table, {}).items())[:limit]]
            lines += [f"  - {row}" for row in self.removed.get(table, [])[:limit]]
        return "\n".join(lines)


def compare(before: Snapshot, after: Snapshot) -> Changes:
    changes = Changes()
    for model in _models():
        table, columns = _label(model), _columns(model)
        old, new = before.get(table, {}), after.get(table, {})
        added = [dict(zip(columns, new[pk], strict=True)) for pk in new.keys() - old.keys()]
        removed = [dict(zip(columns, old[pk], strict=True)) for pk in old.keys() - new.keys()]
        changed = {
            pk: {c: (a, b) for c, a, b in zip(columns, old[pk], new[pk], strict=True) if a != b}
            for pk in old.keys() & new.keys()
            if old[pk] != new[pk]
        }
        if added:
            changes.added[table] = sorted(added, key=lambda row: str(row[columns[0]]))
        if changed:
            changes.changed[table] = changed
        if removed:
            changes.removed[table] = removed
    return changes


@contextmanager
def table_changes() -> Iterator[Changes]:
    """The changes the block made, filled in when it ends."""
    changes = Changes()
    before = snapshot()
    yield changes
    found = compare(before, snapshot())
    changes.added, changes.changed, changes.removed = found.added, found.changed, found.removed


@contextmanager
def tables_unchanged(*, besides: Iterable[type[Model]] = ()) -> Iterator[None]:
    """Fails unless the block leaves every row as it found it (`besides`: tables it may change,
    such as the ingestion's rejection counter)."""
    with table_changes() as changes:
        yield
    allowed = {_label(model) for model in besides}
    unexpected = changes.tables - allowed
    assert not unexpected, "the block changed what it must not:\n" + changes.describe()
