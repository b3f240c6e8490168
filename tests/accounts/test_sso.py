"""Single sign-on end to end, against a real OpenID Connect provider: the
django-oauth-toolkit process of tests/oidc_provider, started once on 127.0.0.1.

A test signs in at the provider as a browser would (`requests`), follows the
product's redirect to the provider's authorize endpoint, and hands the provider's
redirect (the code) to the product's callback through the Django test client; the
product then asks the provider itself for the tokens, its keys and the userinfo.
"""

import datetime
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessAttempt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from audit.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory
from tests.oidc_provider import PASSWORD as PROVIDER_PASSWORD

pytestmark = pytest.mark.django_db

CLIENT_ID = "ccpor-onboard"
CLIENT_SECRET = "test-client-secret"  # noqa: S105 - the test provider's client
CALLBACK = "http://testserver/accounts/sso/callback/"
SIGNED_OUT = "http://testserver/accounts/login/"


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Provider:
    url: str


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider process, for the whole run (about a second to start)."""
    folder = tmp_path_factory.mktemp("oidc-provider")
    key = _rsa_key().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": key.decode(),
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "tests.oidc_provider.serve",
            CLIENT_ID,
            CLIENT_SECRET,
            CALLBACK,
            SIGNED_OUT,
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        ready = process.stdout.readline()
        assert ready.startswith("READY "), "the test OIDC provider did not start"
        yield Provider(url=f"http://127.0.0.1:{int(ready.split()[1])}")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, oidc_provider):
    """The product configured for the provider, as the environment would."""
    base = f"{oidc_provider.url}/o"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/.well-known/jwks.json"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{base}/logout/"
    settings.OIDC_PROVIDER_NAME = "Court Identity"
    settings.SSO_ENABLED = True
    return oidc_provider


def at_provider(provider: Provider, username: str) -> requests.Session:
    """A browser signed in at the provider as `username`."""
    browser = requests.Session()
    answer = browser.post(
        f"{provider.url}/login/",
        data={"username": username, "password": PROVIDER_PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code == 302
    return browser


def code_from_provider(client, browser: requests.Session, *, next_url: str = "") -> str:
    """Start single sign-on in the product and bring back the provider's redirect
    to the callback (with its code and state)."""
    start = client.get(reverse("sso_start"), {"next": next_url} if next_url else {})
    assert start.status_code == 302
    assert urlsplit(start["Location"]).path == "/o/authorize/"
    answer = browser.get(start["Location"], allow_redirects=False)
    assert answer.status_code == 302, answer.text[:300]
    assert answer.headers["Location"].startswith(CALLBACK)
    return answer.headers["Location"]


def sso_sign_in(client, provider, username, **kwargs):
    browser = at_provider(provider, username)
    return browser, client.get(code_from_provider(client, browser, **kwargs))


def last_refusal() -> AuditEvent:
    return (
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
        .order_by("pk")
        .last()
    )


def refused(response, words: str) -> None:
    assert response.status_code == 403
    assert words in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    event = last_refusal()
    assert event.outcome == AuditEvent.Outcome.FAILURE
    assert event.detail.startswith("single sign-on refused")
    # The lockout counts local passwords only.
    assert not AccessAttempt.objects.exists()


@pytest.fixture
def known(court):
    """A court lead with the provider's verified address, never signed in before."""
    return MembershipFactory(
        court=court,
        user__username="known.lead",
        user__email="Known.Person@court.example",
    ).user


def test_first_sign_in_by_verified_email_and_sign_out_at_the_provider(
    client, sso, known
):
    assert known.last_login is None
    browser, response = sso_sign_in(client, sso, "known", next_url="/accounts/profile/")

    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200
    known.refresh_from_db()
    assert known.last_login is not None
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert (login.username, login.detail) == ("known.lead", "single sign-on")
    # The session policy applies as to a password sign-in (the 12-hour limit).
    assert client.session.get_expiry_age() <= 12 * 60 * 60

    signed_out = client.post(reverse("logout"))
    end_session = signed_out["Location"]
    assert end_session.startswith(f"{sso.url}/o/logout/?")
    assert parse_qs(urlsplit(end_session).query)["post_logout_redirect_uri"] == [
        SIGNED_OUT
    ]
    assert client.get("/accounts/profile/").status_code == 302  # signed out here
    back = browser.get(end_session, allow_redirects=False)
    assert (back.status_code, back.headers["Location"]) == (302, SIGNED_OUT)
    # ... and at the provider: signing in again needs the provider's password.
    again = browser.get(
        client.get(reverse("sso_start"))["Location"], allow_redirects=False
    )
    assert urlsplit(again.headers["Location"]).path == "/login/"


def test_an_address_that_is_no_account_is_refused(client, sso, known):
    accounts = User.objects.count()
    _, response = sso_sign_in(client, sso, "stranger")
    refused(response, "No active account here has the address stranger@")
    assert User.objects.count() == accounts  # never made by sign-in


def test_without_a_verified_address_the_configured_claim_names_the_account(
    client, sso, settings, court
):
    person = UserFactory(username="entra", email="entra.person@court.example")
    _, response = sso_sign_in(client, sso, "entra.person@court.example")
    refused(response, "did not confirm your e-mail address")

    settings.OIDC_MATCH_CLAIM = "preferred_username"
    _, response = sso_sign_in(client, sso, "entra.person@court.example")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk


def test_a_token_signed_with_another_key_is_refused(client, sso, settings, known):
    settings.OIDC_RP_IDP_SIGN_KEY = (
        _rsa_key()
        .public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )
    _, response = sso_sign_in(client, sso, "known")
    refused(response, "could not be checked")


def test_an_expired_id_token_is_refused(client, sso, known):
    browser = at_provider(sso, "known")
    callback = code_from_provider(client, browser)
    # The provider's ID tokens last 10 hours; the product reads it 11 hours on.
    with freeze_time(timezone.now() + datetime.timedelta(hours=11)):
        response = client.get(callback)
    refused(response, "could not be checked")
    assert "ExpiredSignatureError" in last_refusal().detail


def test_a_wrong_nonce_and_a_replayed_callback_are_refused(client, sso, known):
    browser = at_provider(sso, "known")
    callback = code_from_provider(client, browser)
    session = client.session
    state = parse_qs(urlsplit(callback).query)["state"][0]
    session["oidc_states"][state]["nonce"] = "not-the-nonce-sent"
    session.save()
    refused(client.get(callback), "could not be checked")
    assert "Nonce" in last_refusal().detail
    # The state was used up: the same answer again is refused too.
    refused(client.get(callback), "could not be checked")


def test_staff_must_use_sso_and_the_providers_mfa_can_count(
    client, sso, settings, court
):
    settings.SSO_REQUIRED_FOR_STAFF = True
    settings.OTP_STAFF_REQUIRED = True
    staff = UserFactory(
        username="team.member", email="mfa.person@court.example", ccpor_staff=True
    )
    # A password is refused for staff, with the reason.
    client.post(
        reverse("login"),
        {"username": "team.member", "password": "correct-horse-battery"},
    )
    page = client.get("/dashboard/", follow=True)
    assert "_auth_user_id" not in client.session
    assert "CCPOR Team staff sign in with Court Identity" in page.content.decode()

    # Single sign-on: the product's own second factor still applies...
    sso_sign_in(client, sso, "mfa")
    assert client.get("/dashboard/")["Location"].startswith(
        reverse("accounts:otp_setup")
    )
    # ... unless the provider's multi-factor sign-in is accepted.
    client.logout()
    settings.OIDC_ACCEPT_PROVIDER_MFA = True
    sso_sign_in(client, sso, "mfa")
    assert client.get("/dashboard/").status_code == 200
    assert client.session["sso_amr"] == ["pwd", "mfa"]
    assert int(client.session["_auth_user_id"]) == staff.pk


def test_off_when_not_configured(client):
    assert client.get(reverse("sso_start")).status_code == 404
    assert client.get(reverse("sso_callback")).status_code == 404
    assert "Sign in with" not in client.get(reverse("login")).content.decode()
