"""The stored summary of each onboarding.

Its data step is retired with the stored copies it filled (the portfolio rows,
the tally, the lists of due dates): 0016 drops them and counts every summary again.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0008_default_template_info_page_and_trainings"),
    ]

    operations = [
        migrations.CreateModel(
            name="OnboardingSummary",
            fields=[
                (
                    "onboarding",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="summary",
                        serialize=False,
                        to="checklists.onboarding",
                    ),
                ),
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
                ("refreshed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name_plural": "onboarding summaries",
            },
        ),
    ]
