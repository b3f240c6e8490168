"""A shared cache for the CCPOR Team's portfolio pages, invalidated on every change.

The dashboard and the statewide view summarise every court; recomputing them costs a
few complex queries and a large table to render, while the answer changes only when a
court, an onboarding or an item changes. Their rendered bodies are cached under a key
made of:

- the *portfolio version*, a counter kept in the database (`PortfolioVersion`) that
  any save or delete of those models (see dashboard/apps.py) moves on after the
  transaction commits. It lives in the database, not in the cache, so a cache that
  restarts or evicts keys cannot lose an invalidation: a page rendered before the
  last committed change carries an older version and is never read again;
- the database's identity (its engine, host, port and name, and the random
  `PortfolioVersion.instance`), so that two installations sharing one Redis never
  serve each other's pages;
- "today" (health and days-to-go depend on it) and the page's own parts.

Entries expire after PORTFOLIO_CACHE_SECONDS as a backstop for writes that bypass the
ORM (raw SQL, bulk loads).

The cache is an optimisation, never a dependency: when it fails or hangs (short
socket timeouts, see settings), the page is rendered without it, a warning is logged,
and the cache is left alone for CACHE_RETRY_SECONDS so that an outage does not cost
every request a timeout. Saves never touch the cache at all.
"""

import hashlib
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from .models import PortfolioVersion

logger = logging.getLogger(__name__)

# After a cache error, how long this process renders without the cache.
CACHE_RETRY_SECONDS = 30
_cache_down_until = 0.0


def _database_identity() -> str:
    db = settings.DATABASES["default"]
    raw = "|".join(str(db.get(k, "")) for k in ("ENGINE", "HOST", "PORT", "NAME"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def portfolio_version() -> str:
    """This database's identity and the current version of the portfolio pages."""
    row = PortfolioVersion.objects.values_list("instance", "counter").first()
    if row is None:
        created, _ = PortfolioVersion.objects.get_or_create(pk=1)
        row = (created.instance, created.counter)
    instance, counter = row
    return f"{_database_identity()}:{instance.hex}:{counter}"


def _bump() -> None:
    try:
        if not PortfolioVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
            PortfolioVersion.objects.get_or_create(pk=1, defaults={"counter": 1})
    except DatabaseError:
        # The change itself is committed: the save succeeded. The pages may show
        # the previous figures until PORTFOLIO_CACHE_SECONDS have passed.
        logger.warning(
            "Could not move the portfolio version on; cached pages expire within %s s.",
            settings.PORTFOLIO_CACHE_SECONDS,
            exc_info=True,
        )


def portfolio_changed(**_signal_kwargs) -> None:
    """Invalidate every cached portfolio page once the current transaction commits."""
    transaction.on_commit(_bump, using=connection.alias)


def _cache_usable() -> bool:
    return time.monotonic() >= _cache_down_until


def _cache_failed(operation: str) -> None:
    global _cache_down_until
    _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS
    logger.warning(
        "The page cache failed (%s); pages render without it for %s s.",
        operation,
        CACHE_RETRY_SECONDS,
        exc_info=True,
    )


def cache_get(key: str):
    """The cached value, or None when it is missing or the cache is failing."""
    if not _cache_usable():
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - any cache failure: render without it
        _cache_failed("get")
        return None


def cache_set(key: str, value, timeout: int) -> None:
    """Store a value if the cache works; never raises."""
    if not _cache_usable():
        return
    try:
        cache.set(key, value, timeout)
    except Exception:  # noqa: BLE001 - any cache failure: the page is already made
        _cache_failed("set")


# The user fields the portfolio depends on (who can be reminded).
PEOPLE_FIELDS = frozenset({"email", "is_active"})


def people_changed(update_fields=None, **signal_kwargs) -> None:
    """A person was saved: invalidate unless only other fields were (a sign-in
    saves `last_login`, which changes nothing the portfolio shows)."""
    if update_fields is not None and not PEOPLE_FIELDS & set(update_fields):
        return
    portfolio_changed(**signal_kwargs)


def cached_portfolio_page(*parts: object, render: Callable[[], str]) -> str:
    """The cached text for these key parts, rendering (and caching) it on a miss.
    With no cache configured (`dummycache://`) it only renders: no key to make."""
    if isinstance(cache, DummyCache):
        return render()
    raw = "|".join(str(p) for p in (portfolio_version(), *parts))
    key = "portfolio:page:" + hashlib.sha256(raw.encode()).hexdigest()
    text = cache_get(key)
    if text is None:
        text = render()
        cache_set(key, text, settings.PORTFOLIO_CACHE_SECONDS)
    return text
