"""The CCPOR Team's roles to start from (staff edit them in the admin): a project
manager, a trainer and a network engineer, full-time, four days and three days a
week."""

from django.db import migrations

DEFAULT_ROLES = (
    ("Project manager", 40),
    ("Trainer", 32),
    ("Network engineer", 24),
)


def add_roles(apps, schema_editor):
    TeamRole = apps.get_model("planning", "TeamRole")
    for name, hours in DEFAULT_ROLES:
        TeamRole.objects.get_or_create(name=name, defaults={"hours_per_week": hours})


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_forecasts_and_capacity")]

    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
