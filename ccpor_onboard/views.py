"""Site-wide views that belong to no app."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return False, exc.__class__.__name__
    return True, "ok"


def _broker_ok() -> tuple[bool, str]:
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return False, exc.__class__.__name__
    return True, "ok"


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker both answer; 503 naming what failed."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    failed = [name for name, (ok, _) in checks.items() if not ok]
    body = {
        "status": "ok" if not failed else "fail",
        "checks": {name: detail for name, (_, detail) in checks.items()},
        "failed": failed,
    }
    return JsonResponse(body, status=503 if failed else 200)
