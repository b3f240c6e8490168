"""Production: refuses to start without its secrets; passes `check --deploy`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
IS_PRODUCTION = True
# No default: a missing DJANGO_SECRET_KEY stops the process with ImproperlyConfigured.
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Transport security ---------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
