"""before/after become the canonical JSON text that was hashed.

The row's hashed text can then be rebuilt from its columns by string
concatenation alone, which is what lets audit_verify check a million rows in
seconds (verify.py). Existing values are re-serialised canonically; the JSON
they hold does not change, so neither do their hashes. The append-only
triggers are lifted for this migration alone, by the schema owner running it.
"""

import json
from typing import Any

from django.db import migrations, models

from console.audit.chain import canonical_json
from console.audit.immutability import protect, unprotect

TABLE = "audit_auditevent"


def lift(apps: Any, schema_editor: Any) -> None:
    unprotect(schema_editor, TABLE)


def restore(apps: Any, schema_editor: Any) -> None:
    protect(schema_editor, TABLE)


def recanonicalise(apps: Any, schema_editor: Any) -> None:
    event_model = apps.get_model("audit", "AuditEvent")
    rows = event_model.objects.exclude(before__isnull=True, after__isnull=True).only("pk", "before", "after")
    for row in rows.iterator(chunk_size=5000):
        before = None if row.before is None else canonical_json(json.loads(row.before))
        after = None if row.after is None else canonical_json(json.loads(row.after))
        if (before, after) != (row.before, row.after):
            event_model.objects.filter(pk=row.pk).update(before=before, after=after)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_page_indexes")]
    operations = [
        migrations.RunPython(lift, restore),
        migrations.AlterField(
            model_name="auditevent", name="before", field=models.TextField(blank=True, null=True)
        ),
        migrations.AlterField(model_name="auditevent", name="after", field=models.TextField(blank=True, null=True)),
        migrations.RunPython(recanonicalise, migrations.RunPython.noop),
        migrations.RunPython(restore, lift),
    ]
