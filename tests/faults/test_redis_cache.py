# ruff: noqa: F811 - `portfolio` is the dashboard tests' fixture, imported to share it
"""The page cache on a real Redis that hangs (SIGSTOP) or restarts from an old
snapshot: every page answers, every save succeeds, no stale page is served."""

import signal
import time

import pytest
from django.urls import reverse

from checklists import services
from dashboard import cache as page_cache
from tests.conftest import TODAY
from tests.dashboard.test_dashboard import _row, pin_today, portfolio  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    pin_today(monkeypatch, TODAY)


@pytest.fixture
def cache_on_own_redis(settings, own_redis):
    """The page cache on the test's Redis, with the socket timeouts of base.py."""
    from ccpor_onboard.settings import base

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {
                "socket_connect_timeout": base.env.float(
                    "CACHE_SOCKET_TIMEOUT", default=0.5
                ),
                "socket_timeout": base.env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            },
        }
    }
    return own_redis


def _timed(call):
    began = time.monotonic()
    response = call()
    return response, time.monotonic() - began


def test_with_the_cache_stopped_pages_answer_and_saves_succeed(
    cache_on_own_redis,
    client,
    staff_user,
    portfolio,
    django_capture_on_commit_callbacks,
    caplog,
):
    client.force_login(staff_user)
    url = reverse("dashboard:index") + "?sort=court"
    assert client.get(url).status_code == 200
    assert cache_on_own_redis.client().dbsize() > 0  # the page is cached there

    cache_on_own_redis.process.send_signal(signal.SIGSTOP)
    try:
        # The first request pays one socket timeout, then the cache is left alone.
        response, took = _timed(lambda: client.get(url))
        assert response.status_code == 200 and took < 3
        assert "Calm" in response.content.decode()
        assert "The page cache failed" in caplog.text
        response, took = _timed(lambda: client.get(reverse("dashboard:statewide")))
        assert response.status_code == 200 and took < 1

        item = portfolio["calm"].items.get(order=1)
        client.force_login(staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            response, took = _timed(
                lambda: client.post(
                    reverse(
                        "checklists:item_status",
                        kwargs={"slug": "calm", "pk": item.pk},
                    ),
                    {
                        "status": "blocked",
                        "reason": "Forum postponed",
                        "expected_version": item.version,
                    },
                )
            )
        assert response.status_code == 302 and took < 3
        item.refresh_from_db()
        assert item.status == "blocked"

        response, took = _timed(lambda: client.get("/healthz?checks=database,cache"))
        assert took < 3
        assert response.status_code == 503
        assert response.json()["failed"] == ["cache"]
    finally:
        cache_on_own_redis.process.send_signal(signal.SIGCONT)

    # Back: after the back-off the cache is used again, and shows the change.
    page_cache._cache_down_until = 0.0
    row = _row(client.get(url).content.decode(), "Calm")
    assert "At risk" in row
    assert client.get("/healthz?checks=cache").status_code == 200


def test_a_redis_restarted_from_an_old_snapshot_serves_no_stale_page(
    cache_on_own_redis,
    client,
    staff_user,
    portfolio,
    django_capture_on_commit_callbacks,
):
    client.force_login(staff_user)
    url = reverse("dashboard:index") + "?sort=court"
    assert "On track" in _row(client.get(url).content.decode(), "Calm")
    cache_on_own_redis.client().save()  # the snapshot holds that page

    item = portfolio["calm"].items.get(order=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_set_status(
            item=item,
            status="blocked",
            by=staff_user,
            expected_version=item.version,
            reason="Forum postponed",
        )
    # Redis dies and comes back from the snapshot taken before the change.
    cache_on_own_redis.kill()
    cache_on_own_redis.start()
    assert cache_on_own_redis.client().dbsize() > 0  # the old page is back
    page_cache._cache_down_until = 0.0

    row = _row(client.get(url).content.decode(), "Calm")
    assert "At risk" in row and "On track" not in row
