"""Writes to a person's own settings: secrets and the weekly digest."""

import pytest

from accounts import services
from accounts.models import User
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
    old = user.api_token
    new = services.user_reset_api_token(user=user)
    user.refresh_from_db()
    assert (user.api_token, user.calendar_token) == (new, calendar)
    assert new != old


def test_every_person_gets_secrets_of_their_own():
    a, b = UserFactory(), UserFactory()
    assert len({a.calendar_token, a.api_token, b.calendar_token, b.api_token}) == 4


@pytest.mark.parametrize("wanted", [False, True])
def test_the_weekly_digest_choice_is_saved(wanted):
    user = UserFactory(weekly_digest=not wanted)
    services.user_set_weekly_digest(user=user, weekly_digest=wanted)
    assert User.objects.get(pk=user.pk).weekly_digest is wanted
