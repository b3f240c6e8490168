"""The calendar feeds' views: the .ics files at secret URLs, the page that lists a
person's feed URLs and API token, and the resets."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar

from accounts.models import ApiScope
from accounts.selectors import user_for_calendar_token
from accounts.services import (
    user_reset_api_token,
    user_reset_calendar_token,
    user_revoke_api_token,
)
from checklists.selectors import calendar_meetings, calendar_onboardings
from courts.access import court_for_user, courts_for_user, is_ccpor_staff
from courts.models import Court

from ..calendar import build_calendar, feed_url, webcal_url


def _ics_response(cal: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The URL is a secret: keep it out of shared caches and search engines.
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def all_courts_feed(request, token: str):
    """Every court the token's owner may see: all courts for CCPOR staff."""
    user = user_for_calendar_token(token)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    name = "CCPOR Go-Live: all courts" if is_ccpor_staff(user) else "CCPOR Go-Live"
    courts = courts_for_user(user)
    cal = build_calendar(
        calendar_onboardings(courts),
        name=name,
        meetings=calendar_meetings(user, courts),
    )
    return _ics_response(cal, "ccpor-go-live.ics")


def court_feed(request, token: str, slug: str):
    """One court, if the token's owner may see it; 404 otherwise (before the method
    is checked, so that nothing is learnt of a court one may not see)."""
    user = user_for_calendar_token(token)
    court = court_for_user(user, slug)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    courts = Court.objects.filter(pk=court.pk)
    cal = build_calendar(
        calendar_onboardings(courts),
        name=f"CCPOR Go-Live: {court.everyday_name}",
        meetings=calendar_meetings(user, courts),
    )
    return _ics_response(cal, f"ccpor-go-live-{court.slug}.ics")


@login_required
@require_GET
def subscriptions(request):
    """The signed-in user's feed URLs (and API token for CCPOR staff).

    `?court=<slug>` puts that court's feed first (the court page links here so).
    """
    return _subscriptions_page(request)


def _subscriptions_page(request, *, new_api_token: str = "", status: int = 200):
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
        "api_schema_url": settings.SITE_URL + reverse("api:schema"),
        "has_api_token": bool(user.api_token_digest),
        "api_token_scope": user.get_api_token_scope_display(),
        "api_scopes": ApiScope.choices,
        "new_api_token": new_api_token,
    }
    if chosen:
        chosen["webcal"] = webcal_url(chosen["url"])
    return render(request, "portal/feeds/subscriptions.html", context, status=status)


@login_required
@require_POST
def reset_calendar_token(request):
    user_reset_calendar_token(user=request.user)
    messages.success(
        request,
        "Your calendar address has been reset. The old address no longer works: "
        "subscribe again with the new one below.",
    )
    return redirect("portal:feeds")


@login_required
@require_POST
def reset_api_token(request):
    """A new token (with the scope asked: read unless `scope=write`); everyone
    signed in may have one, and the API answers only what they may see or do."""
    scope = request.POST.get("scope") or ApiScope.READ
    if scope not in ApiScope.values:
        scope = ApiScope.READ
    token = user_reset_api_token(user=request.user, scope=scope)
    # Shown in this response only (never in a redirect's message, which would keep
    # it in the session or a cookie): only its digest is stored.
    messages.success(
        request,
        "Your new API token is below. Copy it now: it is not shown again. Programs "
        "using an earlier token are refused from now on.",
    )
    return _subscriptions_page(request, new_api_token=token)


@login_required
@require_POST
def revoke_api_token(request):
    user_revoke_api_token(
        user=request.user, by=request.user, reason="revoked by its owner"
    )
    messages.success(
        request, "Your API token is revoked: programs using it are refused from now."
    )
    return redirect(reverse("portal:feeds") + "#api")
