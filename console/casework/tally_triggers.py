"""The triggers that keep the open-case tallies: every insert, update or delete of a case
that changes what is open writes its -1 / +1 rows in the same transaction, whatever SQL made
the change (the services, the bulk runner, a migration, a COPY). Rows are only ever
inserted, never updated, so two workers opening cases of the same entity never wait for
each other on a counter row.

Two tallies, each a table with its own group of columns: OpenCaseTally (the dashboard's ages
and the case list's counts) and OpenCauseTally (the causes view and the dashboard's top
causes). `install` puts both in place: a migration that rebuilds the cases table on SQLite
(which drops its triggers) calls it again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.vendor_ddl import execute_for_vendor

CASES = "casework_exceptioncase"
OPEN = "('open', 'in_progress', 'waiting_approval')"
# The money counted is the case's exposure (its absolute amount), so money at stake is gross.
# Migration 0005 installed the first version over the signed amount, before exposure existed.
MONEY = "exposure"


@dataclass(frozen=True)
class Tally:
    table: str
    group: tuple[str, ...]
    function: str  # PostgreSQL's trigger function
    trigger: str  # the triggers' names start so

    @property
    def columns(self) -> str:
        return ", ".join((*self.group, "cases", "amount"))

    def values(self, row: str, sign: str, money: str) -> str:
        return ", ".join([*(f"{row}.{c}" for c in self.group), f"{sign}1", f"{sign}{row}.{money}"])


CASE_TALLY = Tally(
    "casework_opencasetally",
    ("entity_id", "flow_id", "category", "severity", "state", "currency"),
    "finops_open_case_tally",
    f"{CASES}_tally",
)
CAUSE_TALLY = Tally(
    "casework_opencausetally",
    ("cause_key", "cause_label", "entity_id", "currency"),
    "finops_open_cause_tally",
    f"{CASES}_cause_tally",
)
TALLY, GROUP = CASE_TALLY.table, CASE_TALLY.group


def _pg(tally: Tally, money: str) -> list[str]:
    counted = tuple(dict.fromkeys((*tally.group, "state", money)))
    return [
        f"""
CREATE OR REPLACE FUNCTION {tally.function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state IN {OPEN} THEN
        INSERT INTO {tally.table} ({tally.columns}) VALUES ({tally.values("OLD", "-", money)});
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state IN {OPEN} THEN
        INSERT INTO {tally.table} ({tally.columns}) VALUES ({tally.values("NEW", "", money)});
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
""",
        f'DROP TRIGGER IF EXISTS "{tally.trigger}" ON "{CASES}"',
        f'CREATE TRIGGER "{tally.trigger}" AFTER INSERT OR DELETE ON "{CASES}" '
        f"FOR EACH ROW EXECUTE FUNCTION {tally.function}()",
        f'DROP TRIGGER IF EXISTS "{tally.trigger}_update" ON "{CASES}"',
        # Django's save() writes every column: only a change of what is counted writes rows.
        f'CREATE TRIGGER "{tally.trigger}_update" AFTER UPDATE ON "{CASES}" FOR EACH ROW '
        f"WHEN (({', '.join(f'OLD.{c}' for c in counted)}) IS DISTINCT FROM "
        f"({', '.join(f'NEW.{c}' for c in counted)})) "
        f"EXECUTE FUNCTION {tally.function}()",
    ]


def _sqlite_triggers(tally: Tally, money: str) -> dict[str, tuple[str, str]]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in dict.fromkeys((*tally.group, "state", money)))
    insert = f"INSERT INTO {tally.table} ({tally.columns}) VALUES "
    return {
        f"{tally.trigger}_insert": (
            f"AFTER INSERT ON {CASES} WHEN NEW.state IN {OPEN}",
            insert + f"({tally.values('NEW', '', money)})",
        ),
        f"{tally.trigger}_leave": (
            f"AFTER UPDATE ON {CASES} WHEN OLD.state IN {OPEN} AND ({changed})",
            insert + f"({tally.values('OLD', '-', money)})",
        ),
        f"{tally.trigger}_join": (
            f"AFTER UPDATE ON {CASES} WHEN NEW.state IN {OPEN} AND ({changed})",
            insert + f"({tally.values('NEW', '', money)})",
        ),
        f"{tally.trigger}_delete": (
            f"AFTER DELETE ON {CASES} WHEN OLD.state IN {OPEN}",
            insert + f"({tally.values('OLD', '-', money)})",
        ),
    }


def _sqlite(tally: Tally, money: str) -> list[str]:
    return [
        statement
        for name, (when, action) in _sqlite_triggers(tally, money).items()
        for statement in (f'DROP TRIGGER IF EXISTS "{name}"', f'CREATE TRIGGER "{name}" {when} BEGIN {action}; END')
    ]


def backfill_sql(money: str = MONEY, tally: Tally = CASE_TALLY) -> str:
    """The open cases already there, as one row per group."""
    group = ", ".join(tally.group)
    return (
        f"INSERT INTO {tally.table} ({tally.columns}) SELECT {group}, count(*), sum({money}) FROM {CASES} "
        f"WHERE state IN {OPEN} GROUP BY {group}"
    )


def install(schema_editor: Any, money: str = MONEY, *, tallies: tuple[Tally, ...] | None = None) -> None:
    """Every tally's triggers. Migrations written before the cause tally existed name theirs:
    its table is not there yet at that point of the history."""
    for tally in tallies if tallies is not None else _installed(schema_editor):
        execute_for_vendor(
            schema_editor,
            f"{tally.table} triggers",
            {"postgresql": _pg(tally, money), "sqlite": _sqlite(tally, money)},
        )


def _installed(schema_editor: Any) -> tuple[Tally, ...]:
    tables = set(schema_editor.connection.introspection.table_names())
    return tuple(tally for tally in (CASE_TALLY, CAUSE_TALLY) if tally.table in tables)


def uninstall(schema_editor: Any, tally: Tally = CASE_TALLY) -> None:
    if schema_editor.connection.vendor == "postgresql":
        statements = [f'DROP TRIGGER IF EXISTS "{tally.trigger}{suffix}" ON "{CASES}"' for suffix in ("", "_update")]
        statements.append(f"DROP FUNCTION IF EXISTS {tally.function}()")
    else:
        statements = [f'DROP TRIGGER IF EXISTS "{name}"' for name in _sqlite_triggers(tally, MONEY)]
    for statement in statements:
        schema_editor.execute(statement, params=None)
