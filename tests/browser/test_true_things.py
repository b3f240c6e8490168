"""Journeys of what the screens say being true: a court marked live early shows the
day it went live, and its calendar feed moves Go-Live to that day; a notification
that stopped being true before it left is not in the person's list."""

import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from ccpor_onboard.lib.dates import today_in_california
from checklists import services as checklists_services
from tests.golive.stages import finish, sign_all

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_an_early_go_live_shows_its_true_date_and_the_feed_follows(
    page,
    live_server,
    sign_in,
    check_page,
    start,
    court,
    court_lead,
    court_liaison,
    staff_user,
):
    from golive import services
    from tests.factories import MembershipFactory

    eo = MembershipFactory(court=court, role="executive_officer").user
    onboarding = start(court, go_live_in=25)
    finish(onboarding, by=staff_user, up_to=31)
    sign_all(onboarding, "acceptance", eo=eo, liaison=court_liaison, staff=staff_user)
    services.go_no_go_record(onboarding=onboarding, by=staff_user, decision="go")
    sign_in(page, staff_user)
    page.goto(live_server.url + f"/courts/{court.slug}/go-live/")
    page.get_by_label(re.compile(r"Yes, .* is live from today")).check()
    page.get_by_role("button", name="Mark the court live").click()
    expect(page.get_by_role("status").first).to_contain_text("is live")
    page.goto(live_server.url + f"/courts/{court.slug}/")
    header = page.locator("#court-summary")
    today = today_in_california()
    expect(header).to_contain_text("Went live")
    onboarding.refresh_from_db()
    assert onboarding.went_live_on == today
    expect(header).to_contain_text(onboarding.went_live_against_plan)
    expect(header).not_to_contain_text("Days to Go-Live")
    check_page(page)
    sign_in(page, court_lead)
    feed = page.request.get(
        live_server.url
        + f"/calendar/{court_lead.calendar_token}/courts/{court.slug}.ics"
    )
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    [went] = [e for e in events if str(e["SUMMARY"]).endswith("(went live)")]
    assert went.decoded("DTSTART") == today


def test_a_notification_that_stopped_being_true_is_not_in_the_list(
    page,
    live_server,
    sign_in,
    check_page,
    start,
    court,
    court_lead,
    staff_user,
    send_now,
):
    item = start(court).items.get(order=11)
    item = checklists_services.item_set_status(
        item=item,
        status="blocked",
        reason="County",
        by=staff_user,
        expected_version=item.version,
    )
    checklists_services.item_set_status(
        item=item, status="done", by=staff_user, expected_version=item.version
    )
    send_now()
    sign_in(page, court_lead)
    page.goto(live_server.url + "/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your notifications")
    expect(page.locator("main")).not_to_contain_text("is blocked")
    check_page(page)
