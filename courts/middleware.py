"""CCPOR staff pass the second factor before any page of the site, where settings
say so (OTP_STAFF_REQUIRED, on in production): marking a court live, inviting
people, exports, the API token page and everything else, not only the admin.

Where settings.SSO_REQUIRED_FOR_STAFF says so, CCPOR staff signed in with a password
are signed out at once and told to use single sign-on (superusers excepted: the way
in when the provider is down).

It lives here, not with the rest of the session policy in accounts/middleware.py,
because who is CCPOR staff is decided here (courts.access.is_ccpor_staff).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import resolve_url
from django.urls import reverse

from accounts.middleware import (
    paths_allowed_before_code,
    redirect_for_request,
    second_factor_given,
    session_signed_out,
    with_next,
)
from accounts.oidc import signed_in_by_sso
from accounts.services import user_totp_device
from audit.models import AuditEvent
from audit.services import audit_record

from .access import is_ccpor_staff


def needs_second_factor(user) -> bool:
    """Whether this person must give a code before using the site (under
    OTP_STAFF_REQUIRED): CCPOR staff, and anyone who may use the admin."""
    return bool(
        settings.OTP_STAFF_REQUIRED
        and user.is_authenticated
        and (user.is_staff or is_ccpor_staff(user))
    )


def must_use_sso(user) -> bool:
    """Whether this person may sign in only with single sign-on
    (SSO_REQUIRED_FOR_STAFF): CCPOR staff and admin users, superusers excepted."""
    return bool(
        settings.SSO_ENABLED
        and settings.SSO_REQUIRED_FOR_STAFF
        and user.is_authenticated
        and not user.is_superuser
        and (user.is_staff or is_ccpor_staff(user))
    )


def _refuse_password_session(request):
    """A staff session signed in with a password where single sign-on is required:
    ended, audited, and the person told why on the sign-in page."""
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        user=request.user,
        detail="refused: CCPOR Team staff must sign in with single sign-on",
        request=request,
    )
    request.session.flush()
    request.user = AnonymousUser()
    session_signed_out(request)
    messages.error(
        request,
        f"CCPOR Team staff sign in with {settings.OIDC_PROVIDER_NAME}, not with a "
        "password: use the button below.",
    )
    return redirect_for_request(request, resolve_url(settings.LOGIN_URL))


class StaffSecondFactorMiddleware:
    """Until they give a code, CCPOR staff reach only the code page (or, without an
    authenticator app, the page that sets one up) and sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if must_use_sso(user) and not signed_in_by_sso(request):
            return _refuse_password_session(request)
        if (
            settings.OTP_STAFF_REQUIRED
            and user.is_authenticated
            and not second_factor_given(request)
            and request.path not in paths_allowed_before_code()
            and needs_second_factor(user)
        ):
            if user_totp_device(user) is not None:
                target = reverse("accounts:otp_verify")
            else:
                messages.warning(
                    request,
                    "CCPOR Team staff need two-factor authentication: set up an "
                    "authenticator app to continue.",
                )
                target = reverse("accounts:otp_setup")
            return redirect_for_request(request, with_next(target, request))
        return self.get_response(request)
