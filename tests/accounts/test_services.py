"""Writes to a person's own settings: secrets and the weekly digest."""

import hashlib

import pytest

from accounts import services
from accounts.models import User, api_token_digest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_resetting_the_calendar_secret_gives_a_new_unguessable_one():
    user = UserFactory()
    old = user.calendar_token
    new = services.user_reset_calendar_token(user=user)
    assert new != old
    assert len(new) >= 40
    assert User.objects.get(pk=user.pk).calendar_token == new


def test_resetting_the_api_token_leaves_the_calendar_secret_alone():
    user = UserFactory()
    calendar = user.calendar_token
    old = services.user_reset_api_token(user=user)
    new = services.user_reset_api_token(user=user)
    user.refresh_from_db()
    assert user.calendar_token == calendar
    assert new != old and len(new) >= 40
    assert user.api_token_digest == api_token_digest(new)


def test_an_api_token_is_stored_only_as_its_digest():
    user = UserFactory()
    token = services.user_reset_api_token(user=user)
    stored = User.objects.filter(pk=user.pk).values().get()
    assert token not in {str(value) for value in stored.values()}
    assert stored["api_token_digest"] == hashlib.sha256(token.encode()).hexdigest()


def test_a_new_person_has_no_api_token_and_secrets_of_their_own():
    a, b = UserFactory(), UserFactory()
    assert a.api_token_digest is None and b.api_token_digest is None
    assert a.calendar_token != b.calendar_token
    assert services.user_reset_api_token(user=a) != services.user_reset_api_token(
        user=b
    )


@pytest.mark.parametrize("wanted", [False, True])
def test_the_weekly_digest_choice_is_saved(wanted):
    user = UserFactory(weekly_digest=not wanted)
    services.user_set_weekly_digest(user=user, weekly_digest=wanted)
    assert User.objects.get(pk=user.pk).weekly_digest is wanted
