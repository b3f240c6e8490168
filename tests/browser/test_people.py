"""Browser journeys for the people around the checklist (issue 12): the court page's
contacts, owners and "My items"; naming an owner, scheduling a meeting and attaching a
CCPOR Team document on the item page; inviting someone. Each page is checked at 1280
and 375 px (sideways scrolling, axe-core, console) and by the Nu HTML Checker.

`SCREENSHOTS=1 scripts/test.sh tests/browser/test_people.py` writes
docs/screenshots/court-contacts.png (the README's court page with contacts and
owners)."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ccpor_onboard.lib.dates import today_in_california
from checklists import services
from collaboration import services as collaboration_services
from collaboration.models import TeamDocument
from courts.models import Membership
from tests.factories import MembershipFactory, evidence_bytes

from .checks import (
    WIDTHS,
    save_screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


# Boxes inside this parts of the court page that scroll sideways.
_PARTS_SCROLL_JS = """() => [...document.querySelectorAll(
  '#contacts, #contacts *, .what-changed, .what-changed *, .item-owner, .item-meeting'
)].filter(el => el.scrollWidth > el.clientWidth + 1
  && getComputedStyle(el).overflowX !== 'visible'
).map(el => el.outerHTML.slice(0, 80))"""


@pytest.fixture
def check_court_page(check_page):
    """check_page for the court page (every part of it, at 1280 and 375 px, and the
    Nu HTML Checker at the session's end), and the contacts, "What changed" and
    owner lines never scroll sideways in a box of their own."""

    def _check(page):
        check_page(page)
        for width, height in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            assert page.evaluate(_PARTS_SCROLL_JS) == []
        page.set_viewport_size({"width": 1280, "height": WIDTHS[1280]})

    return _check


@pytest.fixture
def people(court, court_lead, court_liaison, staff_user, evidence_storage):
    """Court A as the demo has it, 90 days from Go-Live (the live server's clock is
    not frozen): named people with phones, owners on its open items, a scheduled
    go/no-go meeting and the Court Planning Guide."""
    court_lead.first_name, court_lead.last_name = "Alex", "Alvarez"
    court_lead.phone = "(510) 555-0142"
    court_lead.save()
    court_liaison.first_name, court_liaison.last_name = "Sam", "Santos"
    court_liaison.phone = "(510) 555-0177"
    court_liaison.save()
    staff_user.first_name, staff_user.last_name = "Casey", "Staff"
    staff_user.save()
    it_contact = MembershipFactory(
        court=court,
        role="it_contact",
        user__username="it-a",
        user__first_name="Pat",
        user__last_name="Lee",
    ).user
    today = today_in_california()
    onboarding = services.onboarding_start(
        court=court,
        go_live_date=today + datetime.timedelta(days=90),
        court_enters_carpos=True,
        so_participates=True,
        started_by=staff_user,
        today=today,
    )
    owners = {"court": [court_lead, it_contact], "so": [court_liaison]}
    for n, it in enumerate(onboarding.items.filter(actor__in=["court", "so"])):
        candidates = owners[it.actor]
        services.item_set_owner(
            item=it,
            owner=candidates[n % len(candidates)],
            by=staff_user,
            expected_version=it.version,
        )
    meeting = onboarding.items.get(order=31)
    starts = timezone.make_aware(
        datetime.datetime.combine(
            onboarding.go_live_date - datetime.timedelta(days=5), datetime.time(10)
        )
    )
    collaboration_services.item_set_meeting(
        item=meeting,
        by=staff_user,
        expected_version=meeting.version,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        location="https://meet.example.org/ccpor-go-no-go",
        attendees="Alex Alvarez, Sam Santos, Casey Staff",
    )
    guide = onboarding.items.get(order=5)
    collaboration_services.team_document_upload(
        template_item=guide.template_item,
        title="Court Planning Guide",
        version="1.1",
        document_date=today,
        file=SimpleUploadedFile("guide.pdf", evidence_bytes("pdf")),
        by=staff_user,
    )
    return onboarding


def test_the_court_page_shows_contacts_owners_and_my_items(
    page, live_server, sign_in, check_court_page, people, court_lead
):
    sign_in(page, court_lead)
    page.goto(live_server.url + reverse("portal:court", kwargs={"slug": "court-a"}))
    contacts = page.locator("#contacts")
    expect(contacts.get_by_role("heading", name="Contacts")).to_be_visible()
    alex = contacts.get_by_role("listitem").filter(has_text="Alex Alvarez")
    expect(alex).to_contain_text("(510) 555-0142")
    sam = contacts.get_by_role("listitem").filter(has_text="Sam Santos")
    expect(sam).to_contain_text("Sheriff's Office")
    expect(page.locator(".item-owner", has_text="Owner: Pat Lee").first).to_be_visible()
    expect(page.locator(".item-owner", has_text="Owner: you").first).to_be_visible()
    check_court_page(page)

    page.get_by_label("My items").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".item-owner", has_text="Owner: Pat Lee")).to_have_count(0)
    expect(page.locator(".item-owner", has_text="Owner: you").first).to_be_visible()
    check_court_page(page)
    # The README's picture: the court's own items with their owner, and its contacts.
    page.set_viewport_size({"width": 1280, "height": 800})
    save_screenshot(page, "court-contacts", full_page=True)


def test_staff_name_an_owner_schedule_a_meeting_and_attach_a_document(
    page, live_server, sign_in, check_page, people, staff_user, court_lead
):
    sign_in(page, staff_user)
    item = people.items.get(order=7)  # the scoping meeting, a CCPOR Team item
    page.goto(live_server.url + item.get_absolute_url())
    check_page(page)

    page.get_by_role("combobox", name="Owner").select_option(label="Casey Staff")
    page.get_by_role("button", name="Save the owner").click()
    expect(page.locator(".alert-success")).to_contain_text("Casey Staff now owns")

    page.get_by_text("Schedule it", exact=True).click()
    page.get_by_label("Date", exact=True).fill("2026-03-20")
    page.get_by_label("Starts").fill("10:00")
    page.get_by_label("Ends").fill("11:30")
    page.get_by_label("Place or link").fill("Room 4B, 1225 Fallon St, Oakland")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".alert-success")).to_have_text("Meeting details saved.")
    expect(page.locator("#meeting")).to_contain_text("Friday, March 20, 2026")
    check_page(page)

    guide = people.items.get(order=5)
    page.goto(live_server.url + guide.get_absolute_url())
    documents = page.locator("#team-documents")
    expect(documents).to_contain_text("Court Planning Guide, version 1.1")
    page.get_by_text("Attach a document or a new version").click()
    documents.get_by_label("Title").fill("Court Planning Guide")
    documents.get_by_label("Version").fill("1.2")
    documents.get_by_label("Date of the document").fill("2026-03-01")
    documents.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "guide-1.2.pdf",
                "mimeType": "application/pdf",
                "buffer": evidence_bytes("pdf"),
            }
        ]
    )
    page.get_by_role("button", name="Upload the team document").click()
    expect(documents).to_contain_text("Court Planning Guide, version 1.2")
    expect(documents).to_contain_text("Earlier versions (1)")
    check_page(page)
    assert TeamDocument.objects.count() == 2


def test_staff_invite_someone_who_accepts_and_lands_on_their_court(
    page,
    live_server,
    sign_in,
    sign_in_with_form,
    check_page,
    check_court_page,
    people,
    staff_user,
    mailoutbox,
    send_now,
):
    sign_in(page, staff_user)
    page.goto(live_server.url + reverse("portal:court", kwargs={"slug": "court-a"}))
    page.get_by_role("link", name="Invite someone").click()
    check_page(page)
    page.get_by_label("E-mail").fill("dana.diaz@example.org")
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Diaz")
    page.get_by_label("Role").select_option(label="Executive officer")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "e-mailed a link to set their password"
    )
    dana = page.locator("#contacts li").filter(has_text="Dana Diaz")
    expect(dana).to_contain_text("Executive officer")
    check_court_page(page)
    assert Membership.objects.get(user__email="dana.diaz@example.org").role == (
        "executive_officer"
    )

    # Dana follows the link in the invitation, sets a password and signs in.
    send_now()
    (invitation,) = [m for m in mailoutbox if m.to == ["dana.diaz@example.org"]]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", invitation.body)
    assert link, invitation.body
    page.context.clear_cookies()
    page.goto(live_server.url + link[1])
    # A page for someone new: their first password, and the names they sign in with.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Welcome to CCPOR Onboard"
    )
    expect(page.locator("main")).to_contain_text(
        "You sign in with your username, dana.diaz, or with your e-mail address"
    )
    check_page(page)
    page.get_by_role("textbox", name=re.compile(r"^Password\*?$")).fill(
        "dana's own long passphrase"
    )
    page.get_by_label("The same password again").fill("dana's own long passphrase")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password is set")
    expect(page.locator("main")).not_to_contain_text("token")
    check_page(page)
    sign_in_with_form(page, "dana.diaz@example.org", "dana's own long passphrase")
    expect(page).to_have_url(
        live_server.url + reverse("portal:court", kwargs={"slug": "court-a"})
    )
    expect(page.get_by_role("navigation", name="Main")).to_contain_text(
        "Signed in as dana.diaz"
    )
    check_court_page(page)
