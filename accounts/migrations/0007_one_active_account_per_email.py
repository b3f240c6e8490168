"""One active account per e-mail address (compared without case), enforced by the
database: a person may sign in with their address, and it must name one account.

Existing duplicates are not resolved here: the migration stops and lists them. Which
of two active accounts is the person's cannot be told from the data (the newer one
may be a mistake, the older one the one with the memberships and the history), and
blanking or deactivating one would silently stop the reminders of whoever uses it.
An administrator gives each account its own address, or deactivates the spare one,
and migrates again.
"""

from django.db import migrations, models
from django.db.models import Count, Q
from django.db.models.functions import Lower

SHOWN = 20


def refuse_shared_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    shared = list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .annotate(address=Lower("email"))
        .values("address")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("address")
        .values_list("address", flat=True)
    )
    if not shared:
        return
    lines = []
    for address in shared[:SHOWN]:
        names = User.objects.filter(is_active=True, email__iexact=address).order_by(
            "username"
        )
        lines.append(
            f"  {address}: " + ", ".join(names.values_list("username", flat=True))
        )
    more = f"\n  ... and {len(shared) - SHOWN} more" if len(shared) > SHOWN else ""
    raise RuntimeError(
        "Several active accounts share an e-mail address, and an address now names "
        "one active account (people sign in with it):\n"
        + "\n".join(lines)
        + more
        + "\nGive each account its own address, or deactivate the spare one (Users "
        "in the admin), then run the migrations again. Nothing was changed."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_typed_input_bounds"),
    ]

    operations = [
        migrations.RunPython(refuse_shared_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                Lower("email"),
                condition=Q(is_active=True) & ~Q(email=""),
                name="accounts_user_active_email_unique",
                violation_error_message=(
                    "Another active account already uses this e-mail address: each "
                    "person signs in with their own."
                ),
            ),
        ),
    ]
