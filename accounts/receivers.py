"""Signal receivers (connected in accounts/apps.py): sign-in events, password changes
and access changes, each into the session policy and the audit log.

Signals, not service calls, because these writes happen in Django's own views, forms,
admin and commands (sign-in, password change and reset, the user admin, django-otp's
device admin), which call no service of ours. Each receiver hands over to a service.
"""

from django.contrib.auth.models import Group

from audit.models import AuditEvent
from audit.services import audit_record, request_user
from ccpor_onboard.lib.current_request import current_request

from . import oidc, services
from .middleware import (
    OTP_ENROLLED_KEY,
    OTP_PENDING_KEY,
    session_signed_out,
    session_start,
)
from .models import User

# Flags that change what a person may do, audited when they change.
ACCESS_FLAGS = ("is_active", "is_staff", "is_superuser")


# --- Signing in and out --------------------------------------------------------------


def on_logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    session_start(request)
    enrolled = services.user_totp_device(user) is not None
    request.session[OTP_ENROLLED_KEY] = enrolled
    if enrolled:
        request.session[OTP_PENDING_KEY] = True
    # A person's own earlier failures are forgotten once they get in; an address's
    # failures are not (someone else at that address may be guessing).
    from axes.utils import reset as axes_reset

    axes_reset(username=user.get_username())
    by_sso = getattr(user, "backend", "") == oidc.BACKEND_PATH
    audit_record(
        action=AuditEvent.Action.LOGIN,
        user=user,
        detail="single sign-on" if by_sso else "",
        request=request,
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        username=str((credentials or {}).get("username") or ""),
        detail="refused: sign-in is locked" if locked else "wrong username or password",
        request=request,
    )


def on_logged_out(sender, request, user, **kwargs):
    if request is not None:
        session_signed_out(request)
    if user is not None:
        audit_record(action=AuditEvent.Action.LOGOUT, user=user, request=request)


def on_locked_out(sender, request, username, ip_address, **kwargs):
    audit_record(
        action=AuditEvent.Action.LOCKOUT,
        outcome=AuditEvent.Outcome.FAILURE,
        username=str(username or ""),
        detail=f"too many failed sign-ins for this username or from {ip_address}",
        request=request,
    )


# --- Passwords and access flags ------------------------------------------------------


def on_user_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """Remember the access flags as stored, to audit a change after the save."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCESS_FLAGS):
        return
    instance._stored_access_flags = (
        sender.objects.filter(pk=instance.pk).values(*ACCESS_FLAGS).first()
    )


def on_user_post_save(sender, instance, created, raw=False, update_fields=None, **kw):
    if raw:
        return
    stored = getattr(instance, "_stored_access_flags", None)
    instance._stored_access_flags = None
    if stored:
        changes = [
            f"{flag}: {stored[flag]} → {getattr(instance, flag)}"
            for flag in ACCESS_FLAGS
            if stored[flag] != getattr(instance, flag)
        ]
        if changes:
            audit_record(
                action=AuditEvent.Action.USER_FLAGS_CHANGED,
                user=request_user(),
                target=f"user {instance.get_username()}",
                detail="; ".join(changes),
            )
    # set_password() keeps the new password in `_password` until the save completes:
    # a password was just set, whichever page, form or command set it.
    password_set = getattr(instance, "_password", None) is not None
    if created or not password_set:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    request = current_request()
    by = request_user(request)
    keep = None
    if by is not None and by.pk == instance.pk:
        keep = request.session.session_key
    services.user_password_changed(
        user=instance,
        by=by,
        keep_session_key=keep,
        by_reset_link=request is not None and by is None,
    )


# --- Authenticator devices -----------------------------------------------------------


def on_device_pre_save(sender, instance, raw=False, **kwargs):
    """Remember whose confirmed device this was, as stored, to tell a device set up
    from one removed (or moved to another account) after the save."""
    if raw or instance.pk is None:
        instance._stored_device = None
        return
    instance._stored_device = (
        sender.objects.filter(pk=instance.pk).values("user_id", "confirmed").first()
    )


def on_device_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    stored = getattr(instance, "_stored_device", None) or {}
    instance._stored_device = None
    was = stored.get("user_id") if stored.get("confirmed") else None
    now = instance.user_id if instance.confirmed else None
    if was == now:
        return
    by = request_user()
    if was is not None:
        owner = User.objects.filter(pk=was).first()
        if owner is not None:
            services.user_totp_device_changed(owner=owner, added=False, by=by)
    if now is not None:
        services.user_totp_device_changed(owner=instance.user, added=True, by=by)


def on_device_post_delete(sender, instance, **kwargs):
    if instance.confirmed:
        services.user_totp_device_changed(
            owner=instance.user, added=False, by=request_user()
        )


# --- Groups and permissions ----------------------------------------------------------


def on_m2m_changed(sender, instance, action, model, pk_set, **kwargs):
    """Groups of a user, permissions of a user or of a group: who gained or lost
    what."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        related = getattr(instance, _m2m_attribute(sender, instance)).all()
        names = sorted(str(obj) for obj in related)
        verb = "removed"
    else:
        names = sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set or ()))
        verb = "added" if action == "post_add" else "removed"
    if not names:
        return
    audit_record(
        action=(
            AuditEvent.Action.GROUPS_CHANGED
            if sender is Group.user_set.through
            else AuditEvent.Action.PERMISSIONS_CHANGED
        ),
        user=request_user(),
        target=_target(instance),
        detail=f"{verb}: {', '.join(names)}",
    )


def _target(instance) -> str:
    if isinstance(instance, Group):
        return f"group {instance.name}"
    if hasattr(instance, "get_username"):
        return f"user {instance.get_username()}"
    return str(instance)


def _m2m_attribute(through, instance) -> str:
    for field in type(instance)._meta.many_to_many:
        if field.remote_field.through is through:
            return field.name
    for rel in type(instance)._meta.related_objects:
        if rel.many_to_many and rel.through is through:
            return rel.get_accessor_name()
    raise LookupError(through)
