"""/healthz: the database, the broker, the cache and the reminder sweep's heartbeat,
each named when it fails, the whole answer within 3 s whatever hangs.

The checks run in threads with their own database connections, which see committed
rows only: these tests commit (transaction=True). Real processes that hang or restart
are in tests/faults/."""

import datetime
import socket
import threading
import time

import pytest
from django.utils import timezone

from ccpor_onboard import views
from ccpor_onboard.lib import health
from reminders.models import SweepRun

pytestmark = pytest.mark.django_db(transaction=True)

# Nothing listens here (see also tests/faults/: SIGSTOP on a real Redis).
NOWHERE = "redis://127.0.0.1:6393/0"


@pytest.fixture
def swept():
    """A reminder sweep finished an hour ago."""
    return SweepRun.objects.create(
        kind="reminders",
        today=datetime.date(2026, 3, 4),
        finished_at=timezone.now() - datetime.timedelta(hours=1),
        summary={"sent": 2},
    )


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers: a hung server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_healthz_is_200_when_every_check_passes(client, swept):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert body["checks"] == {
        "database": "ok",
        "broker": "ok",
        "cache": "ok",
        "reminder_sweep": "ok",
    }
    sweep = body["reminder_sweep"]
    assert sweep["last_success"] == swept.finished_at.isoformat()
    assert sweep["age_hours"] == 1.0 and sweep["max_age_hours"] == 26
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_503_naming_the_broker_when_redis_does_not_answer(
    client, settings, swept
):
    settings.CELERY_BROKER_URL = NOWHERE
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"


def test_healthz_is_503_naming_the_cache_when_it_does_not_answer(
    client, settings, swept
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": NOWHERE,
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"] == "ConnectionError"


def test_healthz_is_503_naming_the_database_when_it_fails(client, monkeypatch, swept):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    real = CursorWrapper.execute

    def execute(self, sql, params=None):
        if sql == "SELECT 1":
            raise OperationalError("server closed the connection unexpectedly")
        return real(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", execute)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "OperationalError"


def test_no_reminder_sweep_for_26_hours_is_a_503(client, swept):
    SweepRun.objects.filter(pk=swept.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=26, minutes=5)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["reminder_sweep"]
    assert body["checks"]["reminder_sweep"].startswith("no reminder sweep for 26.1")
    assert body["reminder_sweep"]["age_hours"] == 26.1
    # A digest run is no substitute for the daily sweep.
    SweepRun.objects.create(
        kind="digest", today=datetime.date(2026, 3, 9), finished_at=timezone.now()
    )
    assert client.get("/healthz").status_code == 503
    # The next sweep clears it.
    from reminders.services import reminders_send_due

    reminders_send_due(today=datetime.date(2026, 3, 5))
    assert client.get("/healthz").status_code == 200


def _installed(hours_ago: float) -> None:
    from django.db.migrations.recorder import MigrationRecorder

    MigrationRecorder.Migration.objects.filter(app="reminders").update(
        applied=timezone.now() - datetime.timedelta(hours=hours_ago)
    )


def test_a_new_installation_has_a_day_of_grace_for_the_first_sweep(client):
    _installed(hours_ago=2)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["reminder_sweep"] == (
        "no sweep yet: installed less than a day ago"
    )
    assert body["reminder_sweep"]["last_success"] is None


def test_a_sweep_that_never_ran_is_a_503_once_the_grace_is_over(client):
    _installed(hours_ago=27)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["reminder_sweep"]
    assert body["checks"]["reminder_sweep"] == "no reminder sweep has ever finished"
    assert body["reminder_sweep"]["last_success"] is None


def test_healthz_answers_within_3_seconds_when_the_broker_and_cache_hang(
    client, settings, swept, silent_server
):
    settings.CELERY_BROKER_URL = silent_server
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": silent_server,
            "OPTIONS": {"socket_timeout": 60, "socket_connect_timeout": 60},
        }
    }
    began = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - began < 3
    assert response.status_code == 503
    body = response.json()
    assert sorted(body["failed"]) == ["broker", "cache"]
    assert body["checks"]["database"] == "ok"


def test_a_check_that_hangs_is_a_timeout_and_is_not_started_twice(
    client, monkeypatch, swept
):
    release = threading.Event()
    calls = []

    def hangs():
        calls.append(1)
        release.wait(30)
        return health.CheckResult(True)

    monkeypatch.setattr(views, "_database", hangs)
    try:
        began = time.monotonic()
        first = client.get("/healthz").json()
        assert time.monotonic() - began < 3
        assert first["checks"]["database"] == "timeout"
        second = client.get("/healthz").json()
        assert second["checks"]["database"] == "timeout (still waiting)"
        assert calls == [1]
    finally:
        release.set()
    deadline = time.monotonic() + 5
    while "database" in health._running and time.monotonic() < deadline:
        time.sleep(0.05)
    monkeypatch.undo()
    assert client.get("/healthz").json()["checks"]["database"] == "ok"


def test_checks_can_be_chosen_for_a_load_balancer(client):
    # No sweep ever ran, but the load balancer asks only about the dependencies.
    response = client.get("/healthz?checks=database,cache")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}
    unknown = client.get("/healthz?checks=database,disk")
    assert unknown.status_code == 400
    assert "Unknown check disk" in unknown.json()["error"]


def test_healthz_imports_no_app():
    """The site floor reads the heartbeat through the check registry."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(views))
    imported = {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "reminders" not in imported
    assert "reminder_sweep" in health.registered()
