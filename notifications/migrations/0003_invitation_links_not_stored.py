"""Invitations stored the new account's one-time set-password link as their URL;
the link is now made when the mail is sent and kept nowhere. Each stored link is
replaced with the court's address (kept in the invitation's data); a pending
invitation still gets its link when it is sent."""

from django.db import migrations

RESET_PATH = "/accounts/reset/"


def forget_set_password_links(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(kind="invitation", url__contains=RESET_PATH)
    for row in rows.only("pk", "data").iterator():
        court_url = (row.data or {}).get("court_url", "")
        Notification.objects.filter(pk=row.pk).update(url=court_url[:500])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_notification_outbox_row"),
    ]

    operations = [
        migrations.RunPython(forget_set_password_links, migrations.RunPython.noop),
    ]
