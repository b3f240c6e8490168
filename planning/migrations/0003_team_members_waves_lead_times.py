"""The CCPOR Team's people (hours and absences) instead of hours per role; waves
of courts; capacity overrides; lead times adopted into templates."""

import ccpor_onboard.lib.bounds
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def members_from_role_hours(apps, schema_editor):
    """A role's hours were the team's in all: they become one person of the role
    ("Project manager 1"), whom staff rename and split as people join."""
    TeamRole = apps.get_model("planning", "TeamRole")
    TeamMember = apps.get_model("planning", "TeamMember")
    for role in TeamRole.objects.all():
        if role.hours_per_week and not TeamMember.objects.filter(role=role).exists():
            TeamMember.objects.create(
                name=f"{role.name} 1", role=role, hours_per_week=role.hours_per_week
            )


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0022_merged_fields_in_bounds"),
        ("courts", "0006_typed_input_bounds"),
        ("planning", "0002_default_team_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="forecast",
            name="as_of",
            field=models.DateField(
                help_text="The day the forecast was made for.",
                validators=[ccpor_onboard.lib.bounds.validate_date_in_window],
            ),
        ),
        migrations.AlterField(
            model_name="forecast",
            name="p50",
            field=models.DateField(
                validators=[ccpor_onboard.lib.bounds.validate_date_in_window],
                verbose_name="likely ready (P50)",
            ),
        ),
        migrations.AlterField(
            model_name="forecast",
            name="p85",
            field=models.DateField(
                validators=[ccpor_onboard.lib.bounds.validate_date_in_window],
                verbose_name="ready by, 85 % sure (P85)",
            ),
        ),
        migrations.AlterField(
            model_name="forecast",
            name="target",
            field=models.DateField(
                help_text="The planned Go-Live it was compared with.",
                validators=[ccpor_onboard.lib.bounds.validate_date_in_window],
            ),
        ),
        migrations.AlterField(
            model_name="statewideforecast",
            name="all_live_p50",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[ccpor_onboard.lib.bounds.validate_date_in_window],
            ),
        ),
        migrations.AlterField(
            model_name="statewideforecast",
            name="all_live_p85",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[ccpor_onboard.lib.bounds.validate_date_in_window],
            ),
        ),
        migrations.AlterField(
            model_name="statewideforecast",
            name="as_of",
            field=models.DateField(
                unique=True,
                validators=[ccpor_onboard.lib.bounds.validate_date_in_window],
            ),
        ),
        migrations.AlterField(
            model_name="teamrole",
            name="name",
            field=models.CharField(
                max_length=100,
                unique=True,
                validators=[ccpor_onboard.lib.bounds.validate_single_line],
            ),
        ),
        migrations.CreateModel(
            name="CapacityOverride",
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
                            ("start", "Onboarding started"),
                            ("reschedule", "Go-Live moved"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "go_live_date",
                    models.DateField(
                        validators=[ccpor_onboard.lib.bounds.validate_date_in_window]
                    ),
                ),
                (
                    "proposed_date",
                    models.DateField(
                        blank=True,
                        null=True,
                        validators=[ccpor_onboard.lib.bounds.validate_date_in_window],
                    ),
                ),
                ("over_committed", models.JSONField(default=list)),
                (
                    "reason",
                    models.TextField(
                        max_length=1000,
                        validators=[
                            django.core.validators.MaxLengthValidator(1000),
                            ccpor_onboard.lib.bounds.validate_multi_line,
                        ],
                    ),
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
                        related_name="capacity_overrides",
                        to="checklists.onboarding",
                    ),
                ),
            ],
            options={
                "verbose_name": "capacity override",
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="LeadTimeAdoption",
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
                ("order", models.PositiveSmallIntegerField()),
                (
                    "title",
                    models.CharField(
                        max_length=300,
                        validators=[ccpor_onboard.lib.bounds.validate_single_line],
                    ),
                ),
                ("old_offset", models.IntegerField()),
                ("new_offset", models.IntegerField()),
                ("median_days", models.PositiveIntegerField()),
                ("courts", models.PositiveIntegerField()),
                (
                    "reason",
                    models.TextField(
                        blank=True,
                        max_length=1000,
                        validators=[
                            django.core.validators.MaxLengthValidator(1000),
                            ccpor_onboard.lib.bounds.validate_multi_line,
                        ],
                    ),
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
                    "template",
                    models.ForeignKey(
                        help_text="The new version made with this offset.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="lead_time_adoptions",
                        to="checklists.checklisttemplate",
                    ),
                ),
            ],
            options={
                "ordering": ["-at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="TeamMember",
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
                    "name",
                    models.CharField(
                        max_length=200,
                        validators=[ccpor_onboard.lib.bounds.validate_single_line],
                    ),
                ),
                (
                    "hours_per_week",
                    models.DecimalField(
                        decimal_places=1,
                        help_text="Hours a week this person gives the role in a full week.",
                        max_digits=4,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(80),
                        ],
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True, help_text="Left the team: no longer counted."
                    ),
                ),
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="members",
                        to="planning.teamrole",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        help_text="Their account, if they have one (optional).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "team member",
                "ordering": ["role__name", "name"],
            },
        ),
        migrations.CreateModel(
            name="Wave",
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
                    "name",
                    models.CharField(
                        max_length=100,
                        unique=True,
                        validators=[ccpor_onboard.lib.bounds.validate_single_line],
                    ),
                ),
                (
                    "window_start",
                    models.DateField(
                        validators=[ccpor_onboard.lib.bounds.validate_date_in_window]
                    ),
                ),
                (
                    "window_end",
                    models.DateField(
                        validators=[ccpor_onboard.lib.bounds.validate_date_in_window]
                    ),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[
                            django.core.validators.MaxLengthValidator(2000),
                            ccpor_onboard.lib.bounds.validate_multi_line,
                        ],
                    ),
                ),
            ],
            options={
                "ordering": ["window_start", "name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("window_end__gte", models.F("window_start"))
                        ),
                        name="wave_window_ends_after_it_starts",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="WaveCourt",
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
                    "court",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="wave_membership",
                        to="courts.court",
                    ),
                ),
                (
                    "wave",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="courts",
                        to="planning.wave",
                    ),
                ),
            ],
            options={
                "verbose_name": "court of a wave",
                "ordering": ["court__name"],
            },
        ),
        migrations.CreateModel(
            name="Absence",
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
                    "first_day",
                    models.DateField(
                        validators=[ccpor_onboard.lib.bounds.validate_date_in_window]
                    ),
                ),
                (
                    "last_day",
                    models.DateField(
                        validators=[ccpor_onboard.lib.bounds.validate_date_in_window]
                    ),
                ),
                (
                    "note",
                    models.CharField(
                        blank=True,
                        max_length=200,
                        validators=[ccpor_onboard.lib.bounds.validate_single_line],
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="absences",
                        to="planning.teammember",
                    ),
                ),
            ],
            options={
                "ordering": ["first_day", "member__name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("last_day__gte", models.F("first_day"))),
                        name="absence_ends_after_it_starts",
                    )
                ],
            },
        ),
        # Kept (the data migrations run again on today's schema in the tests):
        # what the team had in the role before its people were recorded.
        migrations.AlterField(
            model_name="teamrole",
            name="hours_per_week",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                editable=False,
                help_text="Before the role's people were recorded: its hours a week "
                "in all. Kept for the record; capacity is the hours of its people.",
                max_digits=6,
            ),
        ),
        # Each role's hours a week become one person's, to be named by staff.
        migrations.RunPython(members_from_role_hours, migrations.RunPython.noop),
    ]
