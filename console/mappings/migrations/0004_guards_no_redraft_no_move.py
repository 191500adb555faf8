"""The guards again, now also refusing a request's return to draft and a row's move to
another request (either would let a submitted request's rows change)."""

from typing import Any

from django.db import migrations

from console.mappings.guards import guard


def forwards(apps: Any, schema_editor: Any) -> None:
    guard(schema_editor)  # every statement drops and re-creates: safe to run again


class Migration(migrations.Migration):
    dependencies = [("mappings", "0003_maker_checker_triggers")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
