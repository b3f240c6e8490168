"""Pages and headers: a Content-Security-Policy with no inline script or style on
every page, no inline script or style in any page, and `Cache-Control: no-store` on
every signed-in page (and so on the pages that show secrets)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']\s*javascript:", re.IGNORECASE)


def inline_content(html: str) -> list[str]:
    found = []
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("event handler attribute", EVENT_HANDLER),
        ("javascript: URL", JS_URL),
    ):
        found += [f"{name}: {m.group(0)!r}" for m in pattern.finditer(html)]
    return found


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


# --- The policy ---------------------------------------------------------------------


def test_every_kind_of_page_carries_the_policy(client, court_lead, admin_client):
    anonymous = client.get(reverse("login"))
    client.force_login(court_lead)
    for response in (
        anonymous,
        client.get("/courts/court-a/"),
        client.get("/api/onboardings/"),
        admin_client.get(reverse("admin:index")),
        client.get("/no-such-page/"),
    ):
        directives = csp_directives(response)
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_the_policy_allows_only_this_site_and_bootstraps_data_icons(client):
    directives = csp_directives(client.get(reverse("login")))
    allowed = {source for sources in directives.values() for source in sources}
    assert allowed <= {"'self'", "'none'", "data:"}
    assert directives["img-src"] == ["'self'", "data:"]


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    html = client.get(reverse("login")).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false,' in html
    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text()
    assert ".htmx-indicator" in css


# --- No inline script or style ------------------------------------------------------

PAGE_TEMPLATES = [
    path
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
    if "emails" not in path.parts  # e-mail clients need inline style; not pages
]


@pytest.mark.parametrize(
    "path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR))
)
def test_no_template_has_inline_script_or_style(path):
    assert inline_content(path.read_text()) == []


def test_every_progress_width_has_a_class():
    css = (Path(settings.BASE_DIR) / "static/css/app.css").read_text()
    for percent in range(101):
        assert f".w-pct-{percent} {{ width: {percent}%; }}" in css


@pytest.fixture
def portal_urls(start, court, court_lead, frozen_today):
    onboarding = start(court)
    item = onboarding.items.filter(actor="court").first()
    return [
        "/",
        f"/courts/{court.slug}/",
        f"/courts/{court.slug}/items/{item.pk}/",
        f"/courts/{court.slug}/report/",
        f"/courts/{court.slug}/reschedule/",
        f"/courts/{court.slug}/processing-model/",
        "/dashboard/",
        "/dashboard/statewide/",
        "/dashboard/overdue/",
        "/calendar/",
        reverse("portal:profile"),
        reverse("accounts:otp_setup"),
        reverse("password_change"),
    ]


def test_signed_in_pages_have_no_inline_script_or_style(client, portal_urls):
    staff = UserFactory(username="crawler", ccpor_staff=True, is_staff=True)
    client.force_login(staff)
    for url in portal_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_content(response.content.decode()) == [], url


def test_visitor_pages_have_no_inline_script_or_style(client):
    for url in (
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
    ):
        assert inline_content(client.get(url).content.decode()) == [], url


def _admin_urls():
    for model in admin.site._registry:
        meta = model._meta
        for page in ("changelist", "add"):
            try:
                yield reverse(f"admin:{meta.app_label}_{meta.model_name}_{page}")
            except NoReverseMatch:
                continue


def test_admin_pages_have_no_inline_script_or_style(admin_client, start, court):
    onboarding = start(court)
    item = onboarding.items.first()
    urls = [
        reverse("admin:index"),
        *_admin_urls(),
        reverse("admin:checklists_checklistitem_change", args=[item.pk]),
        reverse("admin:checklists_checklistitem_history", args=[item.pk]),
        reverse("admin:django_celery_beat_periodictask_add"),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code in (200, 403), url  # 403: no add page (logs)
        assert inline_content(response.content.decode()) == [], url


# --- Cache-Control ------------------------------------------------------------------


def test_signed_in_pages_are_never_stored(client, portal_urls):
    staff = UserFactory(username="cacher", ccpor_staff=True)
    client.force_login(staff)
    for url in [*portal_urls, "/api/onboardings/", "/dashboard/export/portfolio.csv"]:
        response = client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), url
        assert "private" in response["Cache-Control"], url


def test_the_page_with_the_calendar_secret_and_api_token_is_never_stored(
    client, staff_user
):
    client.force_login(staff_user)
    response = client.get("/calendar/")
    assert staff_user.calendar_token in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The one response that shows a new API token.
    response = client.post(reverse("portal:api_token_reset"))
    assert 'id="api-token"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_admin_pages_are_never_stored(admin_client):
    assert "no-store" in admin_client.get(reverse("admin:index"))["Cache-Control"]


def test_the_sign_in_page_carries_no_session_to_store(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response


def test_the_csrf_failure_page_has_no_inline_style(court_lead):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(court_lead)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form could not be sent" in html
    assert inline_content(html) == []
