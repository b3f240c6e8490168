"""Proving it is the person before they set up an authenticator app: a code e-mailed
to the account's address. A stolen password alone cannot enrol a device (the other
way is enrolment by an administrator, in the admin).

The code lives in the session only as a keyed hash (settings.SECRET_KEY), bound to
the account, for settings.OTP_ENROLMENT_CODE_SECONDS and OTP_ENROLMENT_CODE_TRIES
tries; once it is given, the proof lasts as long again, for setting up the app.
"""

import secrets
import time

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from ccpor_onboard.lib.emails import templated_message

CODE_KEY = "otp_enrolment_code"
PROVEN_KEY = "otp_enrolment_proven_at"
_SALT = "accounts.enrolment"


def _digest(user, code: str) -> str:
    return salted_hmac(_SALT, f"{user.pk}:{code}").hexdigest()


def masked_address(email: str) -> str:
    """a***@court.ca.gov: enough for the person to know which mailbox to open."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def enrolment_code_send(request) -> None:
    """Mail a new 6-digit code to the signed-in person's address (replacing any code
    sent before). The caller checks that the person has an address, and the rate
    limit."""
    user = request.user
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[CODE_KEY] = {
        "digest": _digest(user, code),
        "expires": time.time() + settings.OTP_ENROLMENT_CODE_SECONDS,
        "tries": 0,
    }
    minutes = settings.OTP_ENROLMENT_CODE_SECONDS // 60
    templated_message(
        "otp_enrolment_code",
        {"user": user, "code": code, "minutes": minutes},
        to=[user.email],
    ).send()


def enrolment_code_pending(request) -> bool:
    """Whether a code was sent that can still be given."""
    sent = request.session.get(CODE_KEY)
    return bool(
        sent
        and sent["expires"] > time.time()
        and sent["tries"] < settings.OTP_ENROLMENT_CODE_TRIES
    )


def enrolment_code_check(request, code: str) -> bool:
    """Whether `code` is the one mailed (and still good). Each try counts; a right
    code is good once."""
    if not enrolment_code_pending(request):
        return False
    sent = request.session[CODE_KEY]
    sent["tries"] += 1
    request.session[CODE_KEY] = sent
    if not constant_time_compare(sent["digest"], _digest(request.user, code)):
        return False
    del request.session[CODE_KEY]
    request.session[PROVEN_KEY] = time.time()
    return True


def enrolment_proven(request) -> bool:
    """Whether the person gave a mailed code recently enough to set up an app."""
    proven_at = request.session.get(PROVEN_KEY)
    return bool(
        proven_at and time.time() - proven_at < settings.OTP_ENROLMENT_CODE_SECONDS
    )


def enrolment_end(request) -> None:
    """Forget the proof once the app is set up: the next device needs a new one."""
    request.session.pop(PROVEN_KEY, None)
    request.session.pop(CODE_KEY, None)
