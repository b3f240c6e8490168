"""Membership changes into the audit log (connected in courts/apps.py).

Memberships are edited in the admin and by seed_demo, which save the model directly:
a signal sees every path.
"""

from audit.models import AuditEvent
from audit.services import audit_record, request_user

from .models import Membership

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
