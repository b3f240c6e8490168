"""The roster's pages and JSON: who sees and changes what, the import's preview and
errors, the export, the audit packet."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roster.models import Deprovisioning, RosterPerson

pytestmark = pytest.mark.django_db

CSV = (
    "Name,E-mail,Organisation,CCPOR role,CLETS level,CLETS certified on\n"
    "Ann Lee,ann@example.org,Court,Query Only,Less Than Full Access,2026-01-05\n"
    "Bob Ray,bob@example.org,court,court,full,01/20/2026\n"
)


def _import(client, court, text, dry_run):
    data = {"file": SimpleUploadedFile("r.csv", text.encode(), "text/csv")}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("portal:roster_import", args=[court.slug]), data)


def test_a_lead_previews_then_imports_a_roster(client, court, court_lead):
    client.force_login(court_lead)
    preview = _import(client, court, CSV, dry_run=True)
    assert "2 rows would be imported (2 added, 0 updated)" in preview.text
    assert "No protective-order data" in preview.text
    assert not RosterPerson.objects.exists()
    saved = _import(client, court, CSV, dry_run=False)
    assert saved.status_code == 302
    bob = RosterPerson.objects.get(email="bob@example.org")
    assert bob.clets_level == "full"
    assert bob.clets_expires_on == datetime.date(2028, 1, 20)  # two years on


def test_each_bad_row_says_what_is_wrong_and_nothing_is_saved(
    client, court, court_lead
):
    client.force_login(court_lead)
    bad = (
        CSV + "Cy,not-an-address,Court,Query Only,,\n"
        "Di,di@example.org,Court,Emperor,,2026-02-30\n"
        "Ed,ed@example.org,Sheriff's Office,Court,,\n"
    )
    page = _import(client, court, bad, dry_run=False)
    assert "3 rows with errors: nothing was saved" in page.text
    assert "Enter a valid email address" in page.text
    assert "“Emperor” is not one of Query Only, Court, Supervisor, Administrator" in (
        page.text
    )
    assert "“2026-02-30” is not a date" in page.text
    assert "may not keep that organisation" in page.text  # the court lead, SO people
    assert not RosterPerson.objects.exists()


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"Who,What\nA,B\n", "missing: Name, E-mail, Organisation, CCPOR role"),
        (b"", "The submitted file is empty"),
        (b"Name,E-mail,Organisation,CCPOR role\n" + b"x" * 300_000, "at most 256 KB"),
    ],
)
def test_bad_uploads_are_refused_with_the_reason(
    client, court, court_lead, content, reason
):
    client.force_login(court_lead)
    data = {"file": SimpleUploadedFile("r.csv", content, "text/csv"), "dry_run": "on"}
    page = client.post(reverse("portal:roster_import", args=[court.slug]), data)
    assert page.status_code == 200
    assert reason in page.text


def test_a_viewer_sees_the_roster_but_may_not_change_it(
    client, court, person, court_lead
):
    from tests.factories import MembershipFactory

    viewer = MembershipFactory(court=court, role="viewer").user
    person(court, "Ann Lee")
    client.force_login(viewer)
    page = client.get(reverse("portal:roster", args=[court.slug]))
    assert "Ann Lee" in page.text and "0 of 1 person ready" in page.text
    assert "Add a person" not in page.text
    assert (
        client.get(reverse("portal:roster_add", args=[court.slug])).status_code == 403
    )


def test_the_liaison_keeps_only_the_sheriffs_people(
    client, court, person, court_liaison
):
    court_person = person(court, "Ann Lee")
    client.force_login(court_liaison)
    url = reverse("portal:roster_person", args=[court.slug, court_person.pk])
    assert client.get(url).status_code == 403
    added = client.post(
        reverse("portal:roster_add", args=[court.slug]),
        {
            "name": "Dep Uty",
            "email": "dep@example.org",
            "organisation": "so",
            "ccpor_role": "query",
            "clets_level": "none",
        },
    )
    assert added.status_code == 302
    assert RosterPerson.objects.get(email="dep@example.org").organisation == "so"


def test_the_api_shape_for_a_member_and_404_for_another_court(
    client, court, other_court, person, court_lead, other_lead, start
):
    start(court)
    person(court, "Ann Lee", cjis_expires_on=datetime.date(2027, 5, 1))
    url = reverse("api:roster", args=[court.slug])
    client.force_login(court_lead)
    body = client.get(url).json()
    assert body == {
        "people": [
            {
                "name": "Ann Lee",
                "organisation": "court",
                "ccpor_role": "query",
                "clets_level": "ltfa",
                "clets_expires": "2028-01-10",
                "cjis_expires": "2027-05-01",
                "trained": False,
                "ready": False,
            }
        ],
        "ready": 0,
        "total": 1,
    }
    client.force_login(other_lead)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 401


def test_a_leaver_is_deprovisioned_step_by_step_and_the_packet_shows_it(
    client, court, person, court_lead
):
    gone = person(court, "Ann Lee")
    client.force_login(court_lead)
    client.post(
        reverse("portal:roster_left", args=[court.slug, gone.pk]),
        {"left_on": "2026-03-01"},
    )
    d = Deprovisioning.objects.get(person=gone)
    for step in ("account", "clets"):
        client.post(
            reverse("portal:roster_deprovision", args=[court.slug, d.pk]),
            {"step": step},
        )
    d.refresh_from_db()
    assert d.is_done and d.account_disabled_by == court_lead
    packet = client.get(reverse("portal:audit_packet", args=[court.slug]))
    assert "Ann Lee left Mar 1, 2026" in packet.text
    csv = client.get(reverse("portal:audit_packet_csv", args=[court.slug]))
    assert "CLETS access removed" in csv.content.decode()


def test_the_review_records_who_confirmed_what(client, court, person, court_lead):
    keep, drop = person(court, "Ann Lee"), person(court, "Bob Ray")
    client.force_login(court_lead)
    url = reverse("portal:access_review", args=[court.slug])
    client.post(url, {"person": keep.pk, "still_needs_access": "yes"})
    client.post(url, {"person": drop.pk, "still_needs_access": "no", "note": "Moved"})
    review = court.access_reviews.get()
    assert review.completed_by == court_lead
    assert {
        (c.person.name, c.still_needs_access) for c in review.confirmations.all()
    } == {
        ("Ann Lee", True),
        ("Bob Ray", False),
    }
    drop.refresh_from_db()
    assert drop.left_on is not None and hasattr(drop, "deprovisioning")


def test_the_export_reads_back_in(client, court, person, court_lead):
    person(court, "=Ann Lee", email="ann@example.org")
    client.force_login(court_lead)
    text = client.get(reverse("portal:roster_export", args=[court.slug])).content
    assert text.decode("utf-8-sig").splitlines()[1].startswith("'=Ann Lee,ann")
    RosterPerson.objects.all().delete()
    _import(client, court, text.decode("utf-8-sig"), dry_run=False)
    assert RosterPerson.objects.get().name == "'=Ann Lee"


def test_an_expired_certification_shows_on_the_court_page(
    client, court, person, court_lead, start, frozen_today
):
    start(court)
    person(court, "Ann Lee", clets_expires_on=datetime.date(2026, 1, 31))
    client.force_login(court_lead)
    page = client.get(reverse("portal:court", args=[court.slug])).text
    assert "0 of 1 person ready" in page
    assert "1 expired certification" in page


def test_the_go_live_summary_and_gate_show_the_roster(
    client, court, person, trained, start, staff_user, frozen_today
):
    onboarding = start(court, go_live_in=20)
    trained(person(court, "Ann Lee"), onboarding)
    person(court, "Bob Ray")
    client.force_login(staff_user)
    gate = client.get(reverse("golive:readiness", args=[court.slug])).text
    assert "1 of 2 people ready" in gate
    court_page = client.get(reverse("portal:court", args=[court.slug])).text
    assert "<strong>Roster:</strong>" in court_page
    panel = client.get(reverse("dashboard:index")).text
    assert "1 of 2 people ready" in panel
