"""Each incident's mail becomes a row of the outbox (`IncidentMail`), claimed, sent and
settled like every other mail, in place of the incident's `notified_at` claim.

Incidents already reported get their row from what `notified_at` says: set, the mail
was sent then (or its worker died holding it, which nothing can tell apart); empty,
it was never sent (the broker or the mail server failed), and it is recorded as
skipped, so that the new backstop does not mail old incidents now. (`notified_at` itself
goes in the next migration: a table is not altered in the transaction that wrote
rows referring to it.)
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

NOT_SENT = (
    "Reported before incident mail had an outbox, and not sent then (a broker or "
    "mail-server failure): not sent since."
)


def record_the_mail_of_each_incident(apps, schema_editor):
    Incident = apps.get_model("golive", "Incident")
    IncidentMail = apps.get_model("golive", "IncidentMail")
    rows = []
    for incident_id, notified_at in Incident.objects.values_list(
        "pk", "notified_at"
    ).iterator():
        if notified_at is None:
            row = IncidentMail(
                incident_id=incident_id, status="skipped", error=NOT_SENT
            )
        else:
            row = IncidentMail(
                incident_id=incident_id,
                status="sent",
                attempts=1,
                claimed_at=notified_at,
                sent_at=notified_at,
            )
        rows.append(row)
    IncidentMail.objects.bulk_create(rows, batch_size=1000)
    # auto_now_add dated them today: they were owed when their incident was reported.
    IncidentMail.objects.update(
        created_at=Subquery(
            Incident.objects.filter(pk=OuterRef("incident_id")).values("reported_at")
        )
    )


def give_back_notified_at(apps, schema_editor):
    Incident = apps.get_model("golive", "Incident")
    IncidentMail = apps.get_model("golive", "IncidentMail")
    Incident.objects.update(
        notified_at=Subquery(
            IncidentMail.objects.filter(incident_id=OuterRef("pk")).values("sent_at")
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("golive", "0004_summaries_backfill"),
    ]

    operations = [
        migrations.CreateModel(
            name="IncidentMail",
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
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("claimed", "Sending"),
                            ("sent", "Sent"),
                            ("skipped", "Skipped"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                (
                    "attempts",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="How many times a sweep claimed it to send.",
                    ),
                ),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("claim_token", models.CharField(blank=True, max_length=64)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "error",
                    models.TextField(
                        blank=True,
                        help_text=(
                            "Why it was skipped or failed, or the last sending error."
                        ),
                        verbose_name="reason or error",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "incident",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mail",
                        to="golive.incident",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["status", "created_at"], name="incidentmail_owed"
                    )
                ],
            },
        ),
        migrations.RunPython(
            record_the_mail_of_each_incident, give_back_notified_at, elidable=False
        ),
    ]
