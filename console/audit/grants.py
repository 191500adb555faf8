"""Grants that keep the application's own database role from rewriting the audit trail.

The triggers refuse UPDATE/DELETE/TRUNCATE from anyone, but a role that owns a
table may drop its triggers. So in production the tables belong to a separate
owner role (the one running migrations), and the application role gets:
- SELECT and INSERT on the append-only tables (audit rows, field history, check results);
- SELECT, INSERT and UPDATE on the chain head, which it moves forward as it appends (the
  trigger lets it move only forward, to the last row): no DELETE or TRUNCATE.
"""

from __future__ import annotations

from typing import Any

from console.audit.actors import Actor
from console.audit.services import AuditEntry, audit_record

APPEND_ONLY_TABLES = ("audit_auditevent", "auditlog_logentry", "audit_auditverification")
FORWARD_ONLY_TABLES = ("audit_auditchainhead",)


def grants_sql(connection: Any, app_role: str) -> list[str]:
    role = connection.ops.quote_name(app_role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    for table in APPEND_ONLY_TABLES:
        name = connection.ops.quote_name(table)
        statements += [
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {name} FROM {role}",
            f"GRANT SELECT, INSERT ON {name} TO {role}",
        ]
    for table in FORWARD_ONLY_TABLES:
        name = connection.ops.quote_name(table)
        statements += [
            f"REVOKE DELETE, TRUNCATE ON {name} FROM {role}",
            f"GRANT SELECT, INSERT, UPDATE ON {name} TO {role}",
        ]
    return statements


def audit_grants_apply(*, app_role: str, actor: Actor) -> list[str]:
    """Run the grants for the application's role, and record that they were applied, in one transaction."""
    from django.db import connection, transaction

    statements = grants_sql(connection, app_role)
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        audit_record(
            actor=actor,
            entry=AuditEntry(
                action="database.grants_applied",
                object_type="database_role",
                object_id=app_role[:64],
                after={"append_only": list(APPEND_ONLY_TABLES), "forward_only": list(FORWARD_ONLY_TABLES)},
            ),
        )
    return statements
