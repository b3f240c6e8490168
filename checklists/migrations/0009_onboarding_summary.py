import ccpor_onboard.lib.sorted_dates
import django.db.models.deletion
from collections import defaultdict

from django.db import migrations, models

from checklists.services.summaries import summarise


def backfill(apps, schema_editor):
    """A summary for every existing onboarding, from its items (as the services
    refresh it from now on)."""
    ChecklistItem = apps.get_model("checklists", "ChecklistItem")
    Onboarding = apps.get_model("checklists", "Onboarding")
    OnboardingSummary = apps.get_model("checklists", "OnboardingSummary")
    items = defaultdict(list)
    for onboarding_id, *item in ChecklistItem.objects.order_by().values_list(
        "onboarding_id", "status", "actor", "due_date", "phase__order"
    ):
        items[onboarding_id].append(item)
    OnboardingSummary.objects.bulk_create(
        [
            OnboardingSummary(onboarding_id=pk, **summarise(items.get(pk, ())))
            for pk in Onboarding.objects.values_list("pk", flat=True)
        ],
        batch_size=1000,
    )


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
                    ccpor_onboard.lib.sorted_dates.SortedDateListField(),
                ),
                ("open_due_so", ccpor_onboard.lib.sorted_dates.SortedDateListField()),
                (
                    "open_due_ccpor",
                    ccpor_onboard.lib.sorted_dates.SortedDateListField(),
                ),
                ("open_due_doj", ccpor_onboard.lib.sorted_dates.SortedDateListField()),
                ("refreshed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name_plural": "onboarding summaries",
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
