"""What django-axes counts failed sign-ins under."""

from ccpor_onboard.lib.requests import CONTROL_CHARACTERS

# The User model's username length: anything longer names no account.
USERNAME_MAX = 150


def axes_username(request, credentials=None) -> str:
    """The username typed, as django-axes stores and counts it: without control
    characters (PostgreSQL refuses NUL) and no longer than any real username, so
    that whatever a sign-in form is sent, counting the failure never fails."""
    if credentials:
        username = credentials.get("username", "")
    else:
        username = request.POST.get("username", "")
    return CONTROL_CHARACTERS.sub("", str(username or ""))[:USERNAME_MAX]
