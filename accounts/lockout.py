"""What django-axes counts failed sign-ins under."""

from ccpor_onboard.lib.requests import CONTROL_CHARACTERS

from .backends import account_for_sign_in_name

# The User model's username length: anything longer names no account.
USERNAME_MAX = 150
# The User model's e-mail length: anything longer names no account either.
EMAIL_MAX = 254


def axes_username(request, credentials=None) -> str:
    """What django-axes counts failed sign-ins under (and checks lockouts of): the
    account's user name, whether its user name or its e-mail address was typed, so
    that switching between the two buys no extra tries. A name that is no account
    is counted as typed (an address in lower case), so that the lockout looks the
    same either way. Without control characters (PostgreSQL refuses NUL) and no
    longer than any real user name, so that whatever a sign-in form is sent,
    counting the failure never fails."""
    if credentials:
        typed = credentials.get("username", "")
    else:
        typed = request.POST.get("username", "")
    typed = CONTROL_CHARACTERS.sub("", str(typed or "")).strip()
    account = account_for_sign_in_name(typed[:EMAIL_MAX])
    if account is not None:
        return account.get_username()
    if "@" in typed:
        typed = typed.lower()
    return typed[:USERNAME_MAX]
