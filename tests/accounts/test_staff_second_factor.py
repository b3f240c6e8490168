"""With OTP_STAFF_REQUIRED (production), CCPOR staff and admins give a code from
their authenticator app before any page of the site: marking a court live,
invitations, exports, the API token page, the dashboard, not only the admin. Without
an app they are sent to set one up. Court members are not asked."""

import pytest
from django.urls import reverse

from accounts.services import user_reset_api_token
from courts.models import Membership
from tests.factories import UserFactory

from .conftest import totp_token

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("get", "/dashboard/"),
    ("get", "/dashboard/export/items.csv"),
    ("get", "/calendar/"),
    ("post", "/calendar/reset-api-token/"),
    ("get", "/courts/court-a/invite/"),
    ("post", "/courts/court-a/invite/"),
    ("post", "/courts/court-a/go-live/mark-live/"),
    ("get", "/courts/court-a/"),
    ("get", "/api/onboardings/"),
    ("get", "/accounts/profile/"),
]


@pytest.fixture(autouse=True)
def required(settings):
    settings.OTP_STAFF_REQUIRED = True


def request(client, method: str, url: str, **extra):
    return getattr(client, method)(url, **extra)


@pytest.mark.parametrize("method,url", STAFF_PAGES)
def test_staff_without_an_app_are_sent_to_set_one_up(
    client, court, staff_user, method, url
):
    client.force_login(staff_user)
    response = request(client, method, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup") + "?next=")


@pytest.mark.parametrize("method,url", STAFF_PAGES)
def test_staff_with_an_app_give_a_code_first(
    client, court, staff_user, totp_device, method, url
):
    client.force_login(staff_user)
    response = request(client, method, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify") + "?next=")


def test_nothing_is_done_before_the_code(client, court, staff_user, totp_device):
    client.force_login(staff_user)
    client.post(
        "/courts/court-a/invite/",
        {
            "email": "pat.lee@example.org",
            "first_name": "Pat",
            "last_name": "Lee",
            "organisation": "court",
            "role": "it_contact",
        },
    )
    client.post("/calendar/reset-api-token/")
    assert not Membership.objects.exists()
    staff_user.refresh_from_db()
    assert staff_user.api_token_digest is None


def test_after_the_code_every_page_opens(client, court, staff_user, totp_device):
    client.force_login(staff_user)
    verify = client.post(
        reverse("accounts:otp_verify"),
        {"token": totp_token(totp_device), "next": "/dashboard/"},
    )
    assert verify["Location"] == "/dashboard/"
    for url in ("/dashboard/", "/calendar/", "/courts/court-a/invite/"):
        assert client.get(url).status_code == 200, url


def test_superusers_and_admins_are_asked_too(client, court, superuser):
    admin_only = UserFactory(is_staff=True)  # may use the admin, not in the team
    for person in (superuser, admin_only):
        client.force_login(person)
        response = client.get("/accounts/profile/")
        assert response["Location"].startswith(reverse("accounts:otp_setup"))


def test_the_way_out_and_the_way_through_stay_open(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_htmx_requests_are_sent_to_the_code_page_too(client, staff_user, totp_device):
    client.force_login(staff_user)
    response = client.get("/dashboard/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("accounts:otp_verify"))


def test_court_members_are_not_asked(client, court, court_lead):
    client.force_login(court_lead)
    for url in ("/courts/court-a/", "/calendar/", "/accounts/profile/"):
        assert client.get(url).status_code == 200, url


def test_an_api_token_needs_no_code(client, staff_user):
    """A program holds a token, not a session: the token was made on a page behind
    the second factor, and is the program's whole credential."""
    token = user_reset_api_token(user=staff_user)
    response = client.get("/api/onboardings/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_staff_are_not_asked_where_it_is_not_required(client, settings, staff_user):
    settings.OTP_STAFF_REQUIRED = False
    client.force_login(staff_user)
    assert client.get("/dashboard/").status_code == 200
