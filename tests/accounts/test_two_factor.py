"""TOTP (django-otp): setting up an authenticator app, the code step after the password,
the admin requiring it where configured (production), and CCPOR staff asked to set
it up."""

import datetime
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from audit.models import AuditEvent

from .conftest import post_sign_in, prove_by_email, totp_token

pytestmark = pytest.mark.django_db

PROMPT = "need two-factor authentication"


def test_setting_up_an_authenticator_app(client, staff_user):
    client.force_login(staff_user)
    prove_by_email(client)
    page = client.get(reverse("accounts:otp_setup"))
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=staff_user)
    assert not device.confirmed
    assert "otpauth://totp/CCPOR%20Onboard%3Astaff?secret=" in html
    assert "<svg" in html  # the QR code
    import base64

    assert base64.b32encode(device.bin_key).decode() in html

    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert "does not match" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()
    response = client.post(
        reverse("accounts:otp_setup"), {"token": totp_token(device)}, follow=True
    )
    assert "Two-factor authentication is on" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert response.wsgi_request.user.is_verified()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.OTP_ENROLLED,
        outcome=AuditEvent.Outcome.SUCCESS,
        user=staff_user,
    ).exists()
    # The page now says it is on, and shows no secret.
    again = client.get(reverse("accounts:otp_setup")).content.decode()
    assert "is <strong>on</strong>" in again and "otpauth://" not in again


@pytest.mark.parametrize(
    "token,message",
    [
        ("12ab56", "Type the 6 digits"),
        ("1234567", "Type the 6 digits"),
        ("12\x003456", "Null characters are not allowed"),
    ],
)
def test_a_code_that_is_not_six_digits_is_refused_in_the_form(
    client, staff_user, token, message
):
    client.force_login(staff_user)
    prove_by_email(client)
    response = client.post(reverse("accounts:otp_setup"), {"token": token})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_the_setup_page_needs_a_session(client):
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_with_a_device_asks_for_a_code_before_anything(
    client, staff_user, totp_device
):
    response = post_sign_in(client, "staff")
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"].startswith(reverse("accounts:otp_verify"))
    # Every page leads to the code step; htmx requests too.
    for url in ("/dashboard/", "/calendar/", "/admin/"):
        assert client.get(url)["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get("/dashboard/", HTTP_HX_REQUEST="true")["HX-Redirect"].startswith(
        reverse("accounts:otp_verify")
    )

    verify = reverse("accounts:otp_verify") + "?next=/dashboard/"
    page = client.get(verify)
    assert "Enter your code" in page.content.decode()
    wrong = client.post(verify, {"token": "000000", "next": "/dashboard/"})
    assert "is not right" in wrong.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.OTP_VERIFIED, outcome=AuditEvent.Outcome.FAILURE
    ).exists()

    totp_device.refresh_from_db()
    totp_device.throttle_reset()
    key_before = client.session.session_key
    right = client.post(
        verify, {"token": totp_token(totp_device), "next": "/dashboard/"}
    )
    assert right["Location"] == "/dashboard/"
    assert client.session.session_key != key_before
    assert client.get("/dashboard/").status_code == 200


def test_the_code_step_ignores_a_next_to_another_site(client, staff_user, totp_device):
    client.force_login(staff_user)
    verify = reverse("accounts:otp_verify")
    response = client.post(
        verify, {"token": totp_token(totp_device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/courts/"


def test_a_code_is_good_once(client, staff_user, totp_device):
    with freeze_time("2026-03-04 20:00:00"):
        token = totp_token(totp_device)
        client.force_login(staff_user)
        client.post(reverse("accounts:otp_verify"), {"token": token})
        other = type(client)()
        other.force_login(staff_user)
        again = other.post(reverse("accounts:otp_verify"), {"token": token})
    assert "is not right" in again.content.decode()


def test_repeated_wrong_codes_are_throttled(client, staff_user, totp_device):
    client.force_login(staff_user)
    with freeze_time("2026-03-04 20:00:00") as frozen:
        client.post(reverse("accounts:otp_verify"), {"token": "000000"})
        # Right away, even the right code is refused: the device is throttled.
        response = client.post(
            reverse("accounts:otp_verify"), {"token": totp_token(totp_device)}
        )
        assert response.status_code == 200
        frozen.tick(datetime.timedelta(seconds=2))
        response = client.post(
            reverse("accounts:otp_verify"), {"token": totp_token(totp_device)}
        )
    assert response.status_code == 302


def test_people_without_a_device_sign_in_with_a_password_only(client, court_lead):
    response = post_sign_in(client, "lead-a")
    assert client.get(response["Location"]).status_code == 302  # to the court page
    assert client.get(reverse("portal:profile")).status_code == 200


def test_ccpor_staff_without_a_device_are_asked_to_set_one_up(
    client, staff_user, court_lead
):
    client.force_login(staff_user)
    html = client.get("/dashboard/").content.decode()
    assert PROMPT in html and reverse("accounts:otp_setup") in html
    client.force_login(court_lead)
    assert PROMPT not in client.get(reverse("portal:profile")).content.decode()


def test_the_prompt_goes_once_a_device_is_set_up(client, staff_user, totp_device):
    client.force_login(staff_user)
    client.post(reverse("accounts:otp_verify"), {"token": totp_token(totp_device)})
    assert PROMPT not in client.get("/dashboard/").content.decode()


# --- The admin ----------------------------------------------------------------------


def test_admin_without_two_factor_when_not_required(admin_client, settings):
    settings.OTP_ADMIN_REQUIRED = False
    assert admin_client.get(reverse("admin:index")).status_code == 200


def test_admin_sends_staff_without_a_device_to_set_one_up(client, staff_user, settings):
    settings.OTP_ADMIN_REQUIRED = True
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_setup"))
    assert "The admin needs two-factor authentication" in response.content.decode()


def test_admin_needs_a_verified_code_when_required(
    client, staff_user, totp_device, settings
):
    settings.OTP_ADMIN_REQUIRED = True
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))
    client.post(
        reverse("accounts:otp_verify"),
        {"token": totp_token(totp_device), "next": reverse("admin:index")},
    )
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_password_sign_in_then_code_when_required(
    client, staff_user, totp_device, settings
):
    settings.OTP_ADMIN_REQUIRED = True
    login = reverse("admin:login") + "?next=/admin/"
    response = post_sign_in(client, "staff", url=login)
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))
    client.post(
        reverse("accounts:otp_verify"),
        {"token": totp_token(totp_device), "next": "/admin/"},
    )
    assert client.get("/admin/").status_code == 200


def test_a_removed_device_no_longer_verifies_the_admin(
    client, staff_user, totp_device, settings
):
    settings.OTP_ADMIN_REQUIRED = True
    client.force_login(staff_user)
    client.post(reverse("accounts:otp_verify"), {"token": totp_token(totp_device)})
    assert client.get(reverse("admin:index")).status_code == 200
    totp_device.delete()
    assert client.get(reverse("admin:index")).status_code == 302


def _setting(module: str, name: str, **env) -> str:
    code = (
        f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='{module}'; "
        f"django.setup(); from django.conf import settings; print(settings.{name})"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OTP_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()


def test_production_requires_two_factor_for_the_admin_and_local_does_not():
    production = _setting(
        "ccpor_onboard.settings.production",
        "OTP_ADMIN_REQUIRED",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="ccpor.example.org",
        TRUSTED_PROXY_COUNT="1",
    )
    assert production == "True"
    assert _setting("ccpor_onboard.settings.local", "OTP_ADMIN_REQUIRED") == "False"
    assert (
        _setting(
            "ccpor_onboard.settings.local", "OTP_ADMIN_REQUIRED", OTP_ADMIN_REQUIRED="1"
        )
        == "True"
    )


def test_sign_out_is_possible_before_the_code(client, staff_user, totp_device):
    post_sign_in(client, "staff")
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
