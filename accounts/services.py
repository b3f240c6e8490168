"""Writes to users. Every write goes through here."""

import re
import secrets

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.services import audit_record
from ccpor_onboard.lib.bounds import validate_values
from ccpor_onboard.lib.emails import templated_message

from .models import ApiScope, Session, User, api_token_digest, new_secret


@transaction.atomic
def user_reset_calendar_token(
    *, user: User, by: User | None = None, reason: str = ""
) -> str:
    """Give the user a new calendar secret; every feed URL with the old one stops
    working at once (it answers 404). Returns the new secret. `by` is who asked
    (the user themself unless given)."""
    user.calendar_token = new_secret()
    user.save(update_fields=["calendar_token"])
    audit_record(
        action=AuditEvent.Action.CALENDAR_TOKEN_RESET,
        user=by or user,
        target=f"user {user.get_username()}",
        detail=reason,
    )
    return user.calendar_token


@transaction.atomic
def user_reset_api_token(
    *,
    user: User,
    by: User | None = None,
    reason: str = "",
    scope: str = ApiScope.READ,
) -> str:
    """Give the user a new API token with `scope` (read, or write: read and
    write); the old one is refused (401) from now on. Returns the new token, to be
    shown once: only its digest is stored (api_token_digest), so nobody can read
    it again. `by` is who asked (the user themself unless given)."""
    if scope not in ApiScope.values:
        raise ValidationError({"scope": f"“{scope}” is not a scope."})
    token = new_secret()
    user.api_token_digest = api_token_digest(token)
    user.api_token_scope = scope
    user.save(update_fields=["api_token_digest", "api_token_scope"])
    audit_record(
        action=AuditEvent.Action.API_TOKEN_RESET,
        user=by or user,
        target=f"user {user.get_username()}",
        detail=(reason or "new token made") + f" (scope: {scope})",
    )
    return token


@transaction.atomic
def user_revoke_api_token(*, user: User, by: User | None, reason: str) -> None:
    """Take the user's API token away (401 from now on); they make a new one on
    the calendar page when they need it."""
    user.api_token_digest = None
    user.save(update_fields=["api_token_digest"])
    audit_record(
        action=AuditEvent.Action.API_TOKEN_RESET,
        user=by or user,
        target=f"user {user.get_username()}",
        detail=f"token revoked: {reason}",
    )


def user_end_sessions(*, user: User, keep_session_key: str | None = None) -> int:
    """End, on the server, every session of the user but `keep_session_key` (the one
    making the request, if any). Returns how many were ended."""
    sessions = Session.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    count, _ = sessions.delete()
    return count


@transaction.atomic
def user_password_changed(
    *,
    user: User,
    by: User | None,
    keep_session_key: str | None = None,
    by_reset_link: bool = False,
) -> None:
    """What follows a new password, however it was set (the password page, a reset
    link, the admin, a command): every other session of the user ends, their API
    token is revoked and their calendar secret replaced (a stolen copy stops
    working), and the audit log records who did it. `by` is None for a reset link
    or a command."""
    ended = user_end_sessions(user=user, keep_session_key=keep_session_key)
    user_revoke_api_token(user=user, by=by, reason="the password changed")
    user_reset_calendar_token(user=user, by=by, reason="replaced with the new password")
    audit_record(
        action=(
            AuditEvent.Action.PASSWORD_RESET
            if by_reset_link
            else AuditEvent.Action.PASSWORD_CHANGED
        ),
        user=by or (user if by_reset_link else None),
        target=f"user {user.get_username()}",
        detail=(
            f"{ended} other session(s) ended; API token revoked; calendar secret "
            "replaced."
        ),
    )


@transaction.atomic
def user_unlock_sign_in(*, user: User, by: User | None) -> int:
    """Forget the failed sign-ins recorded against the user's username, so that a
    lockout of that username ends now. Returns how many records were removed."""
    count = axes_reset(username=user.get_username())
    audit_record(
        action=AuditEvent.Action.UNLOCK,
        user=by,
        target=f"user {user.get_username()}",
        detail=f"{count} failed sign-in record(s) removed.",
    )
    return count


# --- Two-factor authentication ------------------------------------------------------


def user_totp_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator (TOTP) device, if they set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def user_discard_unconfirmed_totp(*, user: User) -> None:
    """Forget the person's half-set-up authenticator device, so that the key shown
    after they prove it is them is a new one (not one shown before the proof)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


@transaction.atomic
def user_start_totp_enrolment(*, user: User) -> TOTPDevice:
    """The not-yet-confirmed authenticator device whose secret the person is shown
    while they set up their app (one per person, kept until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


@transaction.atomic
def user_confirm_totp_device(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the device if `token` is a current code from it (throttled by
    django-otp after failures). Returns whether it was confirmed."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token(token):
        audit_record(
            action=AuditEvent.Action.OTP_ENROLLED,
            outcome=AuditEvent.Outcome.FAILURE,
            user=user,
            detail="Wrong code while setting up an authenticator app.",
        )
        return False
    # Recorded and mailed to the person by user_totp_device_changed (a receiver of
    # the save, as for a device an administrator adds in the admin).
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return True


def user_totp_device_changed(*, owner: User, added: bool, by: User | None) -> None:
    """Record that an authenticator device was set up on (or removed from) the
    owner's account, by `by` (themself, an administrator, or None for a command),
    and tell the owner by e-mail once the change is committed, so that a device
    nobody asked for is noticed. Called for every path (the set-up page, the admin,
    a command) by the receivers of device saves and deletions."""
    audit_record(
        action=(
            AuditEvent.Action.OTP_ENROLLED if added else AuditEvent.Action.OTP_REMOVED
        ),
        user=by,
        target=f"user {owner.get_username()}",
    )
    if owner.email:
        message = templated_message(
            "otp_device_changed",
            {"user": owner, "added": added, "by": by, "by_self": by == owner},
            to=[owner.email],
        )
        transaction.on_commit(message.send, robust=True)


def user_verify_totp(*, user: User, token: str) -> TOTPDevice | None:
    """The user's device if `token` is a current code from it, else None (each
    failure is recorded and slows the next try, as django-otp throttles)."""
    device = user_totp_device(user)
    verified = None
    if device is not None:
        with transaction.atomic():
            device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
            if device.verify_token(token):
                verified = device
    audit_record(
        action=AuditEvent.Action.OTP_VERIFIED,
        outcome=(
            AuditEvent.Outcome.SUCCESS if verified else AuditEvent.Outcome.FAILURE
        ),
        user=user,
    )
    return verified


@transaction.atomic
def user_set_weekly_digest(*, user: User, weekly_digest: bool) -> None:
    """Opt the person in to (or out of) the weekly digest, from the next one on."""
    user.weekly_digest = weekly_digest
    user.save(update_fields=["weekly_digest"])


@transaction.atomic
def user_set_phone(*, user: User, phone: str) -> None:
    """The person's phone number, shown with their name on their courts' contacts.
    ValidationError for one with control characters."""
    validate_values(User, phone=phone)
    user.phone = " ".join((phone or "").split())[
        : User._meta.get_field("phone").max_length
    ]
    user.save(update_fields=["phone"])


def _free_username(email: str) -> str:
    """A user name made from the address's local part ("a.lee" from
    a.lee@court.ca.gov), with a number added if it is taken."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0].lower())[:140] or "user"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def user_get_or_create_for_invitation(
    *, email: str, first_name: str, last_name: str
) -> tuple[User, bool]:
    """The account that an invitation to this address is for: the active one with
    that address (addresses compare case-insensitively, and the database keeps them
    unique among active accounts), else a new active account with a random password
    nobody knows, which its owner replaces through the invitation's one-time link (a
    random password rather than an unusable one, so that "Forgotten your
    password?", which ignores accounts without a usable password, still works once
    that link has expired). Returns (user, created). ValidationError if the address
    belongs only to a deactivated account: whoever deactivated it meant it, and a
    second account for the same person would split their history."""
    email = (email or "").strip()
    first_name, last_name = first_name.strip(), last_name.strip()
    validate_values(User, email=email, first_name=first_name, last_name=last_name)
    # A second invitation to the same new address at the same moment makes the same
    # user name and address: its insert waits for the first transaction and then
    # fails on the unique name or address, and the account the first one made is
    # found (the caller then answers "already a member"). A name taken by someone
    # else meanwhile: try the next free one.
    tries = 3
    while True:
        existing = User.objects.filter(email__iexact=email, is_active=True).first()
        if existing is not None:
            return existing, False
        retired = User.objects.filter(email__iexact=email).first()
        if retired is not None:
            raise ValidationError(
                {
                    "email": f"This address belongs to a deactivated account "
                    f"({retired.get_username()}). Reactivate that account (Users in "
                    "the admin) and invite the person again, or use another address."
                }
            )
        user = User(
            username=_free_username(email),
            email=email,
            first_name=first_name,
            last_name=last_name,
        )
        user.set_password(secrets.token_urlsafe(32))
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            tries -= 1
            if not tries:
                raise
            continue
        return user, True
