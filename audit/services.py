"""Writing the audit log. Nothing else writes to it, and nothing changes a row."""

from ccpor_onboard.lib.client_ip import client_ip
from ccpor_onboard.lib.current_request import current_request

from .models import AuditEvent

_USERNAME_MAX = AuditEvent._meta.get_field("username").max_length
_TARGET_MAX = AuditEvent._meta.get_field("target").max_length
_AGENT_MAX = AuditEvent._meta.get_field("user_agent").max_length
# A sign-in form can post anything: keep the log readable and the row storable.
_DETAIL_MAX = 2000


def _clean(value, limit: int) -> str:
    # PostgreSQL refuses NUL in text; varchar refuses what is too long.
    return str(value or "").replace("\x00", "\\x00")[:limit]


def audit_record(
    *,
    action: str,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    user=None,
    username: str | None = None,
    target: str = "",
    detail: str = "",
    request=None,
) -> AuditEvent:
    """Append one event to the audit log and return it.

    `user` is who acted (None for a visitor or a background job); `username` defaults
    to theirs, and names whoever was typed for a failed sign-in. Where it came from
    (address and browser) is read from `request`, by default the request being served.
    """
    request = request if request is not None else current_request()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if username is None:
        username = user.get_username() if user is not None else ""
    ip_address, user_agent = None, ""
    if request is not None:
        ip_address = client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")
    return AuditEvent.objects.create(
        action=action,
        outcome=outcome,
        user=user,
        username=_clean(username, _USERNAME_MAX),
        target=_clean(target, _TARGET_MAX),
        detail=_clean(detail, _DETAIL_MAX),
        ip_address=ip_address,
        user_agent=_clean(user_agent, _AGENT_MAX),
    )


def request_user(request=None):
    """The signed-in person making the current request, or None."""
    request = request if request is not None else current_request()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None
