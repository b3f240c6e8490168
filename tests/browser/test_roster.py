"""The court's roster in a real browser: a court lead imports a roster CSV (a
preview, then for real), sees who is not ready and why, and the item that grants
CCPOR accounts (the CCPOR Team's) is refused naming them; on a closed-out court the
lead records a leaver and their deprovisioning, completes the quarterly access
review, and opens the audit packet, which prints. Every page is checked (sideways
scroll at 1280 and 375 px, axe, console, HTML)."""

import datetime

import pytest
from playwright.sync_api import expect

from ccpor_onboard.lib.dates import today_in_california
from checklists import services
from roster.models import AccessReview, RosterPerson
from tests.factories import attach_evidence, force_status

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _person(court, name, **fields):
    today = today_in_california()
    return RosterPerson.objects.create(
        court=court,
        name=name,
        email=f"{name.split()[0].lower()}@example.org",
        organisation="court",
        ccpor_role="query",
        clets_level="ltfa",
        clets_certified_on=today - datetime.timedelta(days=100),
        clets_expires_on=today + datetime.timedelta(days=600),
        **fields,
    )


def test_a_lead_imports_a_roster_and_accounts_wait_for_everyone(
    page,
    live_server,
    sign_in,
    check_page,
    start,
    court,
    court_lead,
    staff_user,
    tmp_path,
):
    onboarding = start(court, go_live_in=40)
    _person(court, "Ann Ready").trainings.add(onboarding.items.get(order=25))
    certified = (today_in_california() - datetime.timedelta(days=30)).isoformat()
    upload = tmp_path / "roster.csv"
    upload.write_text(
        "Name,E-mail,Organisation,CCPOR role,CLETS level,CLETS certified on\n"
        f"Bob Clerk,bob@example.org,Court,Court,Less Than Full Access,{certified}\n"
        f"Cy Query,cy@example.org,court,Query Only,ltfa,{certified}\n"
    )
    sign_in(page, court_lead)
    page.goto(live_server.url + "/courts/court-a/")
    page.locator("#roster").get_by_role("link", name="Roster").click()
    page.get_by_role("link", name="Import a CSV").click()

    # The preview (ticked by default) saves nothing and says what each row would do.
    expect(page.get_by_label("Preview only (save nothing)")).to_be_checked()
    page.get_by_label("Roster CSV file").set_input_files(upload)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#import-result")).to_contain_text(
        "Preview: 2 rows would be imported (2 added, 0 updated)"
    )
    assert court.roster.count() == 1
    check_page(page)

    page.get_by_label("Roster CSV file").set_input_files(upload)
    page.get_by_label("Preview only (save nothing)").uncheck()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").first).to_contain_text("Imported: 2 added")
    expect(page.locator("#roster-readiness")).to_contain_text("1 of 3 people ready")
    bob = page.get_by_role("row", name="Bob Clerk")
    expect(bob).to_contain_text(
        "needs training (any CCPOR training session) and CLETS certification at "
        "Full Access"
    )
    expect(page.get_by_role("row", name="Cy Query")).to_contain_text("needs training")
    expect(page.get_by_role("row", name="Ann Ready")).to_contain_text("Ready")
    check_page(page)

    # The CCPOR Team's access item, its dependency done, is refused naming them.
    submitted = onboarding.items.get(order=21)
    attach_evidence(submitted, by=staff_user)
    submitted.refresh_from_db()
    services.item_set_status(
        item=submitted,
        status="done",
        by=staff_user,
        expected_version=submitted.version,
    )
    access = onboarding.items.get(grants_ccpor_access=True)
    sign_in(page, staff_user)
    page.goto(live_server.url + access.get_absolute_url())
    page.locator("#id_status").select_option("done")
    page.get_by_role("button", name="Save", exact=True).click()
    refusal = page.locator("#update-heading + form")
    expect(refusal).to_contain_text("(1 of 3 people ready)")
    expect(refusal).to_contain_text("Bob Clerk needs training")
    expect(refusal).to_contain_text("Cy Query needs training")
    access.refresh_from_db()
    assert access.status == "not_started"


def test_a_closed_out_court_reviews_access_deprovisions_and_prints_its_packet(
    page, live_server, sign_in, check_page, start, court, court_lead
):
    onboarding = force_status(start(court), "closed")
    session = onboarding.items.get(order=25)
    for name in ("Ann Keeps", "Bob Keeps", "Cy Leaves"):
        _person(court, name).trainings.add(session)
    sign_in(page, court_lead)
    page.goto(live_server.url + "/courts/court-a/roster/")
    expect(page.get_by_text("Sustainment", exact=True)).to_be_visible()

    page.get_by_role("button", name="Left (Cy Leaves)").click()
    expect(page.get_by_role("status").first).to_contain_text("deprovisioning started")
    page.get_by_role("button", name="Record: account disabled (Cy Leaves)").click()
    leaver = page.get_by_role("row", name="Cy Leaves")
    expect(leaver).to_contain_text("Open")
    page.get_by_role("button", name="Record: CLETS access removed (Cy Leaves)").click()
    expect(leaver).to_contain_text("Done")
    check_page(page)

    page.get_by_role("link", name="Quarterly access review").click()
    for name in ("Ann Keeps", "Bob Keeps"):
        row = page.get_by_role("row", name=name)
        row.get_by_label("Keeps access").check()
        row.get_by_role("button", name=f"Confirm {name}").click()
        expect(page.get_by_role("status").first).to_contain_text(f"for {name}")
    expect(page.get_by_text("Completed")).to_be_visible()
    assert AccessReview.objects.get(court=court).completed_by == court_lead
    check_page(page)

    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    breadcrumb.get_by_role("link", name="Roster").click()
    page.get_by_role("link", name="Audit packet").click()
    packet = page.locator("main")
    expect(packet).to_contain_text("2 of 2 people ready")
    expect(packet).to_contain_text("Bob Keeps: keeps access, confirmed by")
    expect(packet).to_contain_text("Cy Leaves left")
    expect(packet).not_to_contain_text("not yet")
    check_page(page)
    # On paper: the site's navigation and the breadcrumb stay off the page.
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("header nav")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    assert page.pdf().startswith(b"%PDF-")
