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
COUNTED = (*GROUP, "amount")
_COLUMNS = ", ".join((*GROUP, "cases", "amount"))


def _values(row: str, sign: str) -> str:
    return ", ".join([*(f"{row}.{c}" for c in GROUP), f"{sign}1", f"{sign}{row}.amount"])


PG = [
    f"""
CREATE OR REPLACE FUNCTION finops_open_case_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state IN {OPEN} THEN
        INSERT INTO {TALLY} ({_COLUMNS}) VALUES ({_values("OLD", "-")});
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state IN {OPEN} THEN
        INSERT INTO {TALLY} ({_COLUMNS}) VALUES ({_values("NEW", "")});
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
    f"WHEN (({', '.join(f'OLD.{c}' for c in COUNTED)}) IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in COUNTED)})) "
    "EXECUTE FUNCTION finops_open_case_tally()",
]

_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in COUNTED)
SQLITE_TRIGGERS = {
    f"{CASES}_tally_insert": (
        f"AFTER INSERT ON {CASES} WHEN NEW.state IN {OPEN}",
        f"INSERT INTO {TALLY} ({_COLUMNS}) VALUES ({_values('NEW', '')})",
    ),
    f"{CASES}_tally_leave": (
        f"AFTER UPDATE ON {CASES} WHEN OLD.state IN {OPEN} AND ({_CHANGED})",
        f"INSERT INTO {TALLY} ({_COLUMNS}) VALUES ({_values('OLD', '-')})",
    ),
    f"{CASES}_tally_join": (
        f"AFTER UPDATE ON {CASES} WHEN NEW.state IN {OPEN} AND ({_CHANGED})",
        f"INSERT INTO {TALLY} ({_COLUMNS}) VALUES ({_values('NEW', '')})",
    ),
    f"{CASES}_tally_delete": (
        f"AFTER DELETE ON {CASES} WHEN OLD.state IN {OPEN}",
        f"INSERT INTO {TALLY} ({_COLUMNS}) VALUES ({_values('OLD', '-')})",
    ),
}
SQLITE = [
    statement
    for name, (when, action) in SQLITE_TRIGGERS.items()
    for statement in (f'DROP TRIGGER IF EXISTS "{name}"', f'CREATE TRIGGER "{name}" {when} BEGIN {action}; END')
]

# The open cases already there, as one row per group.
BACKFILL = (
    f"INSERT INTO {TALLY} ({_COLUMNS}) SELECT {', '.join(GROUP)}, count(*), sum(amount) FROM {CASES} "
    f"WHERE state IN {OPEN} GROUP BY {', '.join(GROUP)}"
)


def install(schema_editor: Any) -> None:
    execute_for_vendor(schema_editor, "open-case tally triggers", {"postgresql": PG, "sqlite": SQLITE})


def uninstall(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        statements = [f'DROP TRIGGER IF EXISTS "{CASES}_tally{suffix}" ON "{CASES}"' for suffix in ("", "_update")]
        statements.append("DROP FUNCTION IF EXISTS finops_open_case_tally()")
    else:
        statements = [f'DROP TRIGGER IF EXISTS "{name}"' for name in SQLITE_TRIGGERS]
    for statement in statements:
        schema_editor.execute(statement, params=None)
