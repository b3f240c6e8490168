"""Rate limits: at most so many requests of an action per window, per key (a person,
a client address, an e-mail address typed), counted in the cache.

settings.RATE_LIMITS names each action's (requests, seconds). The windows are fixed
(each key's count starts again every `seconds`): simple, one cache round trip per
key, and a burst of twice the limit across a window's edge is still bounded.

The cache is an optimisation here as everywhere: when it is down, or is the dummy
cache, every request is let through (with a warning in the log), and the page and
its save work as without limits.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    """A request over its limit: how long until the window ends."""

    retry_after: int

    @property
    def message(self) -> str:
        minutes = max(1, -(-self.retry_after // 60))
        return (
            "Too many requests of this kind from you or for this address: try again "
            f"in {minutes} minute{'' if minutes == 1 else 's'}."
        )


def _cache_key(action: str, window: int, key: str) -> str:
    # Hashed: the key may hold an e-mail address or anything a visitor typed, which
    # has no place in the cache's key names (and may be too long for them).
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rate:{action}:{window}:{digest}"


def rate_limit_hit(action: str, *keys: str | None) -> Refusal | None:
    """Count one request of `action` against each of `keys` (None and empty ones are
    skipped, repeated ones counted once). A Refusal when any of them has gone over
    the action's limit in this window, else None. Every key is counted even when an
    earlier one is over, so that spreading requests over keys gains nothing."""
    limit, seconds = settings.RATE_LIMITS[action]
    now = time.time()
    window = int(now // seconds)
    over = False
    for key in dict.fromkeys(k for k in keys if k):
        name = _cache_key(action, window, key)
        try:
            cache.add(name, 0, timeout=seconds + 1)
            count = cache.incr(name)
        except ValueError:
            # The key vanished between add and incr (expired, evicted, or the
            # dummy cache keeps nothing): not counted.
            continue
        except Exception:  # noqa: BLE001 - the cache is down: no limit, no error
            logger.warning("Cache unavailable; rate limit %s not applied", action)
            return None
        over = over or count > limit
    if not over:
        return None
    return Refusal(retry_after=max(1, int((window + 1) * seconds - now)))
