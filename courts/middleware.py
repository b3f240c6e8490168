"""CCPOR staff pass the second factor before any page of the site, where settings
say so (OTP_STAFF_REQUIRED, on in production): marking a court live, inviting
people, exports, the API token page and everything else, not only the admin.

It lives here, not with the rest of the session policy in accounts/middleware.py,
because who is CCPOR staff is decided here (courts.access.is_ccpor_staff).
"""

from django.conf import settings
from django.contrib import messages
from django.urls import reverse

from accounts.middleware import (
    paths_allowed_before_code,
    redirect_for_request,
    with_next,
)
from accounts.services import user_totp_device

from .access import is_ccpor_staff


def needs_second_factor(user) -> bool:
    """Whether this person must give a code before using the site (under
    OTP_STAFF_REQUIRED): CCPOR staff, and anyone who may use the admin."""
    return bool(
        settings.OTP_STAFF_REQUIRED
        and user.is_authenticated
        and (user.is_staff or is_ccpor_staff(user))
    )


class StaffSecondFactorMiddleware:
    """Until they give a code, CCPOR staff reach only the code page (or, without an
    authenticator app, the page that sets one up) and sign-out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.OTP_STAFF_REQUIRED
            and user.is_authenticated
            and not user.is_verified()
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
