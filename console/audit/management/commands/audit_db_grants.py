from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from console.audit.actors import Actor
from console.audit.grants import audit_grants_apply, grants_sql


class Command(BaseCommand):
    help = (
        "PostgreSQL: let the application's role read and append to the audit tables, move the chain head "
        "forward, and never update, delete or truncate them. Run as the role that owns the tables (the one "
        "that runs migrations); prints the SQL, or runs it with --apply (recorded on the audit trail)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", required=True, help="The role the web and workers connect as.")
        parser.add_argument("--apply", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("audit_db_grants is for PostgreSQL; SQLite has the triggers only")
        if not options["apply"]:
            self.stdout.write(";\n".join(grants_sql(connection, options["app_role"])) + ";")
            return
        statements = audit_grants_apply(app_role=options["app_role"], actor=Actor.system("audit_db_grants"))
        self.stdout.write(f"applied {len(statements)} statements for role {options['app_role']}")
