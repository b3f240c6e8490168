"""The dashboard and the exports say whom to chase: owners on the overdue page, in
the CSV and the API; courts with no one to remind are flagged."""

import csv
import io
import re

import pytest
from django.urls import reverse

from checklists import services
from checklists.models import Onboarding
from tests.factories import CourtFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(start, court, court_lead, staff_user):
    """Court A 40 days from Go-Live (items due 45+ days before are overdue), item 11
    owned by its lead and blocked."""
    onboarding = start(court, go_live_in=40)
    it = onboarding.items.get(order=11)
    it = services.item_set_owner(
        item=it, owner=court_lead, by=staff_user, expected_version=it.version
    )
    services.item_set_status(
        item=it,
        status="blocked",
        by=staff_user,
        expected_version=it.version,
        reason="Waiting on the county firewall.",
    )
    return onboarding


def test_the_overdue_page_says_whom_to_chase(
    client, late, staff_user, court_lead, frozen_today
):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:overdue"), {"group": "court"})
    html = response.content.decode()
    it = late.items.get(order=11)
    row = html[html.index(f'href="{it.get_absolute_url()}"') :]
    row = row[: row.index("</tr>")]
    assert "11. CCTC connectivity requested (circuits" in row
    assert "lead-a" in row and 'href="mailto:lead-a@example.org"' in row
    assert "Blocked" in row and "Waiting on the county firewall." in row
    # Days overdue: due 90 days before Go-Live, 40 to go.
    assert 'data-label="Days overdue">50</td>' in row
    # An item nobody owns says so.
    assert "Nobody" in html


def test_the_items_csv_has_the_owner_and_a_link_where_the_app_runs(
    client, late, staff_user, settings, frozen_today
):
    settings.SITE_URL = "http://127.0.0.1:8100"
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:export_items"))
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    row = next(r for r in rows if r["#"] == "11")
    assert (row["Owner"], row["Owner e-mail"]) == ("lead-a", "lead-a@example.org")
    assert (
        row["Item page"]
        == "http://127.0.0.1:8100" + late.items.get(order=11).get_absolute_url()
    )
    assert next(r for r in rows if r["#"] == "12")["Owner"] == ""


def test_the_portfolio_csv_links_courts_where_the_app_runs(
    client, late, staff_user, settings, frozen_today
):
    settings.SITE_URL = "http://127.0.0.1:8100"
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:export_portfolio"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "http://127.0.0.1:8100/courts/court-a/" in text


def test_the_api_gives_each_open_items_owner(client, late, staff_user, frozen_today):
    client.force_login(staff_user)
    body = client.get(
        reverse("api:onboarding_detail", kwargs={"slug": "court-a"})
    ).json()
    by_order = {i["order"]: i for i in body["open_items"]}
    assert by_order[11]["owner"] == {"name": "lead-a", "email": "lead-a@example.org"}
    assert by_order[12]["owner"] is None


# --- Courts with no one to remind --------------------------------------------------


def test_courts_with_no_one_to_remind_are_flagged(
    client, start, court, court_lead, staff_user, frozen_today
):
    start(court)  # has its project lead
    lonely = CourtFactory(name="Lonely", slug="lonely", county="Lonely")
    start(lonely)
    MembershipFactory(court=lonely, role="viewer")  # viewers get no reminders
    MembershipFactory(court=lonely, user__email="")  # nor people without an address
    CourtFactory(name="Not started", slug="not-started")  # nothing to remind of yet
    # Live with no one either: its reminders are over, so it is not flagged.
    gone_live = start(CourtFactory(name="Gone live", slug="gone-live"))
    Onboarding.objects.filter(pk=gone_live.pk).update(status=Onboarding.Status.LIVE)

    client.force_login(staff_user)
    html = client.get(reverse("dashboard:index")).content.decode()

    assert "gone-live" in html
    assert "1 onboarding court with no one to remind" in html
    assert html.count(">No one to remind</a>") == 1
    flagged = re.findall(
        r'<th scope="row"><a href="/courts/([\w-]+)/"[^<]*</a><br><a class="badge',
        html,
    )
    assert flagged == ["lonely"]

    filtered = client.get(reverse("dashboard:index"), {"reach": "none"})
    shown = re.findall(
        r'<th scope="row"><a href="/courts/([\w-]+)/"', filtered.content.decode()
    )
    assert shown == ["lonely"]


def test_adding_someone_to_remind_clears_the_flag_at_once(
    client, start, staff_user, frozen_today
):
    from django.test import TestCase

    from courts.services import membership_add
    from tests.factories import UserFactory

    lonely = CourtFactory(name="Lonely", slug="lonely")
    start(lonely)
    existing = UserFactory(username="existing")  # saved before the page is cached
    client.force_login(staff_user)
    assert "no one to remind" in client.get(reverse("dashboard:index")).content.decode()

    # Only a membership changes: the cached page is invalidated all the same.
    with TestCase.captureOnCommitCallbacks(execute=True):
        membership_add(
            court=lonely, user=existing, organisation="court", role="project_lead"
        )
    assert (
        "no one to remind"
        not in client.get(reverse("dashboard:index")).content.decode()
    )
