"""AuditEvent rows can be inserted, never updated or deleted: enforced by triggers."""

from typing import Any

from django.db import migrations

from console.audit.immutability import protect, unprotect

TABLE = "audit_auditevent"


def forwards(apps: Any, schema_editor: Any) -> None:
    protect(schema_editor, TABLE)


def backwards(apps: Any, schema_editor: Any) -> None:
    unprotect(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_verification")]
    operations = [migrations.RunPython(forwards, backwards)]
