"""Incidents keep their reporter in the loop, in a real browser: on a live court
"Report an incident" is at the top of the court page; the reporter files one under
the default category, adds information, is told of the resolution, reopens it, and
confirms the next fix; a closed-out court still takes reports. Every page is checked
(sideways scroll, axe, console, HTML)."""

import pytest
from playwright.sync_api import expect

from golive import services
from golive.models import Incident
from tests.factories import force_status

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def resolve(incident, by, resolution):
    return services.incident_update(
        incident=incident,
        by=by,
        status="resolved",
        owner=incident.owner,
        severity=incident.severity,
        resolution=resolution,
    )


def test_the_reporter_follows_an_incident_to_its_fix(
    page, live_server, sign_in, check_page, start, court, court_lead, staff_user
):
    force_status(start(court, go_live_in=20), "live")
    sign_in(page, court_lead)
    page.goto(live_server.url + "/courts/court-a/")
    report = page.locator("#go-live").get_by_role("link", name="Report an incident")
    # Near the top: in the Go-Live panel, on the first screen, before the checklist.
    expect(report).to_be_in_viewport()
    checklist = page.locator("#checklist-heading").bounding_box()
    assert report.bounding_box()["y"] < checklist["y"]
    check_page(page)

    report.click()
    expect(page.get_by_label("Category")).to_have_value("other")
    page.get_by_label("Title").fill("Scanner drops the last page")
    page.get_by_label("What happens").fill("Long filings lose their last page.")
    page.get_by_label("P3 – a single user or a minor function", exact=False).check()
    page.get_by_role("button", name="Report the incident").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scanner drops")
    incident = Incident.objects.get()
    assert incident.category == "other"

    page.get_by_label("What you add").fill("Only on the counter scanner.")
    page.get_by_role("button", name="Add it").click()
    expect(page.get_by_role("status").first).to_contain_text("the CCPOR Team is told")
    expect(page.locator("table")).to_contain_text("Only on the counter scanner.")
    check_page(page)

    incident = resolve(incident, staff_user, "Driver updated.")
    page.reload()
    expect(page.get_by_role("heading", name="Is it fixed?")).to_be_visible()
    page.get_by_role("button", name="No, reopen it").click()
    expect(page.locator("#id_follow_up_note")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Note (needed to reopen it)").fill("Still drops pages.")
    page.get_by_role("button", name="No, reopen it").click()
    expect(page.get_by_role("status").first).to_contain_text("reopened")
    incident.refresh_from_db()
    assert incident.status == "investigating" and incident.resolution == ""

    resolve(incident, staff_user, "Scanner feeder replaced.")
    page.reload()
    page.get_by_role("button", name="Yes, it is fixed").click()
    expect(page.get_by_role("heading", name="You confirmed the fix")).to_be_visible()
    check_page(page)


def test_a_closed_out_court_takes_incident_reports(
    page, live_server, sign_in, check_page, start, court, court_lead
):
    force_status(start(court, go_live_in=20), "closed")
    sign_in(page, court_lead)
    page.goto(live_server.url + "/courts/court-a/")
    page.locator("#go-live").get_by_role("link", name="Report an incident").click()
    check_page(page)
    page.get_by_label("Title").fill("Cannot print orders")
    page.get_by_label("What happens").fill("The print button does nothing.")
    page.get_by_label("P2 – degraded, or a workaround exists", exact=False).check()
    page.get_by_role("button", name="Report the incident").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cannot print")
    expect(page.get_by_role("heading", name="You reported it")).to_be_visible()
    check_page(page)
