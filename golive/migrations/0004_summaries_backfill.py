from django.db import migrations


def backfill(apps, schema_editor):
    """Readiness figures and reminder recipients in the stored summary of every
    existing onboarding, by the rules every refresh applies from now on (the
    current code: it reads items, sign-offs, decisions and memberships as they
    are now)."""
    from checklists.services import onboarding_summaries_refresh

    Onboarding = apps.get_model("checklists", "Onboarding")
    onboarding_summaries_refresh(
        onboarding_ids=list(Onboarding.objects.values_list("pk", flat=True))
    )


class Migration(migrations.Migration):
    # The current models are read: every table they touch is at its latest.
    dependencies = [
        ("accounts", "0003_user_phone"),
        ("courts", "0004_court_statewide_order"),
        ("checklists", "0010_readiness_and_reach_in_summary"),
        ("golive", "0003_sign_off_requests_go_through_notifications"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
