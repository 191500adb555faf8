from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_head_and_checks_protected")]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("actor_type", "user")), fields=["sequence"], name="auditevent_people_seq"
            ),
        ),
    ]
