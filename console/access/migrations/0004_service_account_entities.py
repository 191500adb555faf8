"""Service accounts are scoped to legal entities as well as sources.

Accounts that exist keep working: each is given the entities its sources' flows have
events for. An account whose sources have no event yet could feed every entity until
now and is given every entity, so nothing it sends is refused by this migration; narrow
it by creating a new account with --entity and retiring the old one.
"""

from typing import Any

from django.db import migrations, models


def scope_existing_accounts(apps: Any, schema_editor: Any) -> None:
    account_model = apps.get_model("access", "ServiceAccount")
    entity_model = apps.get_model("sync", "LegalEntity")
    event_model = apps.get_model("sync", "SyncEvent")
    every_entity = list(entity_model.objects.values_list("pk", flat=True))
    for account in account_model.objects.all():
        fed = set(
            event_model.objects.filter(flow__source__in=account.sources.all())
            .values_list("entity_id", flat=True)
            .distinct()
        )
        account.entities.set(fed or every_entity)


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_roles"),
        ("sync", "0005_drop_unused_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceaccount",
            name="entities",
            field=models.ManyToManyField(related_name="service_accounts", to="sync.legalentity"),
        ),
        migrations.RunPython(scope_existing_accounts, migrations.RunPython.noop),
    ]
