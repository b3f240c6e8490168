"""iCalendar feeds of Go-Live dates and the 60/30-day marks, at a per-user secret URL.

Calendar programs (Outlook, Google Calendar, Apple Calendar) poll a feed without a
session, so the URL carries the person's `calendar_token`: the token says who is asking,
and courts.access still decides what that person may see. An unknown token, a revoked
(reset) one or an inactive account answers 404, as does a court the person may not see.

Every mark is an all-day event whose UID depends only on the onboarding and the mark,
so when a Go-Live date moves, subscribed calendars move the event instead of adding one.
Cancelled onboardings are left out: their dates will not happen.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event

from accounts.services import user_reset_api_token, user_reset_calendar_token
from checklists.models import Onboarding
from checklists.selectors import MARKS, marks_for

from .access import court_for_user, courts_for_user, is_ccpor_staff
from .models import Court

PRODID = "-//Judicial Council of California//CCPOR Onboard//EN"
# How often calendar programs should fetch the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH = datetime.timedelta(hours=1)
MARK_DAYS = dict(MARKS)


# --- URLs -----------------------------------------------------------------------
def feed_url(user, court: Court | None = None) -> str:
    """The absolute secret URL of a user's feed: all their courts, or one court."""
    if court is None:
        path = reverse("feeds:all", kwargs={"token": user.calendar_token})
    else:
        path = reverse(
            "feeds:court", kwargs={"token": user.calendar_token, "slug": court.slug}
        )
    return settings.SITE_URL + path


def webcal_url(url: str) -> str:
    """The same URL with the webcal scheme, which opens a calendar program."""
    return "webcal://" + url.split("://", 1)[1]


# --- Reads ----------------------------------------------------------------------
def user_for_calendar_token(token: str):
    """The active user whose calendar secret this is; Http404 for any other token."""
    user = get_user_model().objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404("No such calendar.")
    return user


def calendar_onboardings(courts: QuerySet[Court]) -> QuerySet[Onboarding]:
    """Onboardings of these courts that belong in a calendar (all but cancelled),
    with their court and how many times Go-Live has moved (the events' SEQUENCE)."""
    return (
        Onboarding.objects.filter(court__in=courts)
        .exclude(status=Onboarding.Status.CANCELLED)
        .select_related("court")
        .annotate(reschedules=Count("go_live_changes"))
        .order_by("go_live_date", "court__name", "pk")
    )


# --- The calendar ---------------------------------------------------------------
def short_name(court: Court) -> str:
    if court.court_type == Court.CourtType.SUPERIOR and court.county:
        return f"{court.county} Superior Court"
    return court.name


def _uid(onboarding: Onboarding, mark: str) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "ccpor-onboard"
    return f"ccpor-onboarding-{onboarding.pk}-{mark.lower()}@{host}"


def _event(onboarding: Onboarding, mark: str, date: datetime.date) -> Event:
    court = onboarding.court
    name = short_name(court)
    go_live = f"{onboarding.go_live_date:%B} {onboarding.go_live_date.day}, "
    go_live += f"{onboarding.go_live_date:%Y}"
    court_url = settings.SITE_URL + court.get_absolute_url()
    if mark == "Go-Live":
        summary = f"{name}: CCPOR Go-Live"
        about = f"{court.name} goes live on CCPOR."
    else:
        summary = f"{name}: {mark} mark before CCPOR Go-Live"
        about = (
            f"{MARK_DAYS[mark]} days before {court.name}'s CCPOR Go-Live on {go_live}."
        )
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
    event.add("sequence", onboarding.reschedules)
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["CCPOR", mark])
    return event


def build_calendar(onboardings, *, name: str) -> Calendar:
    """A VCALENDAR of three all-day events (60-day, 30-day, Go-Live) per onboarding."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    cal.add("x-wr-caldesc", "CCPOR Go-Live dates and the 60- and 30-day marks.")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for onboarding in onboardings:
        for mark, date in marks_for(onboarding.go_live_date):
            cal.add_component(_event(onboarding, mark, date))
    return cal


def _ics_response(cal: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The URL is a secret: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Views ----------------------------------------------------------------------
@require_GET
def all_courts_feed(request, token: str):
    """Every court the token's owner may see: all courts for CCPOR staff."""
    user = user_for_calendar_token(token)
    name = "CCPOR Go-Live: all courts" if is_ccpor_staff(user) else "CCPOR Go-Live"
    cal = build_calendar(calendar_onboardings(courts_for_user(user)), name=name)
    return _ics_response(cal, "ccpor-go-live.ics")


@require_GET
def court_feed(request, token: str, slug: str):
    """One court, if the token's owner may see it; 404 otherwise."""
    user = user_for_calendar_token(token)
    court = court_for_user(user, slug)
    onboardings = calendar_onboardings(Court.objects.filter(pk=court.pk))
    cal = build_calendar(onboardings, name=f"CCPOR Go-Live: {short_name(court)}")
    return _ics_response(cal, f"ccpor-go-live-{court.slug}.ics")


@login_required
@require_GET
def subscriptions(request):
    """The signed-in user's feed URLs (and API token for CCPOR staff).

    `?court=<slug>` puts that court's feed first (the court page links here so).
    """
    user = request.user
    staff = is_ccpor_staff(user)
    chosen = None
    slug = request.GET.get("court")
    if slug:
        court = court_for_user(user, slug)
        chosen = {"court": court, "url": feed_url(user, court)}
    # CCPOR staff see every court: one URL per court would be thousands of lines, so
    # they get the all-courts feed and reach a court's feed from its court page.
    own_courts = [] if staff else list(courts_for_user(user).order_by("name"))
    all_url = feed_url(user)
    context = {
        "staff": staff,
        "chosen": chosen,
        "all_url": all_url,
        "all_webcal": webcal_url(all_url),
        "court_feeds": [
            {
                "court": c,
                "url": feed_url(user, c),
                "webcal": webcal_url(feed_url(user, c)),
            }
            for c in own_courts
        ],
        "api_list_url": settings.SITE_URL + reverse("api:onboarding_list"),
    }
    if chosen:
        chosen["webcal"] = webcal_url(chosen["url"])
    return render(request, "courts_feeds/subscriptions.html", context)


@login_required
@require_POST
def reset_calendar_token(request):
    user_reset_calendar_token(user=request.user)
    messages.success(
        request,
        "Your calendar address has been reset. The old address no longer works: "
        "subscribe again with the new one below.",
    )
    return redirect("feeds:index")


@login_required
@require_POST
def reset_api_token(request):
    if not is_ccpor_staff(request.user):
        raise Http404
    user_reset_api_token(user=request.user)
    messages.success(
        request,
        "Your API token has been reset. Programs using the old token are now refused.",
    )
    return redirect(reverse("feeds:index") + "#api")
