"""The rate limiter: so many requests per window and key, counted in the cache; when
the cache is down (or is the dummy cache) nothing is limited and nothing fails."""

import logging

import pytest
from django.core.cache import cache, caches
from freezegun import freeze_time

from ccpor_onboard.lib.rate_limit import rate_limit_hit


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "test": (3, 600)}


def hits(n: int, *keys: str) -> list:
    return [rate_limit_hit("test", *keys) for _ in range(n)]


@freeze_time("2026-03-04 20:01:00")
def test_the_request_over_the_limit_is_refused_until_the_window_ends():
    assert hits(3, "user:1") == [None, None, None]
    refusal = rate_limit_hit("test", "user:1")
    # Windows of 600 s from the epoch: this one ends at 20:10:00.
    assert refusal is not None and refusal.retry_after == 540
    assert "try again in 9 minutes" in refusal.message


def test_a_new_window_starts_a_new_count():
    with freeze_time("2026-03-04 20:01:00") as clock:
        hits(4, "user:1")
        clock.move_to("2026-03-04 20:10:00")
        assert rate_limit_hit("test", "user:1") is None


def test_each_key_has_its_own_count():
    hits(3, "user:1", "ip:10.0.0.1")
    # Another person at another address is not affected.
    assert rate_limit_hit("test", "user:2", "ip:10.0.0.2") is None
    # The same address is over its limit, whoever asks.
    assert rate_limit_hit("test", "user:3", "ip:10.0.0.1") is not None


def test_every_key_is_counted_even_when_one_is_over():
    hits(4, "user:1")
    # Refused for user:1, and ip:10.0.0.9 was counted nonetheless.
    assert rate_limit_hit("test", "user:1", "ip:10.0.0.9") is not None
    hits(2, "ip:10.0.0.9")
    assert rate_limit_hit("test", "ip:10.0.0.9") is not None


def test_empty_and_repeated_keys_count_once():
    assert hits(3, "user:1", "user:1", None, "") == [None, None, None]
    assert rate_limit_hit("test", "user:1") is not None


def test_the_cache_holds_no_address_in_clear():
    rate_limit_hit("test", "email:someone@court.example.org")
    keys = list(cache._cache.keys())  # locmem's own store
    assert keys and not any("someone" in key for key in keys)


def test_a_cache_that_is_down_limits_nothing(monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "add", down)
    with caplog.at_level(logging.WARNING, logger="ccpor_onboard.lib.rate_limit"):
        assert hits(10, "user:1") == [None] * 10
    assert "rate limit test not applied" in caplog.text


def test_the_dummy_cache_limits_nothing(settings):
    """`make bench` runs with CACHE_URL=dummycache://: no limit, no error."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    assert hits(10, "user:1") == [None] * 10
    assert type(caches["default"]).__name__ == "DummyCache"
