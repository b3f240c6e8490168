"""Writes to users. Every write goes through here."""

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import User, new_secret


@transaction.atomic
def user_reset_calendar_token(*, user: User) -> str:
    """Give the user a new calendar secret; every feed URL with the old one stops
    working at once (it answers 404). Returns the new secret."""
    user.calendar_token = new_secret()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


@transaction.atomic
def user_reset_api_token(*, user: User) -> str:
    """Give the user a new API token; the old one is refused (401) from now on.
    Returns the new token."""
    user.api_token = new_secret()
    user.save(update_fields=["api_token"])
    return user.api_token


@transaction.atomic
def user_set_weekly_digest(*, user: User, weekly_digest: bool) -> None:
    """Opt the person in to (or out of) the weekly digest, from the next one on."""
    user.weekly_digest = weekly_digest
    user.save(update_fields=["weekly_digest"])


@transaction.atomic
def user_set_phone(*, user: User, phone: str) -> None:
    """The person's phone number, shown with their name on their courts' contacts."""
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
    """The account that an invitation to this address is for: the existing one
    (addresses compare case-insensitively), else a new active account with a random
    password nobody knows, which its owner replaces through the invitation's
    one-time link (a random password rather than an unusable one, so that
    "Forgotten your password?", which ignores accounts without a usable password,
    still works once that link has expired). Returns
    (user, created). ValidationError if several accounts share the address, since
    the invitation could not know which one is meant."""
    email = (email or "").strip()
    existing = list(User.objects.filter(email__iexact=email)[:2])
    if len(existing) > 1:
        raise ValidationError(
            {
                "email": "Several accounts use this address; add the membership "
                "in the admin, on the account it is for."
            }
        )
    if existing:
        return existing[0], False
    user = User(
        username=_free_username(email),
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    user.set_password(secrets.token_urlsafe(32))
    user.save()
    return user, True
