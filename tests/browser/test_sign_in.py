"""Signing in and out, and the error pages, in a real browser."""

import pytest
from playwright.sync_api import expect

from accounts.models import Session
from tests.factories import CourtFactory

from .checks import assert_focus_visible, tab

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAME_LABEL = "Username or e-mail address"


def test_court_lead_signs_in_with_the_form_and_lands_on_their_court(
    page, live_server, check_page, start, court, court_lead
):
    start(court)
    page.goto(live_server.url + "/courts/court-a/")

    # Anonymous: sent to the sign-in page, which remembers where they were going.
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/courts/court-a/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page, screenshots={1280: "sign-in"})

    page.get_by_label("Username").fill("lead-a")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/courts/court-a/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Court A")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(
        "Signed in as lead-a"
    )


def test_sign_in_by_e_mail(page, live_server, check_page, start, court, court_lead):
    """A court lead who remembers their address, not their user name."""
    start(court)
    page.goto(live_server.url + "/courts/court-a/")
    expect(page.get_by_label(NAME_LABEL)).to_be_visible()
    check_page(page)

    page.get_by_label(NAME_LABEL).fill("Lead-A@Example.org")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/courts/court-a/")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(
        "Signed in as lead-a"
    )

    # Signed out on purpose: the sign-in page says nothing about a lost session.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("main")).not_to_contain_text("signed out")

    # A wrong password by address is refused like one by user name.
    page.get_by_label(NAME_LABEL).fill("lead-a@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(
        page.get_by_text(
            "Please enter a correct username or e-mail address, and password"
        )
    ).to_be_visible()
    check_page(page)


def test_after_an_idle_sign_out_the_sign_in_page_says_why(
    page, live_server, check_page, sign_in_with_form, start, court, court_lead, settings
):
    start(court)
    settings.SESSION_IDLE_TIMEOUT = 2
    sign_in_with_form(page, "lead-a", "correct-horse-battery")
    page.wait_for_timeout(2500)
    # Gone from the server too, as after the night (clearsessions): the browser
    # still says why.
    Session.objects.filter(user=court_lead).delete()

    page.goto(live_server.url + "/courts/court-a/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/courts/court-a/")
    expect(page.get_by_role("status").first).to_have_text(
        "You were signed out after 2 seconds without activity. Sign in again to "
        "continue."
    )
    check_page(page)
    # Once: the page again says nothing.
    page.reload()
    expect(page.get_by_text("without activity")).to_have_count(0)


def test_signing_in_with_the_keyboard_alone_shows_where_the_focus_is(
    page, live_server, start, court, court_lead
):
    start(court)
    page.goto(live_server.url + "/accounts/login/")

    # The form puts the focus on Username; backwards are the menu and the skip link.
    expect(page.get_by_label("Username")).to_be_focused()
    assert assert_focus_visible(page) == f'input "{NAME_LABEL}"'
    assert tab(page, backwards=True) == 'a "CCPOR Onboard"'
    assert tab(page, backwards=True) == 'a "Skip to main content"'
    assert tab(page) == 'a "CCPOR Onboard"'
    assert tab(page) == f'input "{NAME_LABEL}"'
    assert tab(page) == 'input "Password"'
    assert tab(page) == 'button "Sign in"'
    assert tab(page) == 'a "Forgotten your password?"'
    assert tab(page, backwards=True) == 'button "Sign in"'

    # The skip link takes the keyboard past the menu, to the page's content.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert tab(page, backwards=True) == 'a "Skip to main content"'
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert tab(page) == f'input "{NAME_LABEL}"'
    page.keyboard.type("lead-a")
    assert tab(page) == 'input "Password"'
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/courts/court-a/")


def test_a_wrong_password_keeps_the_person_on_the_form_with_the_error(
    page, live_server, check_page, court_lead
):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("lead-a")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(
        page.get_by_text(
            "Please enter a correct username or e-mail address, and password"
        )
    ).to_be_visible()
    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page.get_by_label("Username")).to_have_value("lead-a")
    check_page(page)


def test_signing_out_from_the_folded_menu_returns_to_the_sign_in_page(
    page, live_server, sign_in_with_form, court, court_lead
):
    sign_in_with_form(page, "lead-a", "correct-horse-battery")

    # At phone width the menu is folded behind its button.
    page.set_viewport_size({"width": 375, "height": 812})
    menu = page.get_by_role("button", name="Show or hide the menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(live_server.url + "/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    page.goto(live_server.url + "/courts/court-a/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/courts/court-a/")


def test_a_member_opening_another_courts_url_gets_the_404_page(
    page, live_server, check_page, sign_in, start, court, other_court, court_lead
):
    start(court)
    start(other_court)
    sign_in(page, court_lead)

    response = page.goto(live_server.url + "/courts/court-b/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Court B")
    check_page(page)

    # A court that does not exist looks exactly the same: nothing is learnt.
    stranger = page.goto(live_server.url + "/courts/no-such-court/")
    assert stranger.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

    page.get_by_role("link", name="Go to your courts").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("link", name="Court A")).to_be_visible()
    expect(page.get_by_role("link", name="Court B")).to_have_count(0)


def test_a_member_on_a_staff_only_page_gets_the_403_page_with_the_reason(
    page, live_server, check_page, sign_in, start, court, court_lead
):
    start(court)
    CourtFactory()  # not the only court in the database
    sign_in(page, court_lead)

    response = page.goto(live_server.url + "/courts/court-a/reschedule/")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.locator("main")).to_contain_text(
        "Only the CCPOR Team changes the Go-Live date or the processing model."
    )
    check_page(page)


def test_pages_name_an_icon_and_the_site_serves_favicon_ico(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    href = page.locator('head link[rel="icon"]').get_attribute("href")

    icon = page.request.get(live_server.url + href)
    assert icon.ok and icon.headers["content-type"] == "image/svg+xml"
    legacy = page.request.get(live_server.url + "/favicon.ico")
    assert legacy.ok and legacy.body().startswith(b"\x00\x00\x01\x00")
