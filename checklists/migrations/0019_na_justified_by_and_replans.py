"""Whose word an item's N/A stands on (`na_justified_by`), and the record of
re-plans (`Replan`).

Items already N/A get the side whose word they stood on, as far as it is known: a
processing-model change's N/A is a re-plan's; one finished by CCPOR staff (or a
superuser) is the CCPOR Team's, even where that person also held a court role;
one finished by a member of the court is their organisation's. Whatever is left
(nobody known) stays empty, and a readiness gate among them must be justified again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q

# checklists.services.processing_model.PROCESSING_MODEL_NA, as it is today.
PROCESSING_MODEL_NA = "No longer applies: the processing model changed"
CCPOR_TEAM_GROUP = "CCPOR Team"


def backfill(apps, schema_editor):
    Item = apps.get_model("checklists", "ChecklistItem")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    unknown = Item.objects.filter(status="na", na_justified_by="")
    unknown.filter(na_justification__startswith=PROCESSING_MODEL_NA).update(
        na_justified_by="replan"
    )
    staff = User.objects.filter(
        Q(is_superuser=True) | Q(groups__name=CCPOR_TEAM_GROUP)
    ).values("pk")
    unknown.filter(completed_by__in=staff).update(na_justified_by="ccpor")
    for organisation in ("court", "so"):
        unknown.filter(
            completed_by__memberships__court=F("onboarding__court"),
            completed_by__memberships__organisation=organisation,
        ).update(na_justified_by=organisation)


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0018_onboarding_went_live_on"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="checklistitem",
            name="na_justified_by",
            field=models.CharField(
                blank=True,
                choices=[
                    ("court", "Court"),
                    ("so", "Sheriff's Office"),
                    ("ccpor", "CCPOR Team"),
                    ("replan", "Re-plan"),
                ],
                db_default="",
                max_length=10,
                verbose_name="N/A justified by",
            ),
        ),
        migrations.AddField(
            model_name="historicalchecklistitem",
            name="na_justified_by",
            field=models.CharField(
                blank=True,
                choices=[
                    ("court", "Court"),
                    ("so", "Sheriff's Office"),
                    ("ccpor", "CCPOR Team"),
                    ("replan", "Re-plan"),
                ],
                db_default="",
                max_length=10,
                verbose_name="N/A justified by",
            ),
        ),
        migrations.CreateModel(
            name="Replan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("template", "Template changes applied"),
                            ("processing_model", "Processing model changed"),
                        ],
                        max_length=20,
                    ),
                ),
                ("reason", models.TextField(blank=True)),
                ("changes", models.JSONField(default=list)),
                (
                    "gates_made_na",
                    models.JSONField(default=list, verbose_name="gate items made N/A"),
                ),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "onboarding",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="replans",
                        to="checklists.onboarding",
                    ),
                ),
            ],
            options={
                "verbose_name": "re-plan",
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
