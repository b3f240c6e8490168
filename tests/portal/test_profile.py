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
    assert 'pat@example.org <span class="text-body-secondary">(you may sign in' in html
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


def test_the_profile_offers_a_choice_per_kind_of_notification(client):
    from notifications.models import CHOOSABLE_KINDS

    client.force_login(UserFactory(username="chooser"))
    html = client.get(URL).content.decode()
    for kind in CHOOSABLE_KINDS:
        assert f'name="{kind.value}"' in html
    assert 'name="invitation"' not in html  # always sent
    assert html.count('<option value="immediate" selected>') == len(CHOOSABLE_KINDS)
    assert 'name="phone"' in html


def test_choices_are_saved_and_shown_again(client):
    from notifications.models import Delivery, Kind
    from notifications.selectors import preferences_for

    user = UserFactory(username="chooser")
    client.force_login(user)
    response = client.post(
        URL,
        {
            "weekly_digest": "on",
            Kind.COMMENT: Delivery.DIGEST,
            Kind.GO_LIVE_MOVED: Delivery.NEVER,
        },
        follow=True,
    )
    assert response.redirect_chain == [(URL, 302)]
    chosen = preferences_for(user)
    assert chosen[Kind.COMMENT] == Delivery.DIGEST
    assert chosen[Kind.GO_LIVE_MOVED] == Delivery.NEVER
    assert chosen[Kind.MENTION] == Delivery.IMMEDIATE
    html = response.content.decode()
    assert '<option value="digest" selected>' in html
    assert '<option value="never" selected>' in html


def test_a_forged_choice_changes_nothing(client):
    from notifications.models import NotificationPreference

    user = UserFactory(username="forger", weekly_digest=False)
    client.force_login(user)
    response = client.post(URL, {"weekly_digest": "on", "comment": "hourly"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert user.weekly_digest is False  # nothing saved, not even the valid part
    assert not NotificationPreference.objects.exists()
