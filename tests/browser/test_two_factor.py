"""Two-factor sign-in (an authenticator app, TOTP) and the lockout page, in a real
browser. Codes are made from the key the set-up page shows, as an app would."""

import base64
import re
import time

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CODE_FIELD = "Code from your authenticator app"


def code(key: bytes, *, steps_ahead: int = 0) -> str:
    """The app's code now, or `steps_ahead` 30-second steps later (django-otp refuses
    a code used already, and accepts the next step's)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_a_lead_turns_on_two_factor_then_signs_in_with_a_code(
    page, live_server, check_page, sign_in, court, court_lead
):
    sign_in(page, court_lead)
    page.goto(live_server.url + "/accounts/profile/")
    page.get_by_role("link", name="Set up an authenticator app").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Two-factor authentication"
    )
    # First, prove it is you with a code e-mailed to the account's address.
    page.get_by_role("button", name="E-mail me a code").click()
    expect(page.get_by_role("status")).to_contain_text("A code is on its way")
    check_page(page)
    mailed = re.search(r"^(\d{6})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    page.get_by_label("Code from the e-mail").fill(mailed)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    check_page(page)
    key = base64.b32decode(page.locator("#otp-secret").inner_text().strip())
    page.get_by_label(CODE_FIELD).fill("123")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Type the 6 digits your app shows.")).to_be_visible()
    check_page(page)

    page.get_by_label(CODE_FIELD).fill(code(key))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Two-factor authentication is on"
    )

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("lead-a")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    check_page(page)
    page.get_by_label(CODE_FIELD).fill(code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(live_server.url + "/courts/court-a/")


def test_repeated_wrong_passwords_pause_signing_in(
    page, live_server, check_page, court_lead, settings
):
    page.goto(live_server.url + "/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("lead-a")
        page.get_by_label("Password").fill("not-the-password")
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Sign in").click()

    assert navigation.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused")
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    check_page(page)


def test_staff_without_two_factor_are_asked_to_set_it_up(
    page, live_server, check_page, sign_in, staff_user
):
    sign_in(page, staff_user)
    page.goto(live_server.url + "/accounts/profile/")

    prompt = page.get_by_role("status").filter(has_text="need two-factor")
    expect(prompt).to_be_visible()
    check_page(page)
    prompt.get_by_role("link", name="Set up your authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Two-factor authentication"
    )
