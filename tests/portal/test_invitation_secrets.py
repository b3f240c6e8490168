"""An invitation's one-time link to set a password is made when the mail is sent and
kept nowhere: not in the notification row, not in the admin. Invitations are
rate-limited per inviter, per client address and per address invited."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from courts.models import Membership
from notifications.models import Kind, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INVITE = {
    "email": "pat.lee@alameda.courts.ca.gov",
    "first_name": "Pat",
    "last_name": "Lee",
    "organisation": "court",
    "role": "it_contact",
}
RESET_LINK = re.compile(r"https://ccpor-onboard\.test(/accounts/reset/\S+/)")


def invite(client, *, meta: dict | None = None, **changes):
    """POST the invitation form for Court A; `meta` says where the request is from."""
    return client.post(
        reverse("portal:invite", kwargs={"slug": "court-a"}),
        {**INVITE, **changes},
        **(meta or {}),
    )


def test_the_set_password_link_is_mailed_but_stored_nowhere(
    client, admin_client, court, staff_user, send_now
):
    client.force_login(staff_user)
    assert invite(client).status_code == 302
    row = Notification.objects.get(kind=Kind.INVITATION)
    stored = " ".join(str(v) for v in Notification.objects.values().get().values())
    assert "/accounts/reset/" not in stored
    assert row.url == "https://ccpor-onboard.test/courts/court-a/"
    admin_page = admin_client.get(
        reverse("admin:notifications_notification_change", args=[row.pk])
    ).content.decode()
    assert "/accounts/reset/" not in admin_page

    send_now()
    link = RESET_LINK.search(mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    assert link[0] in mail.outbox[-1].alternatives[0][0]
    # Sending wrote nothing of it either.
    stored = " ".join(str(v) for v in Notification.objects.values().get().values())
    assert "/accounts/reset/" not in stored
    # And it works: it leads to the form that sets the password.
    client.logout()
    page = client.get(link[1], follow=True)
    assert "Choose the password you will sign in with" in page.content.decode()


def test_no_set_password_link_once_the_person_has_signed_in(
    client, court, staff_user, send_now
):
    client.force_login(staff_user)
    invite(client)
    user = get_user_model().objects.get(email=INVITE["email"])
    client.force_login(user)  # signs in before the mail goes (sets last_login)
    send_now()
    body = mail.outbox[-1].body
    assert "/accounts/reset/" not in body
    assert "Sign in as pat.lee" in body


# --- Rate limits ---------------------------------------------------------------------


@pytest.fixture
def limit_of_two(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (2, 3600)}


def emails(n: int) -> list[str]:
    return [f"person{i}@alameda.courts.ca.gov" for i in range(n)]


def test_one_inviter_is_limited(client, court, staff_user, limit_of_two):
    client.force_login(staff_user)
    responses = [invite(client, email=address) for address in emails(3)]
    assert [r.status_code for r in responses] == [302, 302, 429]
    assert "Too many requests" in responses[-1].content.decode()
    # The refused one created nothing and mailed nothing.
    assert not Membership.objects.filter(user__email=emails(3)[-1]).exists()
    assert Notification.objects.count() == 2


def test_one_client_address_is_limited_whoever_signs_in(
    client, court, staff_user, limit_of_two, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    colleague = UserFactory(ccpor_staff=True)
    at = {"REMOTE_ADDR": "10.0.0.254", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    client.force_login(staff_user)
    assert [invite(client, email=e, meta=at).status_code for e in emails(2)] == [
        302,
        302,
    ]
    client.force_login(colleague)
    assert invite(client, email="other@example.org", meta=at).status_code == 429
    # Another client behind the same proxy is not affected.
    elsewhere = {**at, "HTTP_X_FORWARDED_FOR": "203.0.113.6"}
    assert invite(client, email="other@example.org", meta=elsewhere).status_code == 302


def test_one_invited_address_is_limited(
    client, court, other_court, staff_user, limit_of_two
):
    colleague = UserFactory(ccpor_staff=True)
    client.force_login(staff_user)
    assert invite(client).status_code == 302
    assert invite(client, meta={"REMOTE_ADDR": "10.1.1.1"}).status_code == 200
    client.force_login(colleague)
    refused = client.post(
        reverse("portal:invite", kwargs={"slug": "court-b"}),
        INVITE,
        REMOTE_ADDR="10.2.2.2",
    )
    assert refused.status_code == 429


def test_invitations_work_when_the_cache_is_down(
    client, court, staff_user, monkeypatch, limit_of_two
):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "add", down)
    client.force_login(staff_user)
    assert [invite(client, email=e).status_code for e in emails(4)] == [302] * 4
