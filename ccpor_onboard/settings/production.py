"""Production: refuses to start without its secrets; passes `check --deploy`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# No default: a missing DJANGO_SECRET_KEY stops the process with ImproperlyConfigured.
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Proxies --------------------------------------------------------------------
# How many proxies (load balancer, nginx...) stand between the clients and the app,
# each appending to X-Forwarded-For: 0 when clients connect to the app directly. No
# default: a wrong guess either lets clients forge their address (too many) or
# counts every client as the proxy's address, so that one person's failed sign-ins
# lock out everyone (too few). The client's address is read from it alone
# (ccpor_onboard/lib/client_ip.py): the lockout, the rate limits and the audit log.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT")
# Behind a proxy, the proxy says whether the client used HTTPS; without one, a
# client could say it itself.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT > 0 else None
)

# --- Transport security ---------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# --- E-mail ---------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

# --- Two-factor authentication --------------------------------------------------
# The admin site needs a verified authenticator code; OTP_ADMIN_REQUIRED=false turns
# that off (for an emergency only).
OTP_ADMIN_REQUIRED = env.bool("OTP_ADMIN_REQUIRED", default=True)
# CCPOR staff give a code on every page, not only in the admin (marking a court
# live, invitations, exports, the API token page...).
OTP_STAFF_REQUIRED = env.bool("OTP_STAFF_REQUIRED", default=True)
