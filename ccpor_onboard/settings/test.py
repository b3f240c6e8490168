"""Test suite: `make test` runs it against a real PostgreSQL and a real Redis."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key"  # noqa: S105 - never used outside the test suite
DEBUG = False
# The tests load the demo data and the bulk portfolio (seed_demo, seed_scale).
ALLOW_DEMO_DATA = True
DATABASES = {
    "default": env.db(
        "TEST_DATABASE_URL",
        default=env("DATABASE_URL", default="postgres://app:app@127.0.0.1:5432/app"),
    )
}
# As in production (settings/base.py), no JIT; and a commit does not wait for the
# disk: a test database is thrown away, and the suite commits thousands of times.
DATABASES["default"]["OPTIONS"] = {
    "options": "-c jit=off -c synchronous_commit=off",
    "connect_timeout": 5,
}


def _broker_of_this_process(url: str) -> str:
    """pytest-xdist runs the suite in several processes (gw0, gw1, ...), each on a
    database of its own; each also gets a Redis database of its own (the given one for
    gw0, the next for gw1, ...), so that the Celery worker one of them starts never
    takes the other's tasks. A process started by a test (a Celery worker, gunicorn)
    inherits PYTEST_XDIST_WORKER, so it works out the same database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    scheme_host, _, database = url.rpartition("/")
    number = int(database or 0) + int(worker.removeprefix("gw"))
    if number > 15:
        raise ImproperlyConfigured(
            f"pytest-xdist worker {worker} would use Redis database {number}: give "
            "TEST_CELERY_BROKER_URL a lower database or run fewer workers"
        )
    return f"{scheme_host}/{number}"


# Redis databases 12 to 15 keep test tasks away from a `make run` worker on database 0.
CELERY_BROKER_URL = _broker_of_this_process(
    env("TEST_CELERY_BROKER_URL", default="redis://127.0.0.1:6379/12")
)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A real worker started by the tests (another process) cannot fill mail.outbox: the
# celery_worker_process fixture points it at a directory, and the test reads the files.
if env("TEST_EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = env(
        "TEST_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_URL = "https://ccpor-onboard.test"
# One process, one in-memory cache; tests/conftest.py clears it around every test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
