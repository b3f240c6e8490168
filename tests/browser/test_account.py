"""A person's own account in a real browser: a forgotten password, the profile, a new
password. These pages stay put while the court pages move (issue 8)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_PASSWORD = "a-long-new-passphrase-41"
# "New password*", not "New password confirmation*".
NEW_PASSWORD_LABEL = re.compile(r"^New password\*?$")


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    page, live_server, check_page, sign_in_with_form, court_lead, mailoutbox
):
    court_lead.last_login = timezone.now()  # someone who has signed in before
    court_lead.save(update_fields=["last_login"])
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_page(page)
    page.get_by_label("Email").fill("lead-a@example.org")
    page.get_by_role("button", name="Send the link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    check_page(page)
    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+/accounts/reset/\S+/", mailoutbox[0].body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check_page(page)
    page.get_by_role("textbox", name=NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")
    check_page(page)

    # The link worked once.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This link no longer works"
    )
    check_page(page)
    page.get_by_role("link", name="Ask for a new link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")

    sign_in_with_form(page, "lead-a", NEW_PASSWORD)


def test_a_mismatched_new_password_is_refused_with_readable_errors(
    page, live_server, check_page, sign_in, court_lead
):
    sign_in(page, court_lead)
    page.goto(live_server.url + "/accounts/password_change/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
    check_page(page)

    page.get_by_label("Old password").fill("correct-horse-battery")
    page.get_by_role("textbox", name=NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="Change password").click()

    expect(page.get_by_text("The two password fields didn’t match.")).to_be_visible()
    check_page(page)

    page.get_by_label("Old password").fill("correct-horse-battery")
    page.get_by_role("textbox", name=NEW_PASSWORD_LABEL).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changed")
    check_page(page)


def test_the_profile_shows_the_persons_courts_and_saves_the_digest_choice(
    page, live_server, check_page, sign_in, court, court_lead
):
    sign_in(page, court_lead)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Profile").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.get_by_role("link", name="Profile")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("link", name="Court A")).to_be_visible()
    check_page(page)

    digest = page.get_by_label("Send me the weekly digest")
    expect(digest).to_be_checked()
    digest.uncheck()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text(
        "Saved: you will no longer get the weekly digest."
    )
    expect(page.get_by_label("Send me the weekly digest")).not_to_be_checked()
    check_page(page)
    court_lead.refresh_from_db()
    assert court_lead.weekly_digest is False
