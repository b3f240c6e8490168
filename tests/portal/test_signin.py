"""Signing in lands each person in the right place; password change and reset work
with the product's own templates."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import CourtFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sign_in(client, username):
    return client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, follow=True
    )


def test_member_of_one_court_lands_on_its_page(client, court, court_lead):
    response = sign_in(client, "lead-a")
    assert response.redirect_chain[-1][0] == court.get_absolute_url()
    assert response.status_code == 200


def test_member_of_several_courts_picks_one(client, court, other_court):
    user = UserFactory(username="roving")
    MembershipFactory(user=user, court=court)
    MembershipFactory(user=user, court=other_court)
    response = sign_in(client, "roving")
    assert response.redirect_chain[-1][0] == reverse("portal:landing")
    html = response.content.decode()
    assert "Choose a court" in html
    assert court.get_absolute_url() in html and other_court.get_absolute_url() in html
    assert CourtFactory().get_absolute_url() not in html


def test_ccpor_staff_land_on_their_dashboard(client, staff_user):
    response = sign_in(client, "staff")
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")


def test_a_person_without_a_court_is_told_to_ask_the_team(client):
    UserFactory(username="nobody")
    response = sign_in(client, "nobody")
    assert "not a member of any court" in response.content.decode()


def test_next_wins_over_the_landing(client, court, court_lead):
    response = client.post(
        reverse("login"),
        {
            "username": "lead-a",
            "password": PASSWORD,
            "next": reverse("password_change"),
        },
    )
    assert response["Location"] == reverse("password_change")


def test_wrong_password_is_refused_in_place(client, court_lead):
    response = client.post(reverse("login"), {"username": "lead-a", "password": "nope"})
    assert response.status_code == 200
    message = "Please enter a correct username or e-mail address, and password"
    assert message in response.content.decode()
    assert "Forgotten your password?" in response.content.decode()


def test_sign_out(client, court_lead):
    client.force_login(court_lead)
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("portal:home")).status_code == 302


def test_password_change(client, court_lead):
    client.force_login(court_lead)
    page = client.get(reverse("password_change"))
    assert "Change your password" in page.content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
        follow=True,
    )
    assert "Password changed" in response.content.decode()
    court_lead.refresh_from_db()
    assert court_lead.check_password("a brand new passphrase")


def test_password_change_refuses_a_short_password(client, court_lead):
    client.force_login(court_lead)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert "at least 12 characters" in response.content.decode()


def test_password_reset_by_email(client, court_lead):
    court_lead.last_login = timezone.now()  # someone who has signed in before
    court_lead.save(update_fields=["last_login"])
    response = client.post(
        reverse("password_reset"), {"email": court_lead.email}, follow=True
    )
    assert "Check your e-mail" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "CCPOR Onboard: reset your password"
    assert message.to == [court_lead.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    page = client.get(link, follow=True)
    assert "Choose a new password" in page.content.decode()
    response = client.post(
        page.redirect_chain[-1][0],
        {
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Your password is set" in html
    # Someone who had a password is told what a new one ended.
    assert "your API token was revoked" in html
    court_lead.refresh_from_db()
    assert court_lead.check_password("another long passphrase")
    # The link works once.
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()
