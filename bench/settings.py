"""`make bench`: the production settings, plus a trivial signed-in page to compare with.

Only two things differ from production: the URLconf adds /bench/trivial/ (bench.urls)
and mail stays in memory, so the reminder sweep can be timed without a mail server.
Static files are collected into a directory of their own.
"""

from ccpor_onboard.settings.production import *  # noqa: F403
from ccpor_onboard.settings.production import BASE_DIR, env

ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = env.path(
    "BENCH_STATIC_ROOT", default=BASE_DIR / "bench-results" / "static"
)
# Request logs would measure the terminal; errors still show.
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
