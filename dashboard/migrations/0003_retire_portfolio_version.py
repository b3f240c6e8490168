"""The page cache is retired, and with it the version its keys carried."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_portfolio_version_row"),
    ]

    operations = [
        migrations.DeleteModel(name="PortfolioVersion"),
    ]
