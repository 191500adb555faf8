"""Database triggers that refuse UPDATE, DELETE (and TRUNCATE on PostgreSQL) of
append-only audit tables, whatever the SQL comes from."""

from __future__ import annotations

from typing import Any

from console.vendor_ddl import execute_for_vendor

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION finops_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def protect_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            PG_FUNCTION,
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION finops_audit_append_only()",
            f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
            f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION finops_audit_append_only()",
        ]
    if vendor == "sqlite":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_no_update"',
            f'CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: UPDATE on {table} refused'); END",
            f'DROP TRIGGER IF EXISTS "{table}_no_delete"',
            f'CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: DELETE on {table} refused'); END",
        ]
    raise NotImplementedError(f"no append-only triggers for database {vendor!r}")


def unprotect_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
            f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
        ]
    return [f'DROP TRIGGER IF EXISTS "{table}_no_update"', f'DROP TRIGGER IF EXISTS "{table}_no_delete"']


def protect(schema_editor: Any, table: str) -> None:
    for statement in protect_sql(schema_editor.connection.vendor, table):
        schema_editor.execute(statement, params=None)


def unprotect(schema_editor: Any, table: str) -> None:
    for statement in unprotect_sql(schema_editor.connection.vendor, table):
        schema_editor.execute(statement, params=None)


# --- The chain head and the verification results --------------------------------------
# The head may only move forward, to the last row written with its hash; it is never
# removed. A verification result is insert-only (protect_sql above), and one that says
# "OK" must name a row of the chain with its hash, having checked every row up to it.

HEAD = "audit_auditchainhead"
EVENTS = "audit_auditevent"
VERIFICATIONS = "audit_auditverification"
GENESIS = "0" * 64

_HEAD_NAMES_LAST_ROW = (
    f"((NEW.last_sequence = 0 AND NEW.last_hash = '{GENESIS}' AND NOT EXISTS (SELECT 1 FROM {EVENTS}))"
    f" OR (EXISTS (SELECT 1 FROM {EVENTS} WHERE sequence = NEW.last_sequence AND hash = NEW.last_hash)"
    f" AND NOT EXISTS (SELECT 1 FROM {EVENTS} WHERE sequence > NEW.last_sequence)))"
)
_OK_NAMES_A_ROW = (
    f"(NEW.rows_checked = NEW.last_sequence AND ((NEW.last_sequence = 0 AND NEW.last_hash = '{GENESIS}')"
    f" OR EXISTS (SELECT 1 FROM {EVENTS} WHERE sequence = NEW.last_sequence AND hash = NEW.last_hash)))"
)

PG_HEAD = [
    f"""
CREATE OR REPLACE FUNCTION finops_audit_head_forward() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit chain head cannot be removed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_sequence = OLD.last_sequence
            AND NEW.last_hash = OLD.last_hash THEN
        RETURN NEW;
    END IF;
    IF NEW.id <> 1 OR (TG_OP = 'UPDATE' AND NEW.last_sequence <= OLD.last_sequence)
            OR NOT {_HEAD_NAMES_LAST_ROW} THEN
        RAISE EXCEPTION 'audit chain head moves forward only, to the last row written and its hash: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""",
    f'DROP TRIGGER IF EXISTS "{HEAD}_forward" ON "{HEAD}"',
    f'CREATE TRIGGER "{HEAD}_forward" BEFORE INSERT OR UPDATE OR DELETE ON "{HEAD}" '
    "FOR EACH ROW EXECUTE FUNCTION finops_audit_head_forward()",
    f'DROP TRIGGER IF EXISTS "{HEAD}_no_truncate" ON "{HEAD}"',
    f'CREATE TRIGGER "{HEAD}_no_truncate" BEFORE TRUNCATE ON "{HEAD}" '
    "FOR EACH STATEMENT EXECUTE FUNCTION finops_audit_append_only()",
    f"""
CREATE OR REPLACE FUNCTION finops_audit_verification_honest() RETURNS trigger AS $$
BEGIN
    IF NEW.ok AND NOT {_OK_NAMES_A_ROW} THEN
        RAISE EXCEPTION 'a passed audit check must name a row of the chain with its hash, every row up to it checked'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""",
    f'DROP TRIGGER IF EXISTS "{VERIFICATIONS}_honest" ON "{VERIFICATIONS}"',
    f'CREATE TRIGGER "{VERIFICATIONS}_honest" BEFORE INSERT ON "{VERIFICATIONS}" '
    "FOR EACH ROW EXECUTE FUNCTION finops_audit_verification_honest()",
]

_HEAD_REFUSED = "audit chain head moves forward only, to the last row written and its hash"
SQLITE_HEAD = [
    f'DROP TRIGGER IF EXISTS "{HEAD}_insert"',
    f'CREATE TRIGGER "{HEAD}_insert" BEFORE INSERT ON "{HEAD}" '
    f"WHEN NEW.id <> 1 OR NOT {_HEAD_NAMES_LAST_ROW} "
    f"BEGIN SELECT RAISE(ABORT, '{_HEAD_REFUSED}: INSERT refused'); END",
    f'DROP TRIGGER IF EXISTS "{HEAD}_forward"',
    f'CREATE TRIGGER "{HEAD}_forward" BEFORE UPDATE ON "{HEAD}" '
    "WHEN NOT (NEW.id = OLD.id AND NEW.last_sequence = OLD.last_sequence AND NEW.last_hash = OLD.last_hash) "
    f"AND (NEW.id <> OLD.id OR NEW.last_sequence <= OLD.last_sequence OR NOT {_HEAD_NAMES_LAST_ROW}) "
    f"BEGIN SELECT RAISE(ABORT, '{_HEAD_REFUSED}: UPDATE refused'); END",
    f'DROP TRIGGER IF EXISTS "{HEAD}_no_delete"',
    f'CREATE TRIGGER "{HEAD}_no_delete" BEFORE DELETE ON "{HEAD}" '
    "BEGIN SELECT RAISE(ABORT, 'audit chain head cannot be removed: DELETE refused'); END",
    f'DROP TRIGGER IF EXISTS "{VERIFICATIONS}_honest"',
    f'CREATE TRIGGER "{VERIFICATIONS}_honest" BEFORE INSERT ON "{VERIFICATIONS}" '
    f"WHEN NEW.ok AND NOT {_OK_NAMES_A_ROW} "
    "BEGIN SELECT RAISE(ABORT, 'a passed audit check must name a row of the chain with its hash, "
    "every row up to it checked'); END",
]

UNDO_PG_HEAD = [
    f'DROP TRIGGER IF EXISTS "{HEAD}_forward" ON "{HEAD}"',
    f'DROP TRIGGER IF EXISTS "{HEAD}_no_truncate" ON "{HEAD}"',
    f'DROP TRIGGER IF EXISTS "{VERIFICATIONS}_honest" ON "{VERIFICATIONS}"',
    "DROP FUNCTION IF EXISTS finops_audit_head_forward()",
    "DROP FUNCTION IF EXISTS finops_audit_verification_honest()",
]
UNDO_SQLITE_HEAD = [
    f'DROP TRIGGER IF EXISTS "{HEAD}_insert"',
    f'DROP TRIGGER IF EXISTS "{HEAD}_forward"',
    f'DROP TRIGGER IF EXISTS "{HEAD}_no_delete"',
    f'DROP TRIGGER IF EXISTS "{VERIFICATIONS}_honest"',
]


def protect_head(schema_editor: Any) -> None:
    """The head moves forward only; verification results are insert-only and honest."""
    protect(schema_editor, VERIFICATIONS)
    execute_for_vendor(schema_editor, "audit chain head triggers", {"postgresql": PG_HEAD, "sqlite": SQLITE_HEAD})


def unprotect_head(schema_editor: Any) -> None:
    execute_for_vendor(
        schema_editor, "audit chain head triggers", {"postgresql": UNDO_PG_HEAD, "sqlite": UNDO_SQLITE_HEAD}
    )
    unprotect(schema_editor, VERIFICATIONS)
