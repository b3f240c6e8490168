"""The Go-Live phase in a real browser: a court whose "mark live" is refused, with
each reason linked, then decided, signed and marked live; an incident reported and
answered; the CCPOR Team's readiness and incident pages. Every page is checked
(sideways scroll, axe, console, HTML)."""

import re

import pytest
from playwright.sync_api import expect

from checklists.models import Onboarding
from golive import services
from golive.models import Incident
from tests.factories import MembershipFactory
from tests.golive.stages import finish, sign_all

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_from_mark_live_refused_to_live(
    page, live_server, sign_in, check_page, start, court, court_liaison, staff_user
):
    eo = MembershipFactory(court=court, role="executive_officer").user
    onboarding = start(court, go_live_in=20)
    sign_in(page, staff_user)

    page.goto(live_server.url + "/courts/court-a/")
    panel = page.locator("#go-live")
    expect(panel).to_contain_text("Readiness for Go-Live")
    expect(panel).to_contain_text("Marking live is refused while")
    # The court page as CCPOR staff see it: every item editable, the panel on top.
    check_page(page)
    # (docs/screenshots/readiness.png is the Go-Live page of the demo's Fresno, saved
    # by test_tour.py.)

    panel.get_by_role("link", name="Readiness checklist and lifecycle").click()
    # Unavailable while something blocks it, and it says what.
    mark_live = page.get_by_role("button", name="Mark the court live")
    expect(mark_live).to_be_disabled()
    expect(mark_live).to_have_accessible_description(
        re.compile(r"^Not available while \d+ things block it:.*No go/no-go decision")
    )
    action = page.locator("#action-live")
    expect(
        action.get_by_role("link", name="No go/no-go decision has been recorded.")
    ).to_be_visible()
    # The reason box of "Cancel" sits with its own button.
    cancel = page.locator("#action-cancel")
    expect(cancel.get_by_label("Why cancel the onboarding?")).to_be_visible()
    expect(cancel.get_by_role("button", name="Cancel the onboarding")).to_be_visible()
    check_page(page)

    # The gates and the other two signatures, through the services...
    finish(onboarding, by=staff_user, up_to=31)
    sign_all(onboarding, "acceptance", eo=eo, liaison=court_liaison, staff=staff_user)
    services.sign_off_revoke(
        sign_off=onboarding.sign_offs.get(role="executive_officer"),
        by=eo,
        reason="Signed before the retest",
    )
    # ...and the executive officer signs again on the page.
    sign_in(page, eo)
    page.goto(live_server.url + "/courts/court-a/go-live/sign-offs/")
    check_page(page)
    page.get_by_label("Statement").fill("The retest passed; we accept.")
    page.get_by_role("button", name="Sign as court executive officer").click()
    expect(page.get_by_role("status").first).to_contain_text("Signed")

    sign_in(page, staff_user)
    services.sign_off_give(
        onboarding=onboarding,
        kind="acceptance",
        role="ccpor",
        by=staff_user,
        statement="Accepted by the CCPOR Team.",
    )
    page.goto(live_server.url + "/courts/court-a/go-live/decision/")
    check_page(page)
    page.get_by_label("Go", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Go-Live readiness and lifecycle"
    )
    # Ready: marking live asks for the confirmation first.
    page.get_by_role("button", name="Mark the court live").click()
    expect(page.locator("#action-live")).to_contain_text("Tick the box to confirm")
    assert Onboarding.objects.get(pk=onboarding.pk).status == "active"
    check_page(page)
    page.get_by_label(re.compile(r"Yes, .* is live from today")).check()
    page.get_by_role("button", name="Mark the court live").click()
    expect(page.get_by_role("status").first).to_contain_text("is live")
    assert Onboarding.objects.get(pk=onboarding.pk).status == "live"
    page.goto(live_server.url + "/courts/court-a/go-live/")
    expect(page.get_by_role("button", name="Close the onboarding")).to_be_disabled()
    expect(page.locator("#action-undo").get_by_label("Why undo live?")).to_be_visible()
    check_page(page)


def test_an_incident_reported_and_answered(
    page, live_server, sign_in, check_page, start, court, court_lead, staff_user
):
    onboarding = start(court, go_live_in=20)
    Onboarding.objects.filter(pk=onboarding.pk).update(status="live")
    sign_in(page, court_lead)
    page.goto(live_server.url + "/courts/court-a/incidents/report/")
    expect(page.get_by_role("note")).to_contain_text("No protective-order data.")
    check_page(page)
    page.get_by_label("Title").fill("Orders cannot be saved")
    page.get_by_label("What happens").fill("Every save fails since 9 am.")
    page.get_by_label(re.compile(r"P1 – orders cannot")).check()
    page.get_by_label("Category").select_option("carpos")
    page.get_by_role("button", name="Report the incident").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Orders cannot be saved"
    )
    check_page(page)

    sign_in(page, staff_user)
    incident = Incident.objects.get()
    page.goto(live_server.url + f"/courts/court-a/incidents/{incident.pk}/")
    page.get_by_label("Status").select_option("investigating")
    page.get_by_label("Note").fill("Gateway restarted; watching.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("is updated")
    check_page(page)
    page.goto(live_server.url + "/dashboard/incidents/?status=all")
    expect(page.get_by_role("link", name="Orders cannot be saved")).to_be_visible()
    check_page(page)
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator("#readiness-heading")).to_be_visible()
