"""iCalendar feeds of Go-Live dates and the 60/30-day marks, at a per-user secret URL.

Calendar programs (Outlook, Google Calendar, Apple Calendar) poll a feed without a
session, so the URL carries the person's `calendar_token`: the token says who is asking,
and courts.access still decides what that person may see. An unknown token, a revoked
(reset) one or an inactive account answers 404, as does a court the person may not see.

Every mark is an all-day event whose UID depends only on the onboarding and the mark,
so when a Go-Live date moves, subscribed calendars move the event instead of adding one.
Scheduled meetings and trainings are timed events in America/Los_Angeles (with its
VTIMEZONE), their UID depending only on the item. Cancelled onboardings are left out:
their dates will not happen.

Once a court has gone live its Go-Live event stands on the actual day
(`Onboarding.went_live_on`), the marks still to come of the planned date are dropped,
and the meetings that no longer apply are sent as cancelled (`meeting_applies`).
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from checklists.marks import marks_for
from checklists.models import ChecklistItem, Onboarding
from courts.models import Court

PRODID = "-//Judicial Council of California//CCPOR Onboard//EN"
# How often calendar programs should fetch the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = datetime.timedelta(hours=1)


# --- URLs -----------------------------------------------------------------------
def feed_url(user, court: Court | None = None) -> str:
    """The absolute secret URL of a user's feed: all their courts, or one court."""
    if court is None:
        path = reverse("portal:feed_all", kwargs={"token": user.calendar_token})
    else:
        path = reverse(
            "portal:feed_court",
            kwargs={"token": user.calendar_token, "slug": court.slug},
        )
    return settings.SITE_URL + path


def webcal_url(url: str) -> str:
    """The same URL with the webcal scheme, which opens a calendar program."""
    return "webcal://" + url.split("://", 1)[1]


# --- The calendar ---------------------------------------------------------------
def _uid(onboarding: Onboarding, mark: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "ccpor-onboard"
    return f"ccpor-onboarding-{onboarding.pk}-{mark.lower()}@{host}"


def _event(
    onboarding: Onboarding, mark: str, date: datetime.date, days_before: int
) -> Event:
    court = onboarding.court
    name = court.everyday_name
    go_live = f"{onboarding.go_live_date:%B} {onboarding.go_live_date.day}, "
    go_live += f"{onboarding.go_live_date:%Y}"
    court_url = settings.SITE_URL + court.get_absolute_url()
    if mark == "Go-Live" and onboarding.went_live_on:
        summary = f"{name}: CCPOR Go-Live (went live)"
        about = f"{court.name} went live on CCPOR"
        if onboarding.went_live_on != onboarding.go_live_date:
            about += f" (planned for {go_live.rstrip(', ')})"
        about += "."
    elif mark == "Go-Live":
        summary = f"{name}: CCPOR Go-Live"
        about = f"{court.name} goes live on CCPOR."
    else:
        summary = f"{name}: {mark} mark before CCPOR Go-Live"
        about = f"{days_before} days before {court.name}'s CCPOR Go-Live on {go_live}."
    if onboarding.status != Onboarding.Status.ACTIVE:
        about += f" The onboarding is {onboarding.get_status_display().lower()}."
    event = Event()
    event.add("uid", _uid(onboarding, mark))
    event.add("summary", summary)
    event.add("description", f"{about}\n{court_url}")
    event.add("url", court_url)
    event.add("dtstart", date)
    event.add("dtend", date + datetime.timedelta(days=1))
    # The time the event's data last changed, so the output is the same on every
    # fetch until something changes (calendar programs compare it).
    event.add("dtstamp", onboarding.updated_at)
    event.add("last-modified", onboarding.updated_at)
    # Going live moves the Go-Live event once more.
    event.add(
        "sequence", onboarding.reschedules + (1 if onboarding.went_live_on else 0)
    )
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["CCPOR", mark])
    return event


def meeting_applies(item: ChecklistItem) -> bool:
    """Whether a scheduled meeting or training still stands: not on an item marked
    not applicable, not once the onboarding is closed, and, once the court is live,
    only if it belongs to the time after Go-Live (its item is due after the planned
    date, as the close-out is); a go/no-go meeting of a live court no longer applies."""
    onboarding = item.onboarding
    if item.status == ChecklistItem.Status.NOT_APPLICABLE:
        return False
    if onboarding.status == Onboarding.Status.CLOSED:
        # What was held before the close-out is history; nothing after it happens.
        closed_at = onboarding.status_changed_at
        return closed_at is not None and item.meeting_starts_at <= closed_at
    if onboarding.went_live_on:
        return item.due_date > onboarding.go_live_date
    return True


def _meeting_event(item: ChecklistItem) -> Event:
    """A scheduled meeting or training as a timed event, in California time; one that
    no longer applies (`meeting_applies`) is sent as cancelled, so that subscribed
    calendars strike it rather than keep it."""
    court = item.onboarding.court
    url = settings.SITE_URL + item.get_absolute_url()
    host = urlsplit(settings.SITE_URL).hostname or "ccpor-onboard"
    what = "Training" if item.is_training else "Meeting"
    about = [f"{what} of {court.name}'s CCPOR onboarding: {item.order}. {item.title}"]
    if item.meeting_attendees:
        about.append(f"Attendees: {item.meeting_attendees}")
    about.append(url)
    applies = meeting_applies(item)
    if not applies:
        about.insert(1, "Cancelled: it no longer applies to this onboarding.")
    event = Event()
    event.add("uid", f"ccpor-meeting-{item.pk}@{host}")
    event.add(
        "summary",
        f"{'Cancelled: ' if not applies else ''}{court.everyday_name}: {item.title}",
    )
    if not applies:
        event.add("status", "CANCELLED")
    event.add("description", "\n".join(about))
    event.add("url", url)
    event.add("dtstart", timezone.localtime(item.meeting_starts_at))
    if item.meeting_ends_at:
        event.add("dtend", timezone.localtime(item.meeting_ends_at))
    if item.meeting_location:
        event.add("location", item.meeting_location)
    changed = (
        item.updated_at if applies else max(item.updated_at, item.onboarding.updated_at)
    )
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    # Every edit of the item bumps its version, and a cancellation one more:
    # calendars take the newest.
    event.add("sequence", item.version + (0 if applies else 1))
    event.add("categories", ["CCPOR", what])
    return event


def build_calendar(onboardings, *, name: str, meetings=()) -> Calendar:
    """A VCALENDAR of three all-day events (60-day, 30-day, Go-Live) per onboarding,
    and a timed event per scheduled meeting or training in `meetings` (checklist
    items with `onboarding.court` loaded)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add(
        "x-wr-caldesc",
        "CCPOR Go-Live dates, the 60- and 30-day marks, and scheduled meetings "
        "and trainings.",
    )
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for onboarding in onboardings:
        went_live = onboarding.went_live_on
        for mark in marks_for(onboarding.go_live_date):
            if mark.name == "Go-Live" and went_live:
                cal.add_component(_event(onboarding, mark.name, went_live, 0))
            elif went_live is None or mark.date <= went_live:
                cal.add_component(
                    _event(onboarding, mark.name, mark.date, mark.days_before)
                )
    for item in meetings:
        cal.add_component(_meeting_event(item))
    # A VTIMEZONE for each time zone the timed events use (America/Los_Angeles).
    cal.add_missing_timezones()
    return cal
