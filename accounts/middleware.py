"""The session policy: how long a signed-in session lasts, the second factor, and
no caching of signed-in pages.

- A session ends after settings.SESSION_IDLE_TIMEOUT seconds without a request and
  settings.SESSION_ABSOLUTE_TIMEOUT seconds after sign-in (the database refuses it
  after that too: its expiry is fixed at sign-in). The person is told why, also
  when they come back after the session is gone from the server (a small signed
  cookie remembers when it was last used; a deliberate sign-out deletes it).
- A person with an authenticator app answers a code after their password before
  anything else (accounts.views.otp_verify).
- Every response to a signed-in person says `Cache-Control: no-store`: pages show
  court data, calendar secrets and API tokens that must not stay in a cache.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django_htmx.http import HttpResponseClientRedirect

from audit.models import AuditEvent
from audit.services import audit_record

STARTED_KEY = "session_started_at"
LAST_SEEN_KEY = "session_last_seen_at"
# Set at a single sign-on sign-in whose `amr` claim says "mfa", where
# settings.OIDC_ACCEPT_PROVIDER_MFA accepts it (accounts.oidc_views).
PROVIDER_MFA_KEY = "sso_provider_mfa"
# Set at sign-in for a person with an authenticator app, until they give a code.
OTP_PENDING_KEY = "otp_pending"
# Whether the person has an authenticator app (read at sign-in and at set-up), so
# that pages need no query to know whether to suggest one.
OTP_ENROLLED_KEY = "otp_enrolled"
# The last request is written to the session at most this often (a write a request
# would cost a database UPDATE on every page).
LAST_SEEN_GRANULARITY = 60
# Beside the session cookie, and living as long: when the signed-in session started
# and was last used (signed, so it cannot be made up), to say why a person whose
# session is gone from the server was signed out. No name, no session key.
MARKER_COOKIE = "ccpor_signed_in"
MARKER_SALT = "accounts.middleware.signed-in-marker"


def _now() -> float:
    return timezone.now().timestamp()


def session_start(request) -> None:
    """Start the clocks of a signed-in session (called at sign-in)."""
    now = _now()
    request.session[STARTED_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    request.session.set_expiry(
        datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    )
    _mark(request, started=now, last_seen=now)


def _mark(request, *, started: float, last_seen: float) -> None:
    """Have the response (re)write the signed-in marker cookie."""
    request._session_marker = {"started": started, "last_seen": last_seen}


def session_signed_out(request) -> None:
    """A deliberate sign-out: the response deletes the marker, so that the sign-in
    page says nothing about a session that ran out."""
    request._session_marker = None


def _idle_message() -> str:
    return (
        "You were signed out after "
        f"{_duration(settings.SESSION_IDLE_TIMEOUT)} without activity. "
        "Sign in again to continue."
    )


def _absolute_message() -> str:
    return (
        "You were signed out: a session lasts "
        f"{_duration(settings.SESSION_ABSOLUTE_TIMEOUT)} at most. "
        "Sign in again to continue."
    )


def why_the_session_ended(marker: dict) -> str:
    """What to tell a person whose signed-in session is gone, from the marker of
    when it started and was last used: whichever limit it reached first, else
    that it was ended (a password change or an administrator ends sessions)."""
    idle_end = marker["last_seen"] + settings.SESSION_IDLE_TIMEOUT
    absolute_end = marker["started"] + settings.SESSION_ABSOLUTE_TIMEOUT
    now = _now()
    if idle_end <= min(now, absolute_end):
        return _idle_message()
    if absolute_end <= now:
        return _absolute_message()
    return "Your session was ended. Sign in again to continue."


def _duration(seconds: int) -> str:
    """12 hours, 30 minutes, 90 seconds: the unit the setting was written in."""
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def second_factor_given(request) -> bool:
    """Whether the signed-in person gave a second factor in this session: a code
    from their authenticator app, or, where settings.OIDC_ACCEPT_PROVIDER_MFA
    allows it, multi-factor sign-in at the single sign-on provider (its `amr`
    claim said "mfa"; accounts.oidc)."""
    user = getattr(request, "user", None)
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    session = getattr(request, "session", None)
    return bool(
        settings.OIDC_ACCEPT_PROVIDER_MFA
        and session is not None
        and session.get(PROVIDER_MFA_KEY)
    )


def two_factor_set_up(request) -> bool:
    """Whether the signed-in person has an authenticator app (as of sign-in or
    set-up)."""
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(OTP_ENROLLED_KEY))


def redirect_for_request(request, url: str):
    """A redirect, as htmx needs it (HX-Redirect) for an htmx request."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def with_next(url: str, request) -> str:
    """`url` with ?next= the page the request was for."""
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self._check(request)
            if ended is not None:
                return self._write_marker(request, ended)
        elif MARKER_COOKIE in request.COOKIES:
            self._tell_why_gone(request)
        return self._write_marker(request, self.get_response(request))

    def _check(self, request):
        session, now = request.session, _now()
        started, last_seen = session.get(STARTED_KEY), session.get(LAST_SEEN_KEY)
        if started is None or last_seen is None:
            # A session from before this policy (or made by hand): start it now.
            session_start(request)
            return None
        if now - started >= settings.SESSION_ABSOLUTE_TIMEOUT:
            return self._end(
                request, _absolute_message(), detail="absolute limit reached"
            )
        if now - last_seen >= settings.SESSION_IDLE_TIMEOUT:
            return self._end(request, _idle_message(), detail="idle limit reached")
        if now - last_seen >= LAST_SEEN_GRANULARITY:
            session[LAST_SEEN_KEY] = now
            _mark(request, started=started, last_seen=now)
        return None

    def _end(self, request, message: str, *, detail: str):
        audit_record(
            action=AuditEvent.Action.SESSION_EXPIRED, user=request.user, detail=detail
        )
        request.session.flush()
        request.user = AnonymousUser()
        session_signed_out(request)  # told now: not again on the next page
        messages.info(request, message)
        return redirect_for_request(
            request, with_next(resolve_url(settings.LOGIN_URL), request)
        )

    @staticmethod
    def _tell_why_gone(request) -> None:
        """A visitor whose signed-in session is gone from the server (its row
        expired, or was cleared or deleted) without a sign-out: say why, once."""
        session_signed_out(request)
        try:
            marker = signing.loads(request.COOKIES[MARKER_COOKIE], salt=MARKER_SALT)
            message = why_the_session_ended(marker)
        except (signing.BadSignature, KeyError, TypeError):
            return
        messages.info(request, message)

    @staticmethod
    def _write_marker(request, response):
        if not hasattr(request, "_session_marker"):
            return response
        marker = request._session_marker
        if marker is None:
            response.delete_cookie(MARKER_COOKIE, samesite="Lax")
        else:
            # No max_age: it ends with the browser, as the session cookie does.
            response.set_cookie(
                MARKER_COOKIE,
                signing.dumps(marker, salt=MARKER_SALT),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


def paths_allowed_before_code() -> tuple[str, ...]:
    """The pages a person who owes a second factor may still open: giving a code,
    setting up an authenticator app, signing out."""
    return (
        reverse("accounts:otp_verify"),
        reverse("accounts:otp_setup"),
        reverse("logout"),
        reverse("admin:logout"),
    )


class SecondFactorMiddleware:
    """Until they give a code, a person with an authenticator app reaches only the
    code page and sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.session.get(OTP_PENDING_KEY)
            and not user.is_verified()
            and request.path not in paths_allowed_before_code()
        ):
            return redirect_for_request(
                request, with_next(reverse("accounts:otp_verify"), request)
            )
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
