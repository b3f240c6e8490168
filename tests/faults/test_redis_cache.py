# ruff: noqa: F811 - `portfolio` is the dashboard tests' fixture, imported to share it
"""The cache on a real Redis that hangs (SIGSTOP): no page is cached any more, but the
cache still spaces out notification mail and /healthz checks it. With it hung,
every page answers, every save succeeds (and its notification is still scheduled),
and /healthz names the cache."""

import signal
import time

import pytest
from django.urls import reverse

from tests.conftest import TODAY
from tests.dashboard.test_dashboard import _row, pin_today, portfolio  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    pin_today(monkeypatch, TODAY)


@pytest.fixture
def cache_on_own_redis(settings, own_redis):
    """The cache on the test's Redis, with the socket timeouts of base.py."""
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
):
    client.force_login(staff_user)
    url = reverse("dashboard:index") + "?sort=court"
    assert client.get(url).status_code == 200
    assert cache_on_own_redis.client().dbsize() == 0  # no page is kept there

    cache_on_own_redis.process.send_signal(signal.SIGSTOP)
    try:
        response, took = _timed(lambda: client.get(url))
        assert response.status_code == 200 and took < 3
        assert "Calm" in response.content.decode()
        response, took = _timed(lambda: client.get(reverse("dashboard:statewide")))
        assert response.status_code == 200 and took < 3

        # An item change tells people (notifications use the cache to batch their
        # mail): the cache hangs, the save succeeds and the page shows it at once.
        item = portfolio["calm"].items.get(order=1)
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
        assert response.status_code == 302 and took < 5
        item.refresh_from_db()
        assert item.status == "blocked"
        assert "At risk" in _row(client.get(url).content.decode(), "Calm")

        response, took = _timed(lambda: client.get("/healthz?checks=database,cache"))
        assert took < 3
        assert response.status_code == 503
        assert response.json()["failed"] == ["cache"]
    finally:
        cache_on_own_redis.process.send_signal(signal.SIGCONT)

    assert client.get("/healthz?checks=cache").status_code == 200
