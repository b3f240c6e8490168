"""Reads of users."""

from django.http import Http404

from .models import User, api_token_digest


def user_for_calendar_token(token: str) -> User:
    """The active user whose calendar secret this is; Http404 for any other token."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    return user


def user_for_api_token(token: str) -> User | None:
    """The active user whose API token this is, or None (found by the token's
    digest: the token itself is stored nowhere)."""
    if not token:
        return None
    return User.objects.filter(
        api_token_digest=api_token_digest(token), is_active=True
    ).first()
