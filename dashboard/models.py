"""What the dashboard keeps for itself: the version of its cached pages."""

import uuid

from django.db import models


class PortfolioVersion(models.Model):
    """One row: the version of the cached portfolio pages (dashboard/cache.py).

    In the database, not in the cache, so that a cache restart (or eviction) cannot
    lose an invalidation: a page cached before the last committed change carries an
    older version and is never served again. `instance` names this database, so that
    two installations sharing one Redis never serve each other's pages.
    """

    instance = models.UUIDField(default=uuid.uuid4, editable=False)
    counter = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Portfolio version {self.counter} of {self.instance}"
