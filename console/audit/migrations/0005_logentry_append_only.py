"""django-auditlog's LogEntry rows get the same append-only protection as AuditEvent."""

from typing import Any

from django.db import migrations

from console.audit.immutability import protect, unprotect

TABLE = "auditlog_logentry"


def forwards(apps: Any, schema_editor: Any) -> None:
    protect(schema_editor, TABLE)


def backwards(apps: Any, schema_editor: Any) -> None:
    unprotect(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_anonymous_actor"), ("auditlog", "0017_add_actor_email")]
    operations = [migrations.RunPython(forwards, backwards)]
