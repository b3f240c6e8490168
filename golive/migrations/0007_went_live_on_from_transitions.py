"""Courts already live or closed get their actual Go-Live date from their lifecycle:
the day (in California) of the last transition that made them live (a "mark live",
a reopen of a closed one does not count, or the status recorded when the history
began)."""

import zoneinfo

from django.db import migrations

CALIFORNIA = zoneinfo.ZoneInfo("America/Los_Angeles")


def forwards(apps, schema_editor):
    Onboarding = apps.get_model("checklists", "Onboarding")
    Transition = apps.get_model("golive", "Transition")
    for onboarding in Onboarding.objects.filter(status__in=["live", "closed"]):
        went_live = (
            Transition.objects.filter(
                onboarding=onboarding, kind__in=["mark_live", "recorded"]
            )
            .filter(to_status__in=["live", "closed"])
            .order_by("-at", "-id")
            .first()
        )
        if went_live is not None:
            day = went_live.at.astimezone(CALIFORNIA).date()
            Onboarding.objects.filter(pk=onboarding.pk).update(went_live_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("golive", "0006_remove_incident_notified_at"),
        ("checklists", "0018_onboarding_went_live_on"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
