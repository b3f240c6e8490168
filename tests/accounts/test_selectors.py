"""Finding a person by one of their secrets."""

import pytest
from django.http import Http404

from accounts import selectors
from accounts.services import user_reset_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_calendar_secret_finds_its_owner_only_while_active():
    user = UserFactory()
    assert selectors.user_for_calendar_token(user.calendar_token) == user
    user.is_active = False
    user.save()
    with pytest.raises(Http404):
        selectors.user_for_calendar_token(user.calendar_token)


def test_an_unknown_or_other_secret_finds_nobody():
    user = UserFactory()
    token = user_reset_api_token(user=user)
    with pytest.raises(Http404):
        selectors.user_for_calendar_token("not-a-secret")
    # The API token is not a calendar secret, and the other way round.
    with pytest.raises(Http404):
        selectors.user_for_calendar_token(token)
    assert selectors.user_for_api_token(user.calendar_token) is None
    assert selectors.user_for_api_token(token) == user
    # What is stored finds nobody: a copy of the database gives no token.
    assert selectors.user_for_api_token(user.api_token_digest) is None
    assert selectors.user_for_api_token("") is None


def test_an_inactive_persons_api_token_is_refused():
    user = UserFactory(is_active=False)
    token = user_reset_api_token(user=user)
    assert selectors.user_for_api_token(token) is None
