"""CACHE_URL takes any django-environ cache URL; with no cache, every page renders."""

import runpy

import environ
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, resolve

from checklists import services
from collaboration import services as collaboration_services
from golive import services as golive_services
from roster.models import RosterPerson
from roster.services import person_mark_left
from tests.factories import MembershipFactory, evidence_bytes, force_status

BASE_SETTINGS = settings.BASE_DIR / "ccpor_onboard" / "settings" / "base.py"


def caches_for(monkeypatch, url: str | None) -> dict:
    """The CACHES that settings/base.py builds from this CACHE_URL (None: unset)."""
    if url is None:
        monkeypatch.delenv("CACHE_URL", raising=False)
    else:
        monkeypatch.setenv("CACHE_URL", url)
    return runpy.run_path(str(BASE_SETTINGS))["CACHES"]


def test_the_default_stays_django_s_redis_backend_with_the_ccpor_prefix(monkeypatch):
    assert caches_for(monkeypatch, None) == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
            "KEY_PREFIX": "ccpor",
            # A cache that hangs costs a request at most half a second.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        (
            "redis://cache.internal:6380/4",
            "django.core.cache.backends.redis.RedisCache",
            "redis://cache.internal:6380/4",
        ),
        (
            "rediss://cache.internal:6380/4",
            "django.core.cache.backends.redis.RedisCache",
            "rediss://cache.internal:6380/4",
        ),
        ("locmemcache://", "django.core.cache.backends.locmem.LocMemCache", ""),
        ("dummycache://", "django.core.cache.backends.dummy.DummyCache", ""),
    ],
)
def test_any_django_environ_cache_url(monkeypatch, url, backend, location):
    config = caches_for(monkeypatch, url)["default"]
    assert (config["BACKEND"], config["LOCATION"]) == (backend, location)
    assert config["KEY_PREFIX"] == "ccpor"


def test_options_in_the_url_reach_django_s_redis_backend(monkeypatch):
    config = caches_for(
        monkeypatch, "redis://127.0.0.1:6379/3?key_prefix=blue&timeout=60"
    )
    assert config["default"]["KEY_PREFIX"] == "blue"
    assert config["default"]["TIMEOUT"] == 60


# --- With dummycache:// every page renders --------------------------------------

# Every route of the product (the admin apart, see below) with what a GET answers.
# POST-only routes answer 405; a route added without a row here fails the
# completeness test below.
PAGES = {
    "/": 200,
    "/healthz": None,  # 200 or 503 as the broker answers: not a cache matter
    "/dashboard/": 200,
    "/dashboard/?phase=implement&health=at_risk&sort=-overdue": 200,
    "/dashboard/?status=onboarding&window=next_90&sort=health&page=1": 200,
    "/dashboard/statewide/": 200,
    "/dashboard/capacity/": 200,
    "/dashboard/capacity/?weeks=20": 200,
    "/dashboard/capacity/absences/": 405,
    "/dashboard/capacity/people/{item}/hours/": 405,
    "/dashboard/lead-times/": 200,
    "/dashboard/overdue/": 200,
    "/dashboard/overdue/?group=court": 200,
    "/dashboard/export/portfolio.csv": 200,
    "/dashboard/export/items.csv": 200,
    "/dashboard/incidents/": 200,
    "/dashboard/incidents/?status=all&severity=P1&past_target=on": 200,
    "/dashboard/export/incidents.csv": 200,
    "/accounts/profile/": 200,
    "/accounts/two-factor/": 200,
    "/accounts/two-factor/verify/": 302,  # no device to verify: on to the site
    "/accounts/login/": 200,
    "/accounts/logout/": 405,
    "/accounts/password_change/": 200,
    "/accounts/password_change/done/": 200,
    "/accounts/password_reset/": 200,
    "/accounts/password_reset/done/": 200,
    "/accounts/reset/MQ/set-password/": 200,
    "/accounts/reset/done/": 200,
    # Single sign-on is not configured here.
    "/accounts/sso/start/": 404,
    "/accounts/sso/callback/": 404,
    # Not a link the site sent: on to sign in.
    "/answer/{token}/": 302,
    "/calendar/": 200,
    "/calendar/?court=court-a": 200,
    "/calendar/reset/": 405,
    "/calendar/reset-api-token/": 405,
    "/calendar/revoke-api-token/": 405,
    "/calendar/{token}/all.ics": 200,
    "/calendar/{token}/courts/court-a.ics": 200,
    "/api/onboardings/": 200,
    "/api/forecast/": 200,
    "/api/schema/": 200,
    "/api/courts/court-a/items/{item}/": 200,
    "/api/courts/court-a/items/{item}/status/": 405,
    "/api/courts/court-a/items/{item}/comments/": 405,
    "/api/courts/court-a/incidents/": 405,
    "/api/courts/court-a/incidents/{incident}/updates/": 405,
    "/api/courts/court-a/incidents/{incident}/follow-ups/": 405,
    "/dashboard/webhooks/": 200,
    # POST only; the pk is not looked up before the method is checked.
    "/dashboard/webhooks/{item}/": 405,
    "/api/capacity/": 200,
    "/api/capacity/?weeks=4": 200,
    "/notifications/": 200,
    "/notifications/read/": 405,
    "/notifications/{item}/open/": 405,
    "/api/onboardings/court-a/": 200,
    "/courts/court-a/report/": 200,
    "/courts/": 302,
    "/courts/court-a/": 200,
    "/courts/court-a/reschedule/": 200,
    "/courts/court-a/processing-model/": 200,
    "/courts/court-a/replan/": 200,
    "/courts/court-a/start/": 200,
    "/courts/court-a/invite/": 200,
    "/courts/court-a/go-live/": 200,
    "/courts/court-a/go-live/mark-live/": 405,
    "/courts/court-a/go-live/undo-live/": 405,
    "/courts/court-a/go-live/close/": 405,
    "/courts/court-a/go-live/cancel/": 405,
    "/courts/court-a/go-live/reopen/": 405,
    "/courts/court-a/go-live/decision/": 200,
    "/courts/court-a/go-live/sign-offs/": 200,
    "/courts/court-a/go-live/sign-offs/sign/": 405,
    "/courts/court-a/go-live/sign-offs/ask/": 405,
    "/courts/court-a/go-live/sign-offs/{sign_off}/revoke/": 405,
    "/courts/court-a/incidents/": 200,
    "/courts/court-a/incidents/report/": 200,
    "/courts/court-a/incidents/{incident}/": 200,
    "/courts/court-a/incidents/{incident}/update/": 405,
    "/courts/court-a/incidents/{incident}/follow-up/": 405,
    "/courts/court-a/items/bulk-status/": 405,
    "/courts/court-a/items/{item}/": 200,
    "/courts/court-a/items/{item}/status/": 405,
    "/courts/court-a/items/{item}/evidence/": 405,
    "/courts/court-a/items/{item}/evidence/{evidence}/": 200,
    "/courts/court-a/items/{item}/comments/": 405,
    # Only a comment's author edits it; the superuser is not this one's.
    "/courts/court-a/items/{item}/comments/{comment}/edit/": 403,
    "/courts/court-a/items/{item}/owner/": 405,
    "/courts/court-a/items/{item}/meeting/": 405,
    "/courts/court-a/items/{item}/documents/": 405,
    "/courts/court-a/items/{item}/documents/{document}/": 200,
    "/courts/court-a/items/{item}/documents/{document}/as-evidence/": 405,
    "/courts/court-a/items/{item}/verify/": 405,
    "/courts/court-a/items/{item}/reopen/": 405,
    "/admin/": 200,
    "/admin/checklists/onboarding/": 200,
    "/admin/checklists/checklistitem/{item}/change/": 200,
    "/admin/reminders/reminderlog/": 200,
    "/courts/court-a/roster/": 200,
    "/courts/court-a/roster/add/": 200,
    "/courts/court-a/roster/{person}/": 200,
    "/courts/court-a/roster/{person}/left/": 405,
    "/courts/court-a/roster/deprovisioning/{deprovisioning}/": 405,
    "/courts/court-a/roster/import/": 200,
    "/courts/court-a/roster/export.csv": 200,
    "/courts/court-a/roster/review/": 200,
    "/courts/court-a/roster/audit/": 200,
    "/courts/court-a/roster/audit.csv": 200,
    "/api/onboardings/court-a/roster/": 200,
    "/admin/roster/rolerequirement/": 200,
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if hasattr(pattern, "url_patterns"):
            if route != "admin/":  # Django's own pages; a few are visited above
                yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def test_the_page_list_covers_every_route():
    values = {
        "token": "t",
        "item": 1,
        "evidence": 1,
        "comment": 1,
        "incident": 1,
        "sign_off": 1,
        "document": 1,
        "person": 1,
        "deprovisioning": 1,
    }
    visited = {resolve(path.format(**values).split("?")[0]).route for path in PAGES}
    assert set(_routes(get_resolver().url_patterns)) <= visited


@pytest.fixture
def no_page_cache(settings):
    settings.CACHES = {"default": environ.Env.cache_url_config("dummycache://")}
    assert cache.get("anything") is None
    cache.set("anything", 1)
    assert cache.get("anything") is None  # nothing is ever kept


@pytest.fixture
def onboarding_world(start, court, other_court, court_lead, evidence_storage):
    onboarding = start(court)
    start(other_court, go_live_in=40)
    item = onboarding.items.get(order=11)
    item = services.item_set_status(
        item=item, status="done", by=court_lead, expected_version=item.version
    )
    evidence = collaboration_services.evidence_upload(
        item=item,
        file=SimpleUploadedFile("letter.pdf", evidence_bytes("pdf")),
        by=court_lead,
    )
    comment = collaboration_services.comment_add(item=item, body="Sent.", by=court_lead)
    document = collaboration_services.team_document_upload(
        template_item=item.template_item,
        title="Connectivity guide",
        version="1.0",
        document_date=item.due_date,
        file=SimpleUploadedFile("guide.pdf", evidence_bytes("pdf")),
        by=court_lead,
    )
    # Court A live, with an incident and a close-out signature: the Go-Live pages.
    force_status(onboarding, "live")
    incident = golive_services.incident_report(
        onboarding=onboarding,
        by=court_lead,
        title="Scanner drops pages",
        description="The last page is missing.",
        severity="P2",
        category="scanning",
    )
    eo = MembershipFactory(court=court, role="executive_officer").user
    sign_off = golive_services.sign_off_give(
        onboarding=onboarding,
        kind="close_out",
        role="executive_officer",
        by=eo,
        statement="Closed out.",
    )
    person = RosterPerson.objects.create(
        court=court,
        name="Ann Lee",
        email="ann@example.org",
        organisation="court",
        ccpor_role="query",
    )
    gone = RosterPerson.objects.create(
        court=court,
        name="Bob Gone",
        email="bob@example.org",
        organisation="court",
        ccpor_role="query",
    )
    return {
        "person": person,
        "deprovisioning": person_mark_left(
            person=gone, by=court_lead, left_on=item.due_date
        ),
        "item": item,
        "evidence": evidence,
        "comment": comment,
        "incident": incident,
        "sign_off": sign_off,
        "document": document,
    }


@pytest.mark.django_db
def test_every_page_renders_with_no_page_cache(
    client, no_page_cache, onboarding_world, superuser, frozen_today
):
    client.force_login(superuser)
    values = {
        "token": superuser.calendar_token,
        "item": onboarding_world["item"].pk,
        "evidence": onboarding_world["evidence"].pk,
        "comment": onboarding_world["comment"].pk,
        "incident": onboarding_world["incident"].pk,
        "sign_off": onboarding_world["sign_off"].pk,
        "document": onboarding_world["document"].pk,
        "person": onboarding_world["person"].pk,
        "deprovisioning": onboarding_world["deprovisioning"].pk,
    }
    for path, expected in PAGES.items():
        response = client.get(path.format(**values))
        if expected is not None:
            assert response.status_code == expected, path
        if response.streaming:
            b"".join(response.streaming_content)  # a CSV renders to its last row


@pytest.mark.django_db
def test_with_no_page_cache_the_dashboard_shows_a_change_at_once(
    client, no_page_cache, start, court, staff_user, frozen_today
):
    onboarding = start(court, go_live_in=200)  # nothing due yet: on track
    client.force_login(staff_user)
    link = 'href="/courts/court-a/"'
    assert link not in client.get("/dashboard/?health=at_risk").content.decode()
    item = onboarding.items.get(order=11)
    services.item_set_status(
        item=item,
        status="blocked",
        by=staff_user,
        expected_version=item.version,
        reason="Firewall change pending.",
    )
    # Nothing commits inside the test's transaction, so no cache was told of the
    # change: only a page rendered afresh shows it.
    assert link in client.get("/dashboard/?health=at_risk").content.decode()
