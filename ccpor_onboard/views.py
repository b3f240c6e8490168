"""Site-wide views that belong to no app."""

import os
import socket
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from .lib.health import CheckResult, registered, run_checks

# Seconds each dependency may take to answer (connect, then each round trip); the
# whole answer is given within HEALTH_DEADLINE whatever hangs.
CHECK_TIMEOUT = 2
HEALTH_DEADLINE = 2.5


def _database() -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return CheckResult(True)


def _broker() -> CheckResult:
    options = {
        "socket_timeout": CHECK_TIMEOUT,
        "socket_connect_timeout": CHECK_TIMEOUT,
        "max_retries": 0,
    }
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=CHECK_TIMEOUT,
        transport_options=options,
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT)
    return CheckResult(True)


def _cache() -> CheckResult:
    """A round trip through a fresh client of the cache (the notifications' batching
    carries on without it; this asks every time)."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("DummyCache"):
        return CheckResult(True, "disabled")
    cache = caches.create_connection("default")
    try:
        # One key per process (a process runs one cache check at a time), kept
        # without expiry so that no clock can make it vanish between set and get.
        key, value = f"healthz:{socket.gethostname()}:{os.getpid()}", uuid.uuid4().hex
        cache.set(key, value, None)
        if cache.get(key) != value:
            return CheckResult(False, "the value read back was not the one written")
        cache.delete(key)
    finally:
        cache.close()
    return CheckResult(True)


def _all_checks() -> dict:
    return {
        "database": _database,
        "broker": _broker,
        "cache": _cache,
        **registered(),
    }


@never_cache
@require_GET
def healthz(request):
    """200 when the database, the broker, the cache and every registered check (the
    reminder sweep's heartbeat) answer well; 503 naming what failed. Answers within
    HEALTH_DEADLINE seconds whatever hangs. `?checks=database,cache` runs only those
    (e.g. for a load balancer that should not drop web servers over the sweep)."""
    checks = _all_checks()
    wanted = [name for name in request.GET.get("checks", "").split(",") if name]
    if wanted:
        unknown = sorted(set(wanted) - set(checks))
        if unknown:
            return JsonResponse(
                {
                    "status": "fail",
                    "error": f"Unknown check {', '.join(unknown)}; the checks are "
                    f"{', '.join(checks)}.",
                },
                status=400,
            )
        checks = {name: checks[name] for name in checks if name in wanted}
    results = run_checks(checks, deadline=HEALTH_DEADLINE)
    failed = [name for name, result in results.items() if not result.ok]
    body = {
        "status": "ok" if not failed else "fail",
        "checks": {name: result.detail for name, result in results.items()},
        "failed": failed,
    }
    for name, result in results.items():
        if result.data:
            body[name] = result.data
    return JsonResponse(body, status=503 if failed else 200)
