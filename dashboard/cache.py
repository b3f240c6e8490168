"""A shared cache for the CCPOR Team's portfolio pages, invalidated on every change.

The dashboard and the statewide view summarise every court; recomputing them costs a
few complex queries and a large table to render, while the answer changes only when a
court, an onboarding or an item changes. Their rendered bodies are cached under a key
that includes a *portfolio version*, and any save or delete of those models (see
dashboard/apps.py) moves the version on after the transaction commits, so no staff
member ever sees a page older than the last committed change. "Today" is part of the
key too (health and days-to-go depend on it), and entries expire after
PORTFOLIO_CACHE_SECONDS as a backstop for writes that bypass the ORM (raw SQL, bulk
loads).
"""

import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "portfolio:version"


def portfolio_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def portfolio_changed(**_signal_kwargs) -> None:
    """Invalidate every cached portfolio page once the current transaction commits."""
    transaction.on_commit(_bump)


# The user fields the portfolio depends on (who can be reminded).
PEOPLE_FIELDS = frozenset({"email", "is_active"})


def people_changed(update_fields=None, **signal_kwargs) -> None:
    """A person was saved: invalidate unless only other fields were (a sign-in
    saves `last_login`, which changes nothing the portfolio shows)."""
    if update_fields is not None and not PEOPLE_FIELDS & set(update_fields):
        return
    portfolio_changed(**signal_kwargs)


def cached_portfolio_page(*parts: object, render: Callable[[], str]) -> str:
    """The cached text for these key parts, rendering (and caching) it on a miss."""
    raw = "|".join(str(p) for p in (portfolio_version(), *parts))
    key = "portfolio:page:" + hashlib.sha256(raw.encode()).hexdigest()
    text = cache.get(key)
    if text is None:
        text = render()
        cache.set(key, text, settings.PORTFOLIO_CACHE_SECONDS)
    return text
