"""The portfolio rows (retired in 0016).

Its data step is retired with the stored copies it filled (the portfolio rows,
the tally, the lists of due dates): 0016 drops them and counts every summary again.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0011_item_fields_database_defaults"),
        ("courts", "0004_court_statewide_order"),
    ]

    operations = [
        migrations.CreateModel(
            name="PortfolioRow",
            fields=[
                (
                    "court",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="portfolio_row",
                        serialize=False,
                        to="courts.court",
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("slug", models.SlugField(db_index=False, max_length=100)),
                ("county", models.CharField(blank=True, max_length=100)),
                ("court_type", models.CharField(max_length=20)),
                ("district", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("is_active", models.BooleanField(default=True)),
                ("search", models.TextField(blank=True)),
                ("ob_status", models.CharField(blank=True, max_length=20, null=True)),
                ("go_live", models.DateField(blank=True, null=True)),
                ("total", models.PositiveIntegerField(default=0)),
                ("finished", models.PositiveIntegerField(default=0)),
                ("blocked", models.PositiveIntegerField(default=0)),
                ("open_court", models.PositiveIntegerField(default=0)),
                ("open_so", models.PositiveIntegerField(default=0)),
                ("open_ccpor", models.PositiveIntegerField(default=0)),
                ("open_doj", models.PositiveIntegerField(default=0)),
                (
                    "phase_order",
                    models.PositiveSmallIntegerField(blank=True, null=True),
                ),
                ("oldest_open_due", models.DateField(blank=True, null=True)),
                (
                    "open_due_court",
                    models.TextField(default="[]", editable=False),
                ),
                ("open_due_so", models.TextField(default="[]", editable=False)),
                (
                    "open_due_ccpor",
                    models.TextField(default="[]", editable=False),
                ),
                ("open_due_doj", models.TextField(default="[]", editable=False)),
                ("reminder_recipients", models.PositiveIntegerField(default=0)),
                (
                    "ob",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="checklists.onboarding",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["is_active", "name", "court"],
                        name="portfolio_row_by_name",
                    ),
                    models.Index(
                        fields=["is_active", "district", "court_type", "name", "court"],
                        name="portfolio_row_statewide",
                    ),
                ],
            },
        ),
    ]
