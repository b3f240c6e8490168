"""The actual Go-Live date: marking a court live records the day; the court page,
the report, the dashboard row, the API, the portfolio CSV and the calendar feeds
show it and stop counting down; the feed drops the marks still to come and sends
the meetings that no longer apply as cancelled. Undoing "live" clears it; courts
that went live before the date was kept get it from their transitions."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from ccpor_onboard.lib.dates import today_in_california
from collaboration.services import item_set_meeting
from golive import services

pytestmark = pytest.mark.django_db


def test_marking_live_early_records_the_day_and_every_page_shows_it(
    frozen_today, client, live, court, court_lead, staff_user
):
    """`live` went live today, 20 days before its planned Go-Live."""
    today = today_in_california()
    assert live.went_live_on == today
    assert live.go_live_date == today + datetime.timedelta(days=20)
    client.force_login(court_lead)
    page = client.get(reverse("portal:court", args=[court.slug])).content.decode()
    header = page[page.index('id="court-summary"') :][:4000]
    assert "Went live" in header
    assert "20 days before the planned" in header
    assert "Days to Go-Live" not in header and "None: the court is live" in header
    report = client.get(reverse("portal:report", args=[court.slug])).content.decode()
    assert "20 days before the planned" in report
    client.force_login(staff_user)
    api = client.get(reverse("api:onboarding_detail", args=[court.slug]))
    data = api.json()
    assert data["went_live_on"] == today.isoformat()
    assert data["days_to_go_live"] is None
    exported = client.get(reverse("dashboard:export_portfolio"))
    text = b"".join(exported.streaming_content).decode("utf-8")[1:]
    [row] = [r for r in csv.DictReader(io.StringIO(text)) if r["Slug"] == court.slug]
    assert (row["Went live"], row["Days to go"]) == (today.isoformat(), "")
    dashboard = client.get(reverse("dashboard:index") + "?status=live")
    assert f"Went live {today:%b} {today.day}, {today:%Y}" in dashboard.content.decode()
    # Undone (a mistake): the day is cleared and the countdown is back.
    services.onboarding_undo_live(onboarding=live, by=staff_user, reason="Too soon")
    live.refresh_from_db()
    assert live.went_live_on is None
    assert client.get(api.request["PATH_INFO"]).json()["days_to_go_live"] == 20


def feed(client, user, court) -> dict:
    url = reverse(
        "portal:feed_court", kwargs={"token": user.calendar_token, "slug": court.slug}
    )
    cal = Calendar.from_ical(client.get(url).content)
    return {
        str(e["SUMMARY"]): {
            "start": e.decoded("DTSTART"),
            "status": str(e.get("STATUS", "")),
        }
        for e in cal.walk("VEVENT")
    }


def test_the_feed_shows_the_day_it_went_live_and_strikes_what_no_longer_applies(
    frozen_today, client, start, court, court_lead, staff_user, make_ready
):
    onboarding = start(court, go_live_in=40)
    go_no_go = onboarding.items.get(title__startswith="Go/no-go meeting")
    close_out = onboarding.items.get(title__startswith="Post Go-Live check-ins")
    soon = timezone.now() + datetime.timedelta(days=10)
    for item in (go_no_go, close_out):
        item_set_meeting(
            item=item,
            by=staff_user,
            expected_version=item.version,
            starts_at=soon,
            ends_at=soon + datetime.timedelta(hours=1),
        )
    before = feed(client, court_lead, court)
    planned = [e for s, e in before.items() if s.endswith(": CCPOR Go-Live")]
    assert planned[0]["start"] == onboarding.go_live_date
    assert not any(e["status"] == "CANCELLED" for e in before.values())
    make_ready(onboarding)
    services.onboarding_mark_live(onboarding=onboarding, by=staff_user)
    after = feed(client, court_lead, court)
    today = today_in_california()
    [went] = [e for s, e in after.items() if s.endswith("(went live)")]
    assert went["start"] == today
    # The 30-day mark of the planned date (10 days from now) will not happen.
    assert not [s for s in after if "30-day mark" in s]
    cancelled = {s for s, e in after.items() if e["status"] == "CANCELLED"}
    assert any(go_no_go.title in s and s.startswith("Cancelled: ") for s in cancelled)
    assert not any(close_out.title in s for s in cancelled)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_courts_live_before_the_date_was_kept_get_it_from_their_transitions():
    executor = MigrationExecutor(connection)
    executor.migrate([("golive", "0006_remove_incident_notified_at")])
    executor.loader.build_graph()
    old = executor.loader.project_state(
        [("golive", "0006_remove_incident_notified_at")]
    ).apps
    try:
        Court = old.get_model("courts", "Court")
        Template = old.get_model("checklists", "ChecklistTemplate")
        Onboarding = old.get_model("checklists", "Onboarding")
        Transition = old.get_model("golive", "Transition")
        template = Template.objects.get(name="CCPOR court onboarding", version=1)
        made = {}
        for n, status in enumerate(["active", "live", "closed"]):
            made[status] = Onboarding.objects.create(
                court=Court.objects.create(
                    name=f"Old Court {n}", slug=f"old-court-{n}", district=1
                ),
                template=template,
                go_live_date=datetime.date(2026, 1, 15),
                court_enters_carpos=True,
                so_participates=True,
                status=status,
            )
        # Marked live at 11 pm Pacific on Jan 9 (Jan 10 in UTC); the closed one
        # went live on Jan 5 and was closed later.
        Transition.objects.create(
            onboarding=made["live"],
            kind="mark_live",
            from_status="active",
            to_status="live",
            at=datetime.datetime(2026, 1, 10, 7, 0, tzinfo=datetime.UTC),
        )
        Transition.objects.create(
            onboarding=made["closed"],
            kind="mark_live",
            from_status="active",
            to_status="live",
            at=datetime.datetime(2026, 1, 5, 18, 0, tzinfo=datetime.UTC),
        )
        Transition.objects.create(
            onboarding=made["closed"],
            kind="close",
            from_status="live",
            to_status="closed",
            at=datetime.datetime(2026, 2, 5, 18, 0, tzinfo=datetime.UTC),
        )
    finally:
        executor = MigrationExecutor(connection)
        leaves = executor.loader.graph.leaf_nodes()
        executor.migrate(leaves)
        executor.loader.build_graph()
        new = executor.loader.project_state(leaves).apps
    Onboarding = new.get_model("checklists", "Onboarding")
    went = dict(Onboarding.objects.values_list("pk", "went_live_on"))
    assert went[made["active"].pk] is None
    assert went[made["live"].pk] == datetime.date(2026, 1, 9)
    assert went[made["closed"].pk] == datetime.date(2026, 1, 5)
