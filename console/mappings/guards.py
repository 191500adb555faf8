"""Database triggers behind maker-checker, so that no SQL from the application bypasses it:
a change request's requester never changes, it never goes back to draft, and its rows are
frozen once it leaves draft: none added, removed, edited or moved to another request (only
the version they were applied as may still be recorded)."""

from __future__ import annotations

from typing import Any

from console.vendor_ddl import execute_for_vendor

REQUESTS = "mappings_changerequest"
ROWS = "mappings_rowchange"
FROZEN_COLUMNS = ("request_id", "position", "op", "kind", "source_value", "odoo_id", "odoo_label", "replaces_id")

PG = [
    """
CREATE OR REPLACE FUNCTION finops_requester_fixed() RETURNS trigger AS $$
BEGIN
    IF NEW.requested_by_id IS DISTINCT FROM OLD.requested_by_id THEN
        RAISE EXCEPTION 'the requester of mapping change % cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.state = 'draft' AND OLD.state <> 'draft' THEN
        RAISE EXCEPTION 'mapping change % cannot go back to draft (its rows would thaw)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""",
    f'DROP TRIGGER IF EXISTS "{REQUESTS}_requester_fixed" ON "{REQUESTS}"',
    f'CREATE TRIGGER "{REQUESTS}_requester_fixed" BEFORE UPDATE ON "{REQUESTS}" '
    "FOR EACH ROW EXECUTE FUNCTION finops_requester_fixed()",
    f"""
CREATE OR REPLACE FUNCTION finops_rows_frozen() RETURNS trigger AS $$
DECLARE
    request_state text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.request_id IS DISTINCT FROM OLD.request_id THEN
        RAISE EXCEPTION 'a row of a mapping change cannot move to another request'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND ({" AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in FROZEN_COLUMNS)}) THEN
        RETURN NEW;  -- only applied_version changed: applying records what it wrote
    END IF;
    SELECT state INTO request_state FROM {REQUESTS}
        WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.request_id ELSE OLD.request_id END;
    IF request_state IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'the rows of a mapping change are frozen once it is submitted (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""",
    f'DROP TRIGGER IF EXISTS "{ROWS}_frozen" ON "{ROWS}"',
    f'CREATE TRIGGER "{ROWS}_frozen" BEFORE INSERT OR UPDATE OR DELETE ON "{ROWS}" '
    "FOR EACH ROW EXECUTE FUNCTION finops_rows_frozen()",
]

_NOT_DRAFT = f"(SELECT state FROM {REQUESTS} WHERE id = {{row}}.request_id) IS NOT 'draft'"
_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN_COLUMNS)
SQLITE = [
    f'DROP TRIGGER IF EXISTS "{REQUESTS}_requester_fixed"',
    f'CREATE TRIGGER "{REQUESTS}_requester_fixed" BEFORE UPDATE OF requested_by_id ON "{REQUESTS}" '
    "WHEN NEW.requested_by_id IS NOT OLD.requested_by_id "
    "BEGIN SELECT RAISE(ABORT, 'the requester of a mapping change cannot change'); END",
    f'DROP TRIGGER IF EXISTS "{REQUESTS}_no_redraft"',
    f'CREATE TRIGGER "{REQUESTS}_no_redraft" BEFORE UPDATE OF state ON "{REQUESTS}" '
    "WHEN NEW.state = 'draft' AND OLD.state <> 'draft' "
    "BEGIN SELECT RAISE(ABORT, 'a mapping change cannot go back to draft (its rows would thaw)'); END",
    f'DROP TRIGGER IF EXISTS "{ROWS}_no_move"',
    f'CREATE TRIGGER "{ROWS}_no_move" BEFORE UPDATE OF request_id ON "{ROWS}" '
    "WHEN NEW.request_id IS NOT OLD.request_id "
    "BEGIN SELECT RAISE(ABORT, 'a row of a mapping change cannot move to another request'); END",
    f'DROP TRIGGER IF EXISTS "{ROWS}_frozen_insert"',
    f'CREATE TRIGGER "{ROWS}_frozen_insert" BEFORE INSERT ON "{ROWS}" WHEN {_NOT_DRAFT.format(row="NEW")} '
    "BEGIN SELECT RAISE(ABORT, 'the rows of a mapping change are frozen once it is submitted (INSERT refused)'); END",
    f'DROP TRIGGER IF EXISTS "{ROWS}_frozen_update"',
    f'CREATE TRIGGER "{ROWS}_frozen_update" BEFORE UPDATE ON "{ROWS}" '
    f"WHEN ({_CHANGED}) AND {_NOT_DRAFT.format(row='OLD')} "
    "BEGIN SELECT RAISE(ABORT, 'the rows of a mapping change are frozen once it is submitted (UPDATE refused)'); END",
    f'DROP TRIGGER IF EXISTS "{ROWS}_frozen_delete"',
    f'CREATE TRIGGER "{ROWS}_frozen_delete" BEFORE DELETE ON "{ROWS}" WHEN {_NOT_DRAFT.format(row="OLD")} '
    "BEGIN SELECT RAISE(ABORT, 'the rows of a mapping change are frozen once it is submitted (DELETE refused)'); END",
]


def guard(schema_editor: Any) -> None:
    execute_for_vendor(schema_editor, "maker-checker triggers", {"postgresql": PG, "sqlite": SQLITE})


def unguard(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        statements = [f'DROP TRIGGER IF EXISTS "{REQUESTS}_requester_fixed" ON "{REQUESTS}"']
        statements.append(f'DROP TRIGGER IF EXISTS "{ROWS}_frozen" ON "{ROWS}"')
    else:
        statements = [
            f'DROP TRIGGER IF EXISTS "{name}"'
            for name in (
                f"{REQUESTS}_requester_fixed",
                f"{ROWS}_frozen_insert",
                f"{ROWS}_frozen_update",
                f"{ROWS}_frozen_delete",
            )
        ]
    for statement in statements:
        schema_editor.execute(statement, params=None)
