"""Database triggers behind the configuration maker-checker, so that no SQL from the application
bypasses it: what was proposed, and by whom, never changes once written, and a decided change
never changes again (only the decision fields of a pending one are written, once; approving a
new connection records the connection it created)."""

from __future__ import annotations

from typing import Any

from console.vendor_ddl import execute_for_vendor

THRESHOLDS = "sync_thresholdchange"
CONNECTIONS = "sync_connectionchange"
FROZEN = {
    THRESHOLDS: ("proposed_by_id", "proposed_at", "reason", "entity_id", "threshold_before", "threshold_after"),
    CONNECTIONS: ("proposed_by_id", "proposed_at", "reason", "before", "after"),
}
MESSAGE = "a configuration change keeps what was proposed, and by whom, and is decided once"


def _pg(table: str) -> list[str]:
    same = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in FROZEN[table])
    # A new connection's change learns its connection when approved, and only then.
    if table == CONNECTIONS:
        same += " AND (OLD.connection_id IS NULL OR NEW.connection_id IS NOT DISTINCT FROM OLD.connection_id)"
    function = f"finops_{table}_frozen"
    return [
        f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.state <> 'pending' OR NOT ({same}) THEN
        RAISE EXCEPTION '{MESSAGE} (% of change %)', TG_OP, OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""",
        f'DROP TRIGGER IF EXISTS "{table}_frozen" ON "{table}"',
        f'CREATE TRIGGER "{table}_frozen" BEFORE UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
    ]


def _sqlite(table: str) -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN[table])
    if table == CONNECTIONS:
        changed += " OR (OLD.connection_id IS NOT NULL AND NEW.connection_id IS NOT OLD.connection_id)"
    return [
        f'DROP TRIGGER IF EXISTS "{table}_frozen_update"',
        f'CREATE TRIGGER "{table}_frozen_update" BEFORE UPDATE ON "{table}" '
        f"WHEN OLD.state <> 'pending' OR {changed} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f'DROP TRIGGER IF EXISTS "{table}_frozen_delete"',
        f'CREATE TRIGGER "{table}_frozen_delete" BEFORE DELETE ON "{table}" '
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ]


def guard(schema_editor: Any) -> None:
    execute_for_vendor(
        schema_editor,
        "configuration maker-checker triggers",
        {"postgresql": _pg(THRESHOLDS) + _pg(CONNECTIONS), "sqlite": _sqlite(THRESHOLDS) + _sqlite(CONNECTIONS)},
    )


def unguard(schema_editor: Any) -> None:
    for table in (THRESHOLDS, CONNECTIONS):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_frozen" ON "{table}"', params=None)
        else:
            for suffix in ("update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_frozen_{suffix}"', params=None)
