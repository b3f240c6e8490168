"""Membership changes into the audit log, the separation-of-duties guard
(courts/separation.py) on every save of a membership, a user's superuser flag and
the CCPOR Team group's members, and a membership's role kept to its organisation's
(courts.models.ROLES_OF_ORGANISATION); connected in courts/apps.py.

Memberships, users and groups are edited in the admin and by commands, which save
the models directly: a signal sees every path.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from audit.models import AuditEvent
from audit.services import audit_record, request_user

from . import separation
from .models import Membership, role_refusal

_AUDITED = ("court_id", "organisation", "role", "user_id")


def _describe(membership: Membership) -> str:
    return f"{membership.get_organisation_display()}, {membership.get_role_display()}"


def on_membership_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._stored = None
        return
    instance._stored = (
        Membership.objects.select_related("court", "user")
        .filter(pk=instance.pk)
        .first()
    )


def on_membership_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    stored = getattr(instance, "_stored", None)
    instance._stored = None
    if created:
        audit_record(
            action=AuditEvent.Action.MEMBERSHIP_CREATED,
            user=request_user(),
            target=f"membership {instance}",
            detail=_describe(instance),
        )
        return
    if stored is None:
        return
    if all(getattr(stored, f) == getattr(instance, f) for f in _AUDITED):
        return
    audit_record(
        action=AuditEvent.Action.MEMBERSHIP_CHANGED,
        user=request_user(),
        target=f"membership {instance}",
        detail=f"was: {stored} ({_describe(stored)})",
    )


def on_membership_post_delete(sender, instance, **kwargs):
    audit_record(
        action=AuditEvent.Action.MEMBERSHIP_DELETED,
        user=request_user(),
        target=f"membership {instance}",
        detail=_describe(instance),
    )


# --- Separation of duties (courts/separation.py) -------------------------------------


def refuse_staff_membership(sender, instance, raw=False, **kwargs):
    """No membership is saved for CCPOR staff, whatever saves it."""
    if raw:
        return
    refusal = separation.membership_refusal(instance.user)
    if refusal:
        raise ValidationError({"user": refusal})


def refuse_role_outside_organisation(sender, instance, raw=False, **kwargs):
    """No membership is given, or changed to, a role its organisation does not have
    (courts.models.ROLES_OF_ORGANISATION), whatever saves it. A row from before the
    rule is left as it is until its organisation or role changes."""
    if raw:
        return
    refusal = role_refusal(instance.organisation, instance.role)
    if not refusal:
        return
    if instance.pk is not None:
        stored = (
            Membership.objects.filter(pk=instance.pk)
            .values_list("organisation", "role")
            .first()
        )
        if stored == (instance.organisation, instance.role):
            return
    raise ValidationError({"role": refusal})


def refuse_superuser_with_roles(sender, instance, raw=False, update_fields=None, **kw):
    """No holder of a court role is saved as a superuser."""
    if raw or not instance.is_superuser or instance.pk is None:
        return
    if update_fields is not None and "is_superuser" not in update_fields:
        return
    refusal = separation.team_refusal([instance.pk])
    if refusal:
        raise ValidationError({"is_superuser": refusal})


def refuse_team_with_roles(sender, instance, action, reverse, pk_set, **kwargs):
    """No holder of a court role joins the CCPOR Team group, from either side of the
    relation (a user's groups, or a group's users)."""
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # group.user_set.add(...): `instance` is the group
        joining = pk_set if instance.name == settings.CCPOR_TEAM_GROUP else ()
    else:  # user.groups.add(...)
        team = Group.objects.filter(name=settings.CCPOR_TEAM_GROUP, pk__in=pk_set)
        joining = [instance.pk] if team.exists() else ()
    refusal = separation.team_refusal(joining) if joining else ""
    if refusal:
        raise ValidationError({"groups": refusal})


def refuse_team_rename(sender, instance, raw=False, **kwargs):
    """A group renamed to the CCPOR Team makes its members staff: refused while any
    of them holds a court role."""
    if raw or instance.pk is None or instance.name != settings.CCPOR_TEAM_GROUP:
        return
    if Group.objects.filter(pk=instance.pk, name=instance.name).exists():
        return
    members = instance.user_set.values_list("pk", flat=True)
    refusal = separation.team_refusal(members)
    if refusal:
        raise ValidationError({"name": refusal})
