"""A notification is a row of the one outbox (notifications/outbox.py), made of the
same fields as every other kind of mail: its claim's id becomes the claim token (the
sender's task id, so that a redelivered task resumes its claim), and it gains the
time of its last change."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce


def date_the_last_change(apps, schema_editor):
    # Its last change was its sending, its claim, or its queueing, whichever came last.
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.update(
        updated_at=Coalesce("sent_at", "claimed_at", "created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="notification", old_name="claim", new_name="claim_token"
        ),
        # The uuid as text; no claim (NULL) as "".
        migrations.AlterField(
            model_name="notification",
            name="claim_token",
            field=models.CharField(blank=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="notification",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="notification",
            name="attempts",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="How many times a sweep claimed it to send."
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="error",
            field=models.TextField(
                blank=True,
                help_text="Why it was skipped or failed, or the last sending error.",
                verbose_name="reason or error",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("claimed", "Sending"),
                    ("sent", "Sent"),
                    ("skipped", "Skipped"),
                    ("failed", "Failed"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
        # Last: rows are not written in a transaction before its tables are altered.
        migrations.RunPython(
            date_the_last_change, migrations.RunPython.noop, elidable=True
        ),
    ]
