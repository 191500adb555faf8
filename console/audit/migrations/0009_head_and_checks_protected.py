"""The chain head moves forward only (to the last row and its hash) and is never removed;
verification results are insert-only, and a passed one names a real row of the chain."""

from typing import Any

from django.db import migrations

from console.audit.immutability import protect_head, unprotect_head


def forwards(apps: Any, schema_editor: Any) -> None:
    protect_head(schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    unprotect_head(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0008_change_correlation_index")]
    operations = [migrations.RunPython(forwards, backwards)]
