"""Settings shared by every environment; what varies comes from the environment."""

import datetime
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Whether the development-only commands that write made-up people and courts with
# published passwords (seed_demo, seed_scale) may run: only local.py, test.py and
# the bench's settings say so, never an environment variable.
ALLOW_DEMO_DATA = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ROOT_URLCONF = "ccpor_onboard.urls"
WSGI_APPLICATION = "ccpor_onboard.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------
DJANGO_APPS = [
    # The admin, with the product's site (two-factor, audited bulk deletions).
    "accounts.admin_site.ProductAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "simple_history",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "rest_framework",
    "drf_spectacular",
]
# In the order of the layers: each imports only from the ones above it in this list
# (enforced by import-linter, see pyproject.toml).
LOCAL_APPS = [
    "audit",
    "courts",
    "notifications",
    "roster",
    "checklists",
    "collaboration",
    "reminders",
    "golive",
    "planning",
    "webhooks",
    "portal",
    "dashboard",
    "api",
    "demo",
]
# accounts comes first so that its createsuperuser (no way around the password
# validators) replaces Django's: the first app to define a command wins.
INSTALLED_APPS = ["accounts"] + DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: a 400 for NUL and other control characters in the URL or a header,
    # before anything reads them.
    "ccpor_onboard.lib.requests.BadBytesMiddleware",
    # A multipart body over UPLOAD_MAX_REQUEST_BYTES: 413, never read.
    "ccpor_onboard.lib.uploads.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The request, for the audit log of writes that are not handed one (signals).
    "ccpor_onboard.lib.current_request.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Idle and absolute session limits, the second factor, no-store when signed in.
    "accounts.middleware.SessionPolicyMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    # CCPOR staff: the second factor on every page (OTP_STAFF_REQUIRED).
    "courts.middleware.StaffSecondFactorMiddleware",
    "accounts.middleware.NoStoreWhenSignedInMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "courts.context_processors.access",
            ],
            # A |crispy filter that sets what crispy-forms' templates read, loaded
            # after crispy_forms_tags (ccpor_onboard/lib/crispy_tags.py).
            "libraries": {"crispy_filter": "ccpor_onboard.lib.crispy_tags"},
        },
    },
]

# --- Database -------------------------------------------------------------------
# Local default is SQLite; DATABASE_URL=postgres://user:pass@host:5432/name switches.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, a worker and beat share one file: wait for locks, not fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a query whose *estimated* cost is high; the dashboard's
    # per-court subqueries are estimated far above what they cost, and compiling
    # took seconds for a query that runs in milliseconds. Web queries do not need it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # A database that does not answer fails a connection in seconds, not minutes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )

# --- Authentication -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username or address before the password
# is even checked. Then a user name or an e-mail address (accounts/backends.py).
# Single sign-on last: it takes only the provider's answer (accounts/oidc.py), never
# a password, and is here so that its sessions are recognised.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrEmailBackend",
    "accounts.oidc.SingleSignOnBackend",
]
LOGIN_URL = "login"
# Sign-in lands on the one court of a member, a chooser for several, home for staff.
LOGIN_REDIRECT_URL = "portal:landing"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Name of the group whose members are CCPOR Team staff (see courts.access).
CCPOR_TEAM_GROUP = "CCPOR Team"
CCPOR_TEAM_EMAIL = env("CCPOR_TEAM_EMAIL", default="ccpor-team@example.org")
# The public CCPOR information page, linked from the items that point courts to it.
CCPOR_INFO_URL = env(
    "CCPOR_INFO_URL", default="https://www.courts.ca.gov/partners/ccpor.htm"
)
# How many proxies in front of the app append to X-Forwarded-For (0: use the peer
# address; production has no default, see production.py). The client's address
# (ccpor_onboard/lib/client_ip.py) feeds the lockout per address, the rate limits
# and the audit log. A system check refuses SECURE_PROXY_SSL_HEADER without it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Single sign-on (OpenID Connect; accounts/oidc.py, docs/sso.md) --------------
# Off unless the client id and the provider's endpoints are given. Nothing here is
# particular to one provider: Entra ID, Okta, Keycloak... publish these endpoints in
# their discovery document (/.well-known/openid-configuration).
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
# The provider's end-session endpoint: sign-out here signs out there too.
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
# Where the provider sends no verified e-mail claim (Entra ID): the claim whose value
# is the account's e-mail address, e.g. preferred_username or upn.
OIDC_MATCH_CLAIM = env("OIDC_MATCH_CLAIM", default="")
# What the sign-in page's button calls the provider.
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="your organisation's sign-in")
# Whether the provider's own multi-factor sign-in ("mfa" in the ID token's amr
# claim) counts as the second factor for CCPOR staff and the admin.
OIDC_ACCEPT_PROVIDER_MFA = env.bool("OIDC_ACCEPT_PROVIDER_MFA", default=False)
# Whether CCPOR staff (superusers excepted: the way in when the provider is down)
# must sign in with single sign-on; their password sign-in is then refused.
SSO_REQUIRED_FOR_STAFF = env.bool("SSO_REQUIRED_FOR_STAFF", default=False)
SSO_ENABLED = bool(
    OIDC_RP_CLIENT_ID
    and OIDC_OP_AUTHORIZATION_ENDPOINT
    and OIDC_OP_TOKEN_ENDPOINT
    and OIDC_OP_USER_ENDPOINT
    and (OIDC_OP_JWKS_ENDPOINT or not OIDC_RP_SIGN_ALGO.startswith(("RS", "ES")))
)
# mozilla-django-oidc's own settings, fixed: accounts are never made by sign-in; the
# code flow with PKCE and a nonce; the ID token kept for the provider's sign-out.
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"

# --- Rate limits (ccpor_onboard/lib/rate_limit.py) ------------------------------
# (requests, seconds) per person and per client address, counted in the cache; when
# the cache is down the requests are let through (and a warning logged).
RATE_LIMITS = {
    # CCPOR staff inviting people to a court's onboarding (each one a mail).
    "invitation": (30, 60 * 60),
    # "Forgotten your password?": per address typed and per client address.
    "password_reset": (5, 60 * 60),
    # Incidents reported after Go-Live (each one mails the CCPOR Team).
    "incident_report": (10, 60 * 60),
    # E-mailed codes to prove it is you before setting up an authenticator app.
    "otp_enrolment_code": (5, 60 * 60),
    # The JSON API, per person: every request, and the writes among them.
    "api": (600, 60),
    "api_write": (60, 60),
}

# --- The JSON API (api/, docs/api.md) --------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenOrSession"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.Scoped"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PersonRateLimit"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The schema names path parameters as the URLs do ({slug}, {pk}).
    "SCHEMA_COERCE_PATH_PK": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CCPOR Onboard API",
    "DESCRIPTION": "Courts' CCPOR onboardings: read (CCPOR staff) and write (items, "
    "comments, incidents) with a personal token. See docs/api.md.",
    "VERSION": "1",
    # OpenAPI 3.1: its schemas are JSON Schema, so the tests check responses
    # against them with jsonschema.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ItemStatusEnum": "checklists.models.ChecklistItem.Status",
        "OnboardingStatusEnum": "checklists.models.Onboarding.Status",
        "IncidentStatusEnum": "golive.models.Incident.Status",
    },
}

# --- Lockout (django-axes) ------------------------------------------------------
# AXES_FAILURE_LIMIT failed sign-ins lock the account (whether its username or its
# e-mail address was typed), and the client address, for
# AXES_COOLOFF_TIME, or until an admin unlocks them (Users → "Unlock sign-in", or
# Axes → Access attempts). A person's own failures are forgotten when they sign in
# (accounts/receivers.py), never a whole address's.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env.int("AXES_COOLOFF_MINUTES", default=30)
)
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "ccpor_onboard.lib.client_ip.client_ip"
# The account's username as counted, whichever name was typed; bounded, no control
# characters (accounts/lockout.py).
AXES_USERNAME_CALLABLE = "accounts.lockout.axes_username"
# Sign-ins, sign-outs and lockouts are in the product's audit log (audit/).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# --- Two-factor authentication (django-otp, TOTP) -------------------------------
# When true, the admin site needs a verified authenticator code (production: on).
OTP_ADMIN_REQUIRED = env.bool("OTP_ADMIN_REQUIRED", default=False)
# When true, CCPOR staff need a verified code on every page of the site, and are
# sent to set up an authenticator app first if they have none (production: on).
OTP_STAFF_REQUIRED = env.bool("OTP_STAFF_REQUIRED", default=False)
# An e-mailed code proves it is the person before they set up an authenticator app
# (a stolen password alone cannot enrol a device); it works this long, for so many
# tries.
OTP_ENROLMENT_CODE_SECONDS = 15 * 60
OTP_ENROLMENT_CODE_TRIES = 5
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="CCPOR Onboard")
# The admin lists and removes people's authenticator devices, never shows their keys.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Sessions and cookies -------------------------------------------------------
# Sessions live in accounts.Session (the database, with the user's id), so that a
# password change can end a person's other sessions.
SESSION_ENGINE = "accounts.sessions"
# A signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request and
# SESSION_ABSOLUTE_TIMEOUT seconds after sign-in, whatever happens.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp) ---------------------------------------
# Everything comes from this site (Bootstrap and htmx are vendored under static/);
# no inline script or style anywhere. Bootstrap draws a few icons from data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/Los_Angeles")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files whitenoise serves at the site's root, such as /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Uploads --------------------------------------------------------------------
# Evidence files are at most 10 MB (collaboration.services.evidence.EVIDENCE_MAX_BYTES).
# A multipart request may carry that plus its form fields; a larger one is refused
# before its body is read (ccpor_onboard/lib/uploads.py). Uploads over
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not memory; other form data
# is at most DATA_UPLOAD_MAX_MEMORY_SIZE.
UPLOAD_MAX_REQUEST_BYTES = 11 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_HANDLERS = [
    "ccpor_onboard.lib.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Forms ----------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------
# EMAIL_URL in django-environ form: consolemail://, filemail:///path, smtp://u:p@host:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="CCPOR Onboard <no-reply@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Notifications ------------------------------------------------------------
# Changes to the same person within this many seconds go out in one mail.
NOTIFICATION_BATCH_SECONDS = env.int("NOTIFICATION_BATCH_SECONDS", default=300)

# One-click answers from mails (notifications/answer_links.py): a link works once,
# for this many days after the mail was sent.
EMAIL_ANSWER_LINK_DAYS = env.int("EMAIL_ANSWER_LINK_DAYS", default=7)

# --- Cache ----------------------------------------------------------------------
# No page is cached: the cache only spaces out notification mail (one scheduled
# task per address) and is checked by /healthz. CACHE_URL takes any django-environ
# cache URL: redis://host:port/db (Django's own Redis backend), locmemcache:// (one
# process only), dummycache:// (none at all; `make bench` runs so).
CACHES = {"default": env.cache_url("CACHE_URL", default="redis://127.0.0.1:6379/1")}
# django-environ leaves ?key_prefix=…&timeout=… in lower case for Django's Redis
# backend, where Django reads only upper-case keys.
for _option in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION"):
    if _option.lower() in CACHES["default"]:
        CACHES["default"][_option] = CACHES["default"].pop(_option.lower())
CACHES["default"].setdefault("KEY_PREFIX", "ccpor")
# A Redis that is down or hangs must cost a request a fraction of a second, not
# minutes (tests/faults/test_redis_cache.py). Short socket timeouts for
# Django's Redis backend, whatever CACHE_URL says (no retries: redis-py's default).
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    _cache_timeout = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", _cache_timeout)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", _cache_timeout)

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 60 * 60
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 8 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks are acknowledged when they finish (acks_late) and requeued when the worker
# process running them dies (reject_on_worker_lost; reminders/tasks.py). A warm
# shutdown (SIGTERM) finishes running tasks and requeues prefetched ones at once. A
# message whose whole worker vanished returns to the queue after the visibility
# timeout: longer than a task may run (CELERY_TASK_TIME_LIMIT) plus the longest retry
# countdown (4 minutes), so that a live task is never run twice, and far shorter than
# kombu's default hour. Workers look for such messages every 10 s.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=20 * 60),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    # A broker that hangs fails a publish instead of holding a web request forever.
    "socket_timeout": 10,
    "socket_connect_timeout": 5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# /healthz answers 503 when no reminder sweep has finished for this long (the sweep
# runs daily: a day and a margin). A dead-man's switch for beat and the workers.
REMINDER_SWEEP_MAX_AGE_HOURS = env.int("REMINDER_SWEEP_MAX_AGE_HOURS", default=26)

# --- Logging --------------------------------------------------------------------
# Secrets in URLs and headers (calendar feed secrets, password-reset links, API
# tokens) are masked before anything is written: see ccpor_onboard/lib/log_redaction.py
# (gunicorn.conf.py does the same for gunicorn's access log).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "ccpor_onboard.lib.log_redaction.RedactSecretsFilter"}
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "loggers": {
        "django.request": {"filters": ["redact_secrets"]},
        # django-axes tells of every sign-in at INFO; failures (WARNING) are enough.
        "axes": {"level": "WARNING"},
        "django.server": {
            "handlers": ["console"],
            "filters": ["redact_secrets"],
            "level": "INFO",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
