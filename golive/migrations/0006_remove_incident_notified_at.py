"""`Incident.notified_at` is gone: its mail's `IncidentMail` row (0005) holds it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("golive", "0005_incident_mail_outbox"),
    ]

    operations = [
        migrations.RemoveField(model_name="incident", name="notified_at"),
    ]
