from accounts.middleware import two_factor_set_up

from .access import is_ccpor_staff


def access(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {"is_ccpor_staff": False, "otp_enrolment_prompt": False}
    staff = is_ccpor_staff(user)
    return {
        "is_ccpor_staff": staff,
        # CCPOR staff and admins are asked to set up two-factor authentication.
        "otp_enrolment_prompt": (staff or user.is_staff)
        and not two_factor_set_up(request),
    }
