"""The default table of what each CCPOR role needs (docs/roster.md): staff change
it in the admin. Rows already there are left as staff set them."""

from django.db import migrations

DEFAULTS = {
    "query": ("ltfa", "any"),
    "court": ("full", "any"),
    "supervisor": ("full", "ccpor"),
    "admin": ("ltfa", "ccpor"),
}


def load(apps, schema_editor):
    RoleRequirement = apps.get_model("roster", "RoleRequirement")
    for role, (level, training) in DEFAULTS.items():
        RoleRequirement.objects.get_or_create(
            ccpor_role=role, defaults={"clets_level": level, "training": training}
        )


class Migration(migrations.Migration):
    dependencies = [("roster", "0001_roster")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
