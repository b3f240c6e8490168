"""Meetings and trainings: scheduling (service, page), the calendar feeds' timed
events, the timeline, the links to the public CCPOR information page."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from checklists.timeline import build_timeline
from collaboration import services as collaboration_services
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
SCOPING = 7  # "Scoping meeting with the SO" (meeting)
TRAINING = 29  # "End-user training by the court's SMEs" (a court activity, training)
LETTER = 3  # "Participation letter sent to the court" (document)
GO_NO_GO = 31


@pytest.fixture
def onboarding(start, court):
    return start(court)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LA)


def schedule(it, by, starts, ends, **kwargs):
    return collaboration_services.item_set_meeting(
        item=it,
        by=by,
        expected_version=it.version,
        starts_at=starts,
        ends_at=ends,
        **kwargs,
    )


def test_meetings_and_trainings_can_be_scheduled_other_items_not(
    onboarding, staff_user
):
    day = TODAY + datetime.timedelta(days=10)
    meeting = schedule(
        onboarding.items.get(order=SCOPING),
        staff_user,
        at(day, 10),
        at(day, 11, 30),
        location="https://meet.example.org/scoping",
        attendees="Court lead, SO liaison",
        minutes="Processing model: the SO scans.",
    )
    assert meeting.is_scheduled and meeting.meeting_location.startswith("https://")
    training = onboarding.items.get(order=TRAINING)
    assert training.is_training and training.kind == "activity"
    schedule(training, staff_user, at(day, 9), at(day, 12))
    with pytest.raises(ValidationError) as refused:
        schedule(
            onboarding.items.get(order=LETTER), staff_user, at(day, 9), at(day, 10)
        )
    assert "Only meetings and trainings" in refused.value.messages[0]


def test_a_meeting_ends_after_it_starts(onboarding, staff_user):
    it = onboarding.items.get(order=SCOPING)
    day = TODAY
    for starts, ends in ((at(day, 10), at(day, 10)), (at(day, 10), None)):
        with pytest.raises(ValidationError):
            schedule(it, staff_user, starts, ends)


def test_a_closed_or_cancelled_onboardings_meetings_cannot_change(
    onboarding, staff_user
):
    from golive.services import onboarding_cancel

    it = onboarding.items.get(order=SCOPING)
    onboarding_cancel(onboarding=onboarding, by=staff_user, reason="Withdrawn.")
    with pytest.raises(ValidationError) as refused:
        schedule(it, staff_user, at(TODAY, 9), at(TODAY, 10))
    assert "read-only" in refused.value.messages[0]


def test_unscheduling_keeps_the_minutes(onboarding, staff_user):
    it = schedule(
        onboarding.items.get(order=SCOPING),
        staff_user,
        at(TODAY, 10),
        at(TODAY, 11),
        minutes="Agreed: SO scans.",
    )
    it = schedule(it, staff_user, None, None, minutes=it.meeting_minutes)
    assert not it.is_scheduled and it.meeting_minutes == "Agreed: SO scans."


def test_the_training_flag_and_the_info_page_come_from_the_default_template(
    onboarding, settings
):
    assert set(
        onboarding.items.filter(is_training=True).values_list("order", flat=True)
    ) == {25, 29}
    info = onboarding.items.exclude(info_url="")
    assert [(i.order, i.info_url) for i in info] == [(2, settings.CCPOR_INFO_URL)]
    assert settings.CCPOR_INFO_URL.startswith("https://")


def test_the_item_page_links_the_information_page(
    client, onboarding, court_lead, settings, frozen_today
):
    it = onboarding.items.get(order=2)
    client.force_login(court_lead)
    html = client.get(
        reverse("checklists:item_detail", kwargs={"slug": "court-a", "pk": it.pk})
    ).content.decode()
    assert f'<a href="{settings.CCPOR_INFO_URL}" rel="noopener"' in html


# --- The item page ----------------------------------------------------------------


def test_staff_schedule_on_the_item_page_in_california_time(
    client, onboarding, staff_user, frozen_today
):
    it = onboarding.items.get(order=SCOPING)
    client.force_login(staff_user)
    url = reverse("checklists:item_meeting", kwargs={"slug": "court-a", "pk": it.pk})
    response = client.post(
        url,
        {
            "date": "2026-03-20",
            "starts": "10:00",
            "ends": "11:30",
            "location": "Room 4B, 1225 Fallon St, Oakland",
            "attendees": "Alex (court), Sam (SO)",
            "minutes": "",
            "expected_version": it.version,
        },
        follow=True,
    )
    assert "Meeting details saved." in response.content.decode()
    it.refresh_from_db()
    assert it.meeting_starts_at == at(datetime.date(2026, 3, 20), 10)
    # 10:00 in California is 17:00 UTC in March (daylight time).
    assert it.meeting_starts_at.astimezone(datetime.UTC).hour == 17
    assert (
        "Friday, March 20, 2026, 10:00 a.m. to 11:30 a.m." in response.content.decode()
    )


def test_a_half_filled_meeting_form_says_what_is_missing(
    client, onboarding, staff_user, frozen_today
):
    it = onboarding.items.get(order=SCOPING)
    client.force_login(staff_user)
    url = reverse("checklists:item_meeting", kwargs={"slug": "court-a", "pk": it.pk})
    response = client.post(
        url, {"date": "2026-03-20", "starts": "10:00", "expected_version": it.version}
    )
    assert response.status_code == 200
    assert "Give the time the meeting ends." in response.content.decode()
    response = client.post(
        url,
        {
            "date": "2026-03-20",
            "starts": "10:00",
            "ends": "09:00",
            "expected_version": it.version,
        },
    )
    assert "The meeting must end after it starts." in response.content.decode()
    it.refresh_from_db()
    assert not it.is_scheduled


def test_members_see_the_meeting_but_cannot_schedule_it(
    client, onboarding, staff_user, court_lead, frozen_today
):
    it = schedule(
        onboarding.items.get(order=SCOPING),
        staff_user,
        at(datetime.date(2026, 3, 20), 10),
        at(datetime.date(2026, 3, 20), 11),
        location="https://meet.example.org/x",
    )
    client.force_login(court_lead)
    html = client.get(
        reverse("checklists:item_detail", kwargs={"slug": "court-a", "pk": it.pk})
    ).content.decode()
    assert "Friday, March 20, 2026, 10:00 a.m." in html
    assert 'href="https://meet.example.org/x"' in html
    assert "Save the meeting" not in html
    url = reverse("checklists:item_meeting", kwargs={"slug": "court-a", "pk": it.pk})
    assert client.post(url, {"expected_version": it.version}).status_code == 403


# --- Calendar feeds and the timeline ------------------------------------------


def feed(client, user, court):
    url = reverse(
        "portal:feed_court", kwargs={"token": user.calendar_token, "slug": court.slug}
    )
    return Calendar.from_ical(client.get(url).content)


def test_a_scheduled_meeting_is_a_timed_event_in_california_time(
    client, onboarding, court, court_lead, staff_user
):
    day = datetime.date(2026, 3, 20)
    it = schedule(
        onboarding.items.get(order=SCOPING),
        staff_user,
        at(day, 10),
        at(day, 11, 30),
        location="Room 4B",
        attendees="Court lead, SO liaison",
    )

    cal = feed(client, court_lead, court)

    meetings = [
        e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("ccpor-meeting-")
    ]
    assert len(meetings) == 1
    event = meetings[0]
    assert str(event["UID"]) == f"ccpor-meeting-{it.pk}@ccpor-onboard.test"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == at(day, 10) and end == at(day, 11, 30)
    assert event["DTSTART"].params["TZID"] == "America/Los_Angeles"
    assert str(event["LOCATION"]) == "Room 4B"
    assert "Court lead, SO liaison" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == "https://ccpor-onboard.test" + it.get_absolute_url()
    assert int(event["SEQUENCE"]) == it.version
    # The time zone is described in the feed, as calendar programs need.
    zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
    assert zones == ["America/Los_Angeles"]
    # The marks stay all-day events.
    marks = [e for e in cal.walk("VEVENT") if "onboarding" in str(e["UID"])]
    assert all(isinstance(e.decoded("DTSTART"), datetime.date) for e in marks)
    assert len(marks) == 3


def test_members_feeds_leave_out_meetings_of_internal_items(
    client, onboarding, court, court_lead, staff_user
):
    internal = onboarding.items.get(order=23)
    internal.kind = "meeting"  # imagine an internal CCPOR Team meeting
    internal.save()
    schedule(internal, staff_user, at(TODAY, 9), at(TODAY, 10))
    members = feed(client, court_lead, court)
    staff = feed(client, staff_user, court)
    member_uids = {str(e["UID"]) for e in members.walk("VEVENT")}
    staff_uids = {str(e["UID"]) for e in staff.walk("VEVENT")}
    assert f"ccpor-meeting-{internal.pk}@ccpor-onboard.test" in staff_uids - member_uids


def test_a_meeting_of_a_cancelled_onboarding_is_left_out(
    client, onboarding, court, staff_user
):
    schedule(
        onboarding.items.get(order=SCOPING), staff_user, at(TODAY, 9), at(TODAY, 10)
    )
    from golive.services import onboarding_cancel

    onboarding_cancel(onboarding=onboarding, by=staff_user, reason="Withdrawn.")
    cal = feed(client, staff_user, court)
    assert not [e for e in cal.walk("VEVENT")]


def test_scheduled_meetings_are_on_the_timeline(onboarding, staff_user):
    day = TODAY + datetime.timedelta(days=20)
    schedule(onboarding.items.get(order=GO_NO_GO), staff_user, at(day, 14), at(day, 15))
    items = list(onboarding.items.select_related("phase"))
    timeline = build_timeline(onboarding=onboarding, items=items, today=TODAY)
    assert [(m.order, m.starts_at) for m in timeline.meetings] == [
        (GO_NO_GO, timezone.localtime(at(day, 14)))
    ]
    meeting = timeline.meetings[0]
    assert timeline.plot_left <= meeting.x <= timeline.plot_right
    assert "31. Go/no-go meeting" in timeline.summary
    assert "2:00 PM to 3:00 PM" in meeting.description


def test_the_court_page_draws_the_meeting(
    client, onboarding, staff_user, court_lead, frozen_today
):
    day = TODAY + datetime.timedelta(days=20)
    schedule(onboarding.items.get(order=GO_NO_GO), staff_user, at(day, 14), at(day, 15))
    client.force_login(court_lead)
    html = client.get(
        reverse("portal:court", kwargs={"slug": "court-a"})
    ).content.decode()
    assert 'class="timeline-meeting" data-item="31"' in html
    assert "Scheduled meetings and trainings:" in html
    assert "Meeting Mar 24, 2:00 p.m." in html  # in the item's row
