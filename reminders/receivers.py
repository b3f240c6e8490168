"""Keep `OnboardingSummary.reminder_recipients` current when who can be reminded
changes (connected in reminders/apps.py).

Memberships are saved by the admin, seed_demo and the courts' services, and people's
addresses by their profile, the admin and the accounts' services, each directly:
signals see every path, inside the transaction of the save. Each refreshes the whole
summary of the onboardings concerned (`onboarding_summaries_refresh`), never an
increment that could drift.
"""

from checklists.models import Onboarding
from checklists.services import onboarding_summaries_refresh
from courts.models import Membership

# The user fields that decide whether someone can be reminded.
PEOPLE_FIELDS = frozenset({"email", "is_active"})


def _refresh_courts(court_ids) -> None:
    ids = list(
        Onboarding.objects.filter(court_id__in=set(court_ids)).values_list(
            "pk", flat=True
        )
    )
    if ids:
        onboarding_summaries_refresh(onboarding_ids=ids)


def on_membership_pre_save(sender, instance, raw=False, **kwargs):
    instance._reach_court_id = (
        None
        if raw or instance.pk is None
        else Membership.objects.filter(pk=instance.pk)
        .values_list("court_id", flat=True)
        .first()
    )


def on_membership_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_reach_court_id", None)
    _refresh_courts({instance.court_id, *([before] if before else [])})


def on_membership_deleted(sender, instance, **kwargs):
    _refresh_courts([instance.court_id])


def on_person_saved(sender, instance, created, update_fields=None, raw=False, **kw):
    if raw or created:
        return  # a new person belongs to no court yet
    if update_fields is not None and not PEOPLE_FIELDS & set(update_fields):
        return  # e.g. a sign-in saves last_login
    _refresh_courts(
        Membership.objects.filter(user_id=instance.pk).values_list(
            "court_id", flat=True
        )
    )
