from django.db import migrations


def create_row(apps, schema_editor):
    """The one row of PortfolioVersion, with this database's random instance id."""
    PortfolioVersion = apps.get_model("dashboard", "PortfolioVersion")
    PortfolioVersion.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_portfolio_version"),
    ]

    operations = [
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
