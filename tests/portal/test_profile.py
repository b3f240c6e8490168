import pytest
from django.urls import reverse

from courts.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/"


def test_the_profile_lives_at_accounts_profile():
    assert reverse("portal:profile") == URL
    # The sign-in pages still resolve under /accounts/.
    assert reverse("login") == "/accounts/login/"


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_profile_shows_the_person_their_courts_and_the_digest_choice(client, court):
    user = UserFactory(username="pat", first_name="Pat", last_name="Lee")
    MembershipFactory(
        user=user, court=court, organisation="so", role=Membership.Role.LIAISON
    )
    client.force_login(user)

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h2">Your profile</h1>' in html
    assert "Pat Lee" in html and "pat@example.org" in html
    assert (
        f'href="{court.get_absolute_url()}">Court A</a>: Sheriff&#x27;s Office, liaison'
        in html
    )
    # A labelled checkbox, ticked: the digest is on by default.
    assert '<label for="id_weekly_digest"' in html
    assert 'name="weekly_digest"' in html and "checked" in html
    # The nav links to the profile, marked as the current page.
    assert 'href="/accounts/profile/" aria-current="page">Profile</a>' in html


def test_opting_out_of_the_digest_is_saved(client):
    user = UserFactory(username="quiet")
    client.force_login(user)

    response = client.post(URL, {}, follow=True)  # an unticked box sends nothing

    user.refresh_from_db()
    assert user.weekly_digest is False
    assert response.redirect_chain == [(URL, 302)]
    assert "you will no longer get the weekly digest" in response.content.decode()
    assert 'name="weekly_digest"' in response.content.decode()


def test_opting_back_in_is_saved(client):
    user = UserFactory(username="back", weekly_digest=False)
    client.force_login(user)

    client.post(URL, {"weekly_digest": "on"})

    user.refresh_from_db()
    assert user.weekly_digest is True


def test_a_person_only_ever_changes_their_own_choice(client):
    me = UserFactory(username="me")
    other = UserFactory(username="other")
    client.force_login(me)

    client.post(URL, {"user": other.pk, "weekly_digest": ""})

    other.refresh_from_db()
    me.refresh_from_db()
    assert other.weekly_digest is True
    assert me.weekly_digest is False
