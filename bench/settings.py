"""`make bench`: the production settings, plus a trivial signed-in page to compare with.

What differs from production: the URLconf adds /bench/trivial/ (bench.urls); mail
stays in memory, so the reminder sweep can be timed without a mail server; static
files are collected into a directory of their own; and seed_scale may write its
synthetic courts (ALLOW_DEMO_DATA), on the bench's throwaway database.

The second factor stays required for CCPOR staff, as in production: the bench's staff
user has an authenticator device and its sessions carry a verified code
(bench/bench.py, _verified_session), so every measured request pays what a real
staff member's does.
"""

from ccpor_onboard.settings.production import *  # noqa: F403
from ccpor_onboard.settings.production import BASE_DIR, env

ROOT_URLCONF = "bench.urls"
ALLOW_DEMO_DATA = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = env.path(
    "BENCH_STATIC_ROOT", default=BASE_DIR / "bench-results" / "static"
)
# Request logs would measure the terminal; errors still show.
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
