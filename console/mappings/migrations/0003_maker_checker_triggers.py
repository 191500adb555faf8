"""A change request's requester never changes; its rows are frozen once it is submitted."""

from typing import Any

from django.db import migrations

from console.mappings.guards import guard, unguard


def forwards(apps: Any, schema_editor: Any) -> None:
    guard(schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    unguard(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("mappings", "0002_change_requests")]
    operations = [migrations.RunPython(forwards, backwards)]
