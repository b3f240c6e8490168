"""Separation of duties between the CCPOR Team and the courts: nobody is at once CCPOR
Team staff (a member of the CCPOR Team group, or a superuser) and the holder of a court
or sheriff's-office role (a `Membership`). The rule is about who holds roles, not who
grants them, so both ways in are refused, never repaired afterwards:

- a membership is never given to staff (invitation, admin, command, any save);
- someone who holds a membership is never added to the CCPOR Team group nor made a
  superuser (the user admin, the group's members, any save): their memberships end
  first, each ending in the audit log.

The services and the admin's forms ask `membership_refusal` and `team_refusal` to
refuse with a message; the receivers (courts/receivers.py, connected in apps.py)
ask them again on every save, so a path that calls no service (a command, the
admin's inlines, a shell) cannot make such a person either.
"""

from django.conf import settings
from django.contrib.auth.models import Group

from .models import Membership


def holds_team_powers(user) -> bool:
    """Whether the account is CCPOR Team staff as stored now (or a superuser as
    about to be saved), active or not: `courts.access.is_ccpor_staff` asks it of
    the signed-in person and keeps the answer for the request."""
    if user is None:
        return False
    if user.is_superuser:
        return True
    return bool(user.pk) and (
        Group.objects.filter(name=settings.CCPOR_TEAM_GROUP, user=user.pk).exists()
    )


def membership_refusal(user) -> str:
    """Why the person may not hold a court or sheriff's-office role, or ""."""
    if not holds_team_powers(user):
        return ""
    return (
        "This account is CCPOR Team staff (or a superuser): it cannot also hold a "
        "court or sheriff's-office role. Invite the person's court account, or take "
        "this one out of the CCPOR Team first."
    )


def team_refusal(user_ids) -> str:
    """Why these people may not join the CCPOR Team or become superusers (they hold
    court or sheriff's-office roles), or ""."""
    held = list(
        Membership.objects.filter(user_id__in=list(user_ids))
        .select_related("court", "user")
        .order_by("user__username", "court__name")[:5]
    )
    if not held:
        return ""
    roles = "; ".join(
        f"{m.user} at {m.court} ({m.get_organisation_display()}, "
        f"{m.get_role_display().lower()})"
        for m in held
    )
    return (
        f"Court or sheriff's-office roles are held: {roles}. Nobody is at once CCPOR "
        "Team staff and the holder of a court role: end those memberships first."
    )
