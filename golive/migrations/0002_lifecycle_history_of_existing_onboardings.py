"""The lifecycle history starts with this app: an onboarding that had already left
"active" (live, closed or cancelled, set through the old admin status field with no
guard) gets one transition saying so, at the time its status last changed, by nobody
known, so that its court page does not read as if it had passed the gates.
"""

from django.db import migrations

NOTE = (
    "Set through the old admin status field, before transitions were recorded: the "
    "readiness and close-out gates were not checked."
)


def record(apps, schema_editor):
    Onboarding = apps.get_model("checklists", "Onboarding")
    Transition = apps.get_model("golive", "Transition")
    rows = [
        Transition(
            onboarding_id=onboarding.pk,
            kind="recorded",
            from_status="",
            to_status=onboarding.status,
            reason=NOTE,
            at=onboarding.status_changed_at or onboarding.updated_at,
        )
        for onboarding in Onboarding.objects.exclude(status="active").filter(
            transitions__isnull=True
        )
    ]
    Transition.objects.bulk_create(rows)


def forget(apps, schema_editor):
    apps.get_model("golive", "Transition").objects.filter(kind="recorded").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("golive", "0001_initial"),
        ("checklists", "0003_evidence_comment_verified"),
    ]

    operations = [migrations.RunPython(record, forget)]
