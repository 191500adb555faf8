"""Grants that keep the application's own database role from rewriting the audit trail.

The triggers refuse UPDATE/DELETE/TRUNCATE from anyone, but a role that owns a
table may drop its triggers. So in production the tables belong to a separate
owner role (the one running migrations), and the application role gets
SELECT and INSERT on the audit tables only: no UPDATE, DELETE or TRUNCATE.
"""

from __future__ import annotations

from typing import Any

APPEND_ONLY_TABLES = ("audit_auditevent", "auditlog_logentry")


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
    return statements
