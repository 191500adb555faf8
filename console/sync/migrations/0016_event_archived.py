"""Archived events: when and into which file (console/sync/services/retention.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0005_service_account_rotation'),
        ('sync', '0013_config_changes'),
    ]

    operations = [
        migrations.AddField(
            model_name='syncevent',
            name='archive_name',
            field=models.CharField(blank=True, db_default='', default='', max_length=200),
        ),
        migrations.AddField(
            model_name='syncevent',
            name='archived_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='syncevent',
            index=models.Index(condition=models.Q(('archived_at__isnull', True), ('state', 'posted')), fields=['posted_at', 'id'], name='syncevent_archivable'),
        ),
    ]
