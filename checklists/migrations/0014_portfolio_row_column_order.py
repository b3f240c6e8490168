"""Retired: this migration remade the portfolio row table to reorder its columns
(a speed trick); the table itself is dropped in 0016.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0013_portfolio_row_stage"),
    ]

    operations = []
