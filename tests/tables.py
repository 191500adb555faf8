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
from django.db import connection
from django.db.models import Field, Model

APPS = ("access", "audit", "casework", "mappings", "sources", "sync", "auth", "guardian", "auditlog")
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


def _fields(model: type[Model]) -> list[Field[Any, Any]]:
    """The columns compared, the primary key first."""
    stamps = USAGE_STAMPS.get(_label(model), set())
    pk = model._meta.pk
    assert pk is not None
    others = [f for f in model._meta.concrete_fields if f.name not in stamps and f is not pk]
    return [pk, *others]


def _models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS and _label(model) not in SKIPPED
    ]


def snapshot() -> Snapshot:
    """Every row of every table above, by primary key, as the database returns it: plain SQL,
    a twentieth of what the ORM would cost (property tests take one per example)."""
    found: Snapshot = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in _models():
            columns = ", ".join(quote(f.column) for f in _fields(model))
            cursor.execute(f"SELECT {columns} FROM {quote(model._meta.db_table)}")
            found[_label(model)] = {row[0]: tuple(row) for row in cursor.fetchall()}
    return found


def _as_python(model: type[Model], row: Row) -> dict[str, Any]:
    """A row as the ORM would read it (decimals, times, JSON), to name and check what changed."""
    values = {}
    for f, value in zip(_fields(model), row, strict=True):
        column = f.get_col(model._meta.db_table)
        for convert in [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]:
            value = convert(value, column, connection)
        values[f.attname] = value
    return values


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
        table = _label(model)
        old, new = before.get(table, {}), after.get(table, {})
        added = [_as_python(model, new[pk]) for pk in new.keys() - old.keys()]
        removed = [_as_python(model, old[pk]) for pk in old.keys() - new.keys()]
        changed = {}
        for pk in old.keys() & new.keys():
            if old[pk] != new[pk]:
                was, now = _as_python(model, old[pk]), _as_python(model, new[pk])
                changed[pk] = {name: (was[name], now[name]) for name in was if was[name] != now[name]}
        if added:
            changes.added[table] = sorted(added, key=lambda row: str(next(iter(row.values()))))
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
