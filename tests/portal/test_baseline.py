"""A reschedule keeps the baseline: the Go-Live first planned and each move (date,
reason, who) stay visible with the slip in days on the court page, the dashboard
(a column, a filter and a sort), the CSV and the API; the activity feed shows one
line per reschedule, not one per item whose due date followed."""

import csv
import io

import pytest
from django.urls import reverse

from checklists.services import onboarding_reschedule
from tests.conftest import TODAY
from tests.factories import CourtFactory, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(frozen_today, start, court, staff_user):
    """Court A planned for TODAY+60, moved to +90 ("DOJ approval late") and then
    to +87 ("Trainer available earlier"): 27 days later than first planned."""
    onboarding = start(court, go_live_in=60)
    for target, reason in (
        (90, "DOJ approval late"),
        (87, "Trainer available earlier"),
    ):
        onboarding_reschedule(
            onboarding=onboarding,
            go_live_date=TODAY + days(target),
            reason=reason,
            by=staff_user,
            today=TODAY,
        )
        onboarding.refresh_from_db()
    return onboarding


def test_the_court_page_keeps_the_baseline_and_every_move(
    client, moved, court, court_lead
):
    client.force_login(court_lead)
    response = client.get(reverse("portal:court", args=[court.slug]))
    page = response.content.decode()
    block = page[page.index('id="go-live-baseline"') :]
    first = TODAY + days(60)
    assert f"Baseline Go-Live {first:%b} {first.day}, {first:%Y}" in block
    assert "moved 2 times, now 27 days later" in block
    assert "Reason: DOJ approval late" in block and "(30 days later)" in block
    assert "Reason: Trainer available earlier" in block and "(3 days earlier)" in block
    # The activity feed: the two moves, one line each, no line for an item whose
    # due date followed.
    feed = response.context["feed"]
    assert [a.go_live_change.reason for a in feed if a.go_live_change] == [
        "Trainer available earlier",
        "DOJ approval late",
    ]
    assert not [a for a in feed if a.change and "due_date" in a.change.fields]


def test_the_dashboard_shows_filters_and_sorts_by_the_slip(
    client, moved, staff_user, start
):
    steady = start(CourtFactory(name="Steady", slug="steady"), go_live_in=70)
    client.force_login(staff_user)
    index = reverse("dashboard:index")
    rows = {r.court.slug: r for r in client.get(index).context["rows"]}
    assert (rows["court-a"].slip_days, rows["steady"].slip_days) == (27, 0)
    later = client.get(index + "?slip=later").context["rows"]
    assert [r.court.slug for r in later] == ["court-a"]
    assert [r.court.slug for r in client.get(index + "?slip=30").context["rows"]] == []
    by_slip = client.get(index + "?sort=-slip").context["rows"]
    assert [r.court.slug for r in by_slip][:2] == ["court-a", "steady"]
    assert steady.pk
    exported = client.get(reverse("dashboard:export_portfolio") + "?slip=later")
    text = b"".join(exported.streaming_content).decode("utf-8")[1:]
    [line] = list(csv.DictReader(io.StringIO(text)))
    assert (line["Slug"], line["Slip (days)"]) == ("court-a", "27")


def test_the_api_carries_the_baseline_and_the_moves(client, moved, court, staff_user):
    client.force_login(staff_user)
    [row] = client.get(reverse("api:onboarding_list")).json()["results"]
    assert row["baseline_go_live"] == (TODAY + days(60)).isoformat()
    assert (row["slip_days"], row["go_live_move_count"]) == (27, 2)
    detail = client.get(reverse("api:onboarding_detail", args=[court.slug])).json()
    assert [(m["days"], m["reason"]) for m in detail["go_live_moves"]] == [
        (30, "DOJ approval late"),
        (-3, "Trainer available earlier"),
    ]
    assert detail["go_live_moves"][0]["by"] == str(staff_user)
