"""Writes to users. Every write goes through here."""

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
