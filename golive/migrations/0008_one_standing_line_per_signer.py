"""One person signs at most one line of an onboarding's acceptance set and one of
its close-out set. A person who already stands on two lines of one set keeps the
first signed; the later ones are revoked, with the reason, before the database
holds the rule.
"""

from django.db import migrations, models
from django.utils import timezone

REASON = (
    "Revoked when one person could no longer sign two lines of the same set "
    "(separation of duties): this line must be signed by its own role holder."
)


def revoke_second_lines(apps, schema_editor):
    SignOff = apps.get_model("golive", "SignOff")
    seen = set()
    standing = SignOff.objects.filter(revoked_at__isnull=True).order_by(
        "signed_at", "id"
    )
    for sign_off in standing:
        key = (sign_off.onboarding_id, sign_off.kind, sign_off.signed_by_id)
        if key in seen:
            sign_off.revoked_at = timezone.now()
            sign_off.revoke_reason = REASON
            sign_off.save(update_fields=["revoked_at", "revoke_reason"])
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [("golive", "0007_went_live_on_from_transitions")]

    operations = [
        migrations.RunPython(revoke_second_lines, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="signoff",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_at__isnull", True)),
                fields=("onboarding", "kind", "signed_by"),
                name="one_standing_line_per_signer",
                violation_error_message="One person signs one line of a set.",
            ),
        ),
    ]
