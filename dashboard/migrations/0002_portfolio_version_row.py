"""Retired: this migration wrote the one row of the page cache's version, and the
page cache is gone (0003 drops the table)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_portfolio_version"),
    ]

    operations = []
