"""The triggers that keep OpenCaseTally: every insert, update or delete of a case that
changes what is open writes its -1 / +1 rows in the same transaction, whatever SQL made
the change (the services, the bulk runner, a migration, a COPY). Rows are only ever
inserted, never updated, so two workers opening cases of the same entity never wait for
each other on a counter row."""

from __future__ import annotations

from typing import Any

from console.vendor_ddl import execute_for_vendor

CASES = "casework_exceptioncase"
TALLY = "casework_opencasetally"
OPEN = "('open', 'in_progress', 'waiting_approval')"
GROUP = ("entity_id", "flow_id", "category", "severity", "state", "currency")
_COLUMNS = ", ".join((*GROUP, "cases", "amount"))
# The money counted is the case's exposure (its absolute amount), so money at stake is gross.
# Migration 0005 installed the first version over the signed amount, before exposure existed.
MONEY = "exposure"


def _values(row: str, sign: str, money: str) -> str:
    return ", ".join([*(f"{row}.{c}" for c in GROUP), f"{sign}1", f"{sign}{row}.{money}"])


def _pg(money: str) -> list[str]:
    counted = (*GROUP, money)
    return [
        f"""
CREATE OR REPLACE FUNCTION finops_open_case_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state IN {OPEN} THEN
        INSERT INTO {TALLY} ({_COLUMNS}) VALUES ({_values("OLD", "-", money)});
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state IN {OPEN} THEN
        INSERT INTO {TALLY} ({_COLUMNS}) VALUES ({_values("NEW", "", money)});
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
""",
        f'DROP TRIGGER IF EXISTS "{CASES}_tally" ON "{CASES}"',
        f'CREATE TRIGGER "{CASES}_tally" AFTER INSERT OR DELETE ON "{CASES}" '
        "FOR EACH ROW EXECUTE FUNCTION finops_open_case_tally()",
        f'DROP TRIGGER IF EXISTS "{CASES}_tally_update" ON "{CASES}"',
        # Django's save() writes every column: only a change of what is counted writes rows.
        f'CREATE TRIGGER "{CASES}_tally_update" AFTER UPDATE ON "{CASES}" FOR EACH ROW '
        f"WHEN (({', '.join(f'OLD.{c}' for c in counted)}) IS DISTINCT FROM "
        f"({', '.join(f'NEW.{c}' for c in counted)})) "
        "EXECUTE FUNCTION finops_open_case_tally()",
    ]


def _sqlite_triggers(money: str) -> dict[str, tuple[str, str]]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in (*GROUP, money))
    insert = f"INSERT INTO {TALLY} ({_COLUMNS}) VALUES "
    return {
        f"{CASES}_tally_insert": (
            f"AFTER INSERT ON {CASES} WHEN NEW.state IN {OPEN}",
            insert + f"({_values('NEW', '', money)})",
        ),
        f"{CASES}_tally_leave": (
            f"AFTER UPDATE ON {CASES} WHEN OLD.state IN {OPEN} AND ({changed})",
            insert + f"({_values('OLD', '-', money)})",
        ),
        f"{CASES}_tally_join": (
            f"AFTER UPDATE ON {CASES} WHEN NEW.state IN {OPEN} AND ({changed})",
            insert + f"({_values('NEW', '', money)})",
        ),
        f"{CASES}_tally_delete": (
            f"AFTER DELETE ON {CASES} WHEN OLD.state IN {OPEN}",
            insert + f"({_values('OLD', '-', money)})",
        ),
    }


def _sqlite(money: str) -> list[str]:
    return [
        statement
        for name, (when, action) in _sqlite_triggers(money).items()
        for statement in (f'DROP TRIGGER IF EXISTS "{name}"', f'CREATE TRIGGER "{name}" {when} BEGIN {action}; END')
    ]


def backfill_sql(money: str = MONEY) -> str:
    """The open cases already there, as one row per group."""
    return (
        f"INSERT INTO {TALLY} ({_COLUMNS}) SELECT {', '.join(GROUP)}, count(*), sum({money}) FROM {CASES} "
        f"WHERE state IN {OPEN} GROUP BY {', '.join(GROUP)}"
    )


def install(schema_editor: Any, money: str = MONEY) -> None:
    execute_for_vendor(schema_editor, "open-case tally triggers", {"postgresql": _pg(money), "sqlite": _sqlite(money)})


def uninstall(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        statements = [f'DROP TRIGGER IF EXISTS "{CASES}_tally{suffix}" ON "{CASES}"' for suffix in ("", "_update")]
        statements.append("DROP FUNCTION IF EXISTS finops_open_case_tally()")
    else:
        statements = [f'DROP TRIGGER IF EXISTS "{name}"' for name in _sqlite_triggers(MONEY)]
    for statement in statements:
        schema_editor.execute(statement, params=None)
