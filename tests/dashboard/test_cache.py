# ruff: noqa: F811 - `portfolio` is the dashboard tests' fixture, imported to share it
"""The portfolio page cache is an optimisation: a cache that fails leaves every page
and every save working, invalidation survives a cache that restarts from an old
snapshot, and two installations sharing one cache never see each other's pages.

The hang case (a Redis stopped with SIGSTOP) is in tests/faults/test_redis_cache.py.
"""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from checklists.models import ChecklistItem
from dashboard import cache as page_cache
from dashboard.models import PortfolioVersion
from tests.conftest import TODAY
from tests.dashboard.test_dashboard import _row, pin_today, portfolio  # noqa: F401

pytestmark = pytest.mark.django_db

# Nothing listens here: every cache call is refused at once.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6393/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    pin_today(monkeypatch, TODAY)


@pytest.fixture
def cache_down(settings):
    settings.CACHES = UNREACHABLE_REDIS
    return settings


def test_the_dashboard_and_statewide_view_render_without_the_cache(
    cache_down,
    client,
    staff_user,
    portfolio,
    caplog,
):
    client.force_login(staff_user)
    with caplog.at_level(logging.WARNING, logger="dashboard.cache"):
        for url in (
            reverse("dashboard:index"),
            reverse("dashboard:index") + "?sort=-overdue",
            reverse("dashboard:statewide"),
        ):
            response = client.get(url)
            assert response.status_code == 200
            assert "Calm" in response.content.decode()
    assert "The page cache failed" in caplog.text


def test_after_a_cache_error_the_cache_is_left_alone_for_a_while(
    cache_down,
    client,
    staff_user,
    portfolio,
    monkeypatch,
):
    client.force_login(staff_user)
    client.get(reverse("dashboard:index"))
    calls = []

    class Recorder:
        def get(self, *args, **kwargs):
            calls.append(args)

        set = get

    monkeypatch.setattr(page_cache, "cache", Recorder())
    assert client.get(reverse("dashboard:statewide")).status_code == 200
    assert calls == []  # not even tried: no timeout per request during an outage


def test_a_save_answers_success_without_the_cache(
    cache_down,
    client,
    court_lead,
    court,
    start,
    frozen_today,
    django_capture_on_commit_callbacks,
):
    onboarding = start(court)
    item = onboarding.items.filter(actor="court").order_by("order").first()
    client.force_login(court_lead)
    url = reverse("checklists:item_status", kwargs={"slug": court.slug, "pk": item.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"status": "in_progress", "expected_version": item.version, "note": ""},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_a_bulk_update_changes_every_item_without_the_cache(
    cache_down,
    client,
    court_lead,
    court,
    start,
    frozen_today,
    django_capture_on_commit_callbacks,
):
    onboarding = start(court)
    items = list(onboarding.items.filter(actor="court").order_by("order")[:4])
    client.force_login(court_lead)
    data = {"items": [i.pk for i in items], "status": "in_progress"}
    data.update({f"v{i.pk}": i.version for i in items})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("checklists:bulk_status", kwargs={"slug": court.slug}), data
        )
    assert response.status_code == 302
    statuses = set(
        ChecklistItem.objects.filter(pk__in=[i.pk for i in items]).values_list(
            "status", flat=True
        )
    )
    assert statuses == {"in_progress"}


def test_a_cache_restored_from_an_old_snapshot_serves_no_stale_page(
    client,
    staff_user,
    portfolio,
    django_capture_on_commit_callbacks,
):
    """A Redis that restarts from a snapshot taken before the last change comes back
    with the old pages *and* whatever version key it held: the version lives in the
    database, so those pages are never read again."""
    client.force_login(staff_user)
    url = reverse("dashboard:index") + "?sort=court"
    assert "On track" in _row(client.get(url).content.decode(), "Calm")
    snapshot = dict(cache._cache)  # the locmem cache's store: "the RDB file"
    item = portfolio["calm"].items.get(order=1)
    with django_capture_on_commit_callbacks(execute=True):
        from checklists import services

        services.item_set_status(
            item=item,
            status="blocked",
            by=staff_user,
            expected_version=item.version,
            reason="Forum postponed",
        )
    cache._cache.clear()
    cache._cache.update(snapshot)  # the restart
    row = _row(client.get(url).content.decode(), "Calm")
    assert "At risk" in row and "On track" not in row


def test_the_version_moves_on_only_when_the_change_commits(
    staff_user,
    portfolio,
    django_capture_on_commit_callbacks,
):
    before = page_cache.portfolio_version()
    item = portfolio["calm"].items.get(order=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item.title = "Renamed"
        item.save()
    assert page_cache.portfolio_version() == before  # not yet committed
    for callback in callbacks:
        callback()
    assert page_cache.portfolio_version() != before


def test_two_installations_sharing_one_cache_never_share_pages(
    client,
    staff_user,
    portfolio,
    monkeypatch,
):
    client.force_login(staff_user)
    url = reverse("dashboard:index") + "?sort=court"
    client.get(url)
    rendered = []
    original = page_cache.cached_portfolio_page

    def counting(*parts, render):
        return original(*parts, render=lambda: rendered.append(1) or render())

    monkeypatch.setattr("dashboard.views.portfolio.cached_portfolio_page", counting)
    client.get(url)
    assert rendered == []  # same installation: from the cache
    # Another database (another host or name) behind the same Redis.
    monkeypatch.setattr(page_cache, "_database_identity", lambda: "elsewhere")
    client.get(url)
    assert rendered == [1]
    # A copy of this database restored elsewhere gets its own instance id.
    monkeypatch.undo()
    monkeypatch.setattr("dashboard.views.portfolio.cached_portfolio_page", counting)
    pin_today(monkeypatch, TODAY)
    PortfolioVersion.objects.update(instance="00000000-0000-0000-0000-000000000001")
    client.get(url)
    assert rendered == [1, 1]


def test_a_failing_version_bump_does_not_fail_the_save(monkeypatch, caplog):
    from django.db import DatabaseError

    def refuse(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(PortfolioVersion.objects, "filter", refuse)
    with caplog.at_level(logging.WARNING, logger="dashboard.cache"):
        page_cache._bump()
    assert "Could not move the portfolio version on" in caplog.text
