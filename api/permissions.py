"""Who may call what: signed in (or a token), a write only with a write scope, and
the read endpoints of the whole portfolio for CCPOR staff only. What a person may
do with one item or incident is asked of its app's access rules in the view, as
the pages do."""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import ApiScope
from courts.access import is_ccpor_staff


class Scoped(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method not in SAFE_METHODS and request.auth == ApiScope.READ:
            raise PermissionDenied(
                "This token may only read: make a read-and-write token on your "
                "calendar and API page.",
                "insufficient_scope",
            )
        return True


class CcporStaff(BasePermission):
    message = "The API is for CCPOR Team staff only."

    def has_permission(self, request, view) -> bool:
        return is_ccpor_staff(request.user)
