"""Sessions end after 30 minutes idle and 12 hours at most; sign-out ends the session
on the server; a new password ends every other session and replaces the API token
and calendar secret, and the person is told."""

import datetime
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from accounts.models import Session
from accounts.selectors import user_for_api_token
from accounts.services import user_reset_api_token
from audit.models import AuditEvent

from .conftest import PASSWORD, post_sign_in

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 4, 17, 0, tzinfo=datetime.UTC)
NEW_PASSWORD = "plum tractor saddle nine"


def at(minutes: float):
    return freeze_time(START + datetime.timedelta(minutes=minutes))


def signed_in(client, user, minutes=0):
    with at(minutes):
        client.force_login(user)
    return client


def test_a_page_within_the_idle_limit_keeps_the_session(client, court_lead):
    signed_in(client, court_lead)
    for minutes in (20, 40, 60, 80):
        with at(minutes):
            assert client.get(reverse("portal:profile")).status_code == 200


def test_thirty_minutes_idle_signs_out(client, court_lead):
    signed_in(client, court_lead)
    key = client.session.session_key
    with at(29):
        assert client.get(reverse("portal:profile")).status_code == 200
    with at(29 + 30):
        response = client.get(reverse("portal:profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("30 minutes without activity" in m for m in messages)
        page = client.get(response["Location"])
    assert "30 minutes without activity" in page.content.decode()
    assert not Session.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_EXPIRED)
    assert event.user == court_lead and "idle" in event.detail


def test_an_htmx_request_after_the_idle_limit_is_sent_to_sign_in(client, court_lead):
    signed_in(client, court_lead)
    with at(31):
        response = client.get(reverse("portal:profile"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_twelve_hours_at_most_even_when_active(client, court_lead):
    signed_in(client, court_lead)
    minutes = 0
    while minutes < 12 * 60 - 20:
        minutes += 20
        with at(minutes):
            assert client.get(reverse("portal:profile")).status_code == 200
    with at(12 * 60):
        response = client.get(reverse("portal:profile"))
        assert response.status_code == 302
        # The database itself no longer hands the session out.
        assert not Session.objects.filter(
            user=court_lead, expire_date__gt=START + datetime.timedelta(hours=12)
        ).exists()


def test_a_lowered_absolute_limit_ends_sessions_already_open(
    client, court_lead, settings
):
    signed_in(client, court_lead)
    settings.SESSION_ABSOLUTE_TIMEOUT = 60 * 60
    for minutes in (20, 40):
        with at(minutes):
            assert client.get(reverse("portal:profile")).status_code == 200
    with at(60):
        response = client.get(reverse("portal:profile"))
        page = client.get(response["Location"]).content.decode()
    assert response.status_code == 302
    assert "a session lasts 1 hour at most" in page
    assert not Session.objects.filter(user=court_lead).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_EXPIRED)
    assert "absolute" in event.detail


def test_the_database_refuses_the_session_after_the_absolute_limit(client, court_lead):
    signed_in(client, court_lead)
    row = Session.objects.get(user=court_lead)
    assert row.expire_date == START + datetime.timedelta(hours=12)


def test_limits_follow_the_settings(client, court_lead, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    signed_in(client, court_lead)
    with at(4):
        assert client.get(reverse("portal:profile")).status_code == 200
    with at(10):
        assert client.get(reverse("portal:profile")).status_code == 302


def test_limits_are_read_from_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
        "'ccpor_onboard.settings.local'; django.setup(); "
        "from django.conf import settings as s; print(s.SESSION_IDLE_TIMEOUT, "
        "s.SESSION_ABSOLUTE_TIMEOUT, s.SESSION_COOKIE_AGE)"
    )
    env = {
        **os.environ,
        "SESSION_IDLE_TIMEOUT": "600",
        "SESSION_ABSOLUTE_TIMEOUT": "7200",
    }
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out == ["600", "7200", "7200"]


def test_defaults_are_thirty_minutes_and_twelve_hours():
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60


def test_sign_out_deletes_the_session_on_the_server(client, court_lead):
    assert post_sign_in(client, "lead-a").status_code == 302
    key = client.session.session_key
    assert Session.objects.get(session_key=key).user == court_lead
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGOUT, user=court_lead
    ).exists()


def _browsers(user, n=2):
    browsers = [Client() for _ in range(n)]
    for browser in browsers:
        browser.force_login(user)
    return browsers


def test_password_change_ends_other_sessions_and_replaces_secrets(court_lead):
    this, other = _browsers(court_lead)
    api = user_reset_api_token(user=court_lead)
    calendar = court_lead.calendar_token
    response = this.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "signed out everywhere else" in page
    assert "API token was revoked and your calendar addresses were replaced" in page
    # This browser stays signed in; the other is signed out, its row gone.
    assert this.get(reverse("portal:profile")).status_code == 200
    assert other.get(reverse("portal:profile")).status_code == 302
    assert Session.objects.filter(user=court_lead).count() == 1
    court_lead.refresh_from_db()
    assert court_lead.api_token_digest is None
    assert court_lead.calendar_token != calendar
    # The old secrets no longer work.
    old_feed = f"/calendar/{calendar}/all.ics"
    assert Client().get(old_feed).status_code == 404
    api_response = Client().get("/api/onboardings/", HTTP_AUTHORIZATION=f"Token {api}")
    assert api_response.status_code == 401
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.user == court_lead and "1 other session(s) ended" in event.detail
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.API_TOKEN_RESET, target="user lead-a"
    ).exists()


def test_password_reset_ends_every_session_and_replaces_secrets(court_lead):
    (signed_in_elsewhere,) = _browsers(court_lead, 1)
    api = user_reset_api_token(user=court_lead)
    visitor = Client()
    visitor.post(reverse("password_reset"), {"email": court_lead.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body)
    form_url = visitor.get(link.group(1), follow=True).redirect_chain[-1][0]
    response = visitor.post(
        form_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "signed out everywhere" in response.content.decode()
    assert not Session.objects.filter(user=court_lead).exists()
    assert signed_in_elsewhere.get(reverse("portal:profile")).status_code == 302
    court_lead.refresh_from_db()
    assert court_lead.api_token_digest is None
    assert user_for_api_token(api) is None
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_RESET)
    assert event.user == court_lead


def test_admin_setting_a_password_signs_the_person_out(admin_client, court_lead):
    (browser,) = _browsers(court_lead, 1)
    calendar = court_lead.calendar_token
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[court_lead.pk]),
        {
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert not Session.objects.filter(user=court_lead).exists()
    assert browser.get(reverse("portal:profile")).status_code == 302
    court_lead.refresh_from_db()
    assert court_lead.calendar_token != calendar
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.username == "admin" and event.target == "user lead-a"
    # The admin's own session is untouched.
    assert admin_client.get(reverse("admin:index")).status_code == 200


def test_a_command_setting_a_password_signs_the_person_out(court_lead):
    from unittest import mock

    _browsers(court_lead, 2)
    with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):
        call_command("changepassword", "lead-a")
    assert not Session.objects.filter(user=court_lead).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
    assert event.user is None and "2 other session(s) ended" in event.detail


def test_other_saves_of_a_user_leave_sessions_alone(court_lead):
    _browsers(court_lead, 2)
    court_lead.first_name = "Renamed"
    court_lead.save()
    assert Session.objects.filter(user=court_lead).count() == 2


def test_an_admin_signs_a_person_out_everywhere(admin_client, court_lead):
    _browsers(court_lead, 2)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "end_sessions", "_selected_action": [court_lead.pk]},
    )
    assert response.status_code == 302
    assert not Session.objects.filter(user=court_lead).exists()
    assert (
        admin_client.get(reverse("admin:accounts_session_changelist")).status_code
        == 200
    )


def test_the_cookie_ends_with_the_browser_and_the_row_at_twelve_hours(
    client, court_lead
):
    with at(0):
        response = post_sign_in(client, "lead-a")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    row = Session.objects.get(user=court_lead)
    assert row.expire_date == START + datetime.timedelta(hours=12)
    # Activity does not move the row's expiry.
    with at(20):
        client.get(reverse("portal:profile"))
    row.refresh_from_db()
    assert row.expire_date == START + datetime.timedelta(hours=12)


# --- Coming back after the session is gone from the server ----------------------------


def signed_in_with_the_form(client, minutes=0):
    with at(minutes):
        assert post_sign_in(client, "lead-a").status_code == 302
    return client


def sign_in_page_after(client, minutes) -> str:
    """The page a person gets when they come back `minutes` after sign-in."""
    with at(minutes):
        response = client.get(reverse("portal:profile"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    return response.content.decode()


def test_back_the_next_morning_the_sign_in_page_says_it_was_inactivity(
    client, court_lead
):
    signed_in_with_the_form(client)
    with at(10):
        assert client.get(reverse("portal:profile")).status_code == 200
    # 13 hours later the session row has expired: the server no longer knows it.
    page = sign_in_page_after(client, 13 * 60)
    assert "You were signed out after 30 minutes without activity." in page
    # Said once: the next page says nothing more.
    with at(13 * 60 + 1):
        again = client.get(reverse("login")).content.decode()
    assert "without activity" not in again


def test_the_session_row_cleared_says_so_too(client, court_lead):
    signed_in_with_the_form(client)
    Session.objects.filter(user=court_lead).delete()  # clearsessions, say
    page = sign_in_page_after(client, 45)
    assert "You were signed out after 30 minutes without activity." in page


def test_active_to_the_end_the_page_names_the_twelve_hour_limit(client, court_lead):
    signed_in_with_the_form(client)
    minutes = 0
    while minutes < 12 * 60 - 20:
        minutes += 20
        with at(minutes):
            assert client.get(reverse("portal:profile")).status_code == 200
    Session.objects.filter(user=court_lead).delete()
    page = sign_in_page_after(client, 12 * 60 + 5)
    assert "a session lasts 12 hours at most" in page
    assert "without activity" not in page


def test_a_session_ended_elsewhere_is_not_called_inactivity(client, court_lead):
    signed_in_with_the_form(client)
    Session.objects.filter(user=court_lead).delete()  # "Sign out everywhere"
    page = sign_in_page_after(client, 5)
    assert "Your session was ended. Sign in again to continue." in page
    assert "without activity" not in page


def test_after_a_deliberate_sign_out_nothing_is_said(client, court_lead):
    signed_in_with_the_form(client)
    with at(5):
        client.post(reverse("logout"))
    page = sign_in_page_after(client, 13 * 60)
    assert "signed out" not in page and "session" not in page.lower()


def test_the_marker_is_signed_and_holds_no_name(client, court_lead):
    signed_in_with_the_form(client)
    value = client.cookies["ccpor_signed_in"].value
    marker = signing.loads(value, salt="accounts.middleware.signed-in-marker")
    assert set(marker) == {"started", "last_seen"}
    client.cookies["ccpor_signed_in"] = value[:-3] + "abc"  # tampered with
    Session.objects.filter(user=court_lead).delete()
    page = sign_in_page_after(client, 45)
    assert "signed out" not in page
