"""Who may see what: the one place that decides access to courts.

Views never filter courts themselves; they ask `court_for_user`, which answers 404 for a
court that does not exist *and* for one the user may not see, so a stranger cannot even
learn that a record exists.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Court


def is_ccpor_staff(user) -> bool:
    """CCPOR Team staff: superusers and members of the CCPOR Team group."""
    if not (user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_is_ccpor_staff", None)
    if cached is None:
        cached = (
            user.is_superuser
            or user.groups.filter(name=settings.CCPOR_TEAM_GROUP).exists()
        )
        user._is_ccpor_staff = cached
    return cached


def courts_for_user(user) -> QuerySet[Court]:
    """Every court for CCPOR staff; a member's own courts; none for strangers."""
    if is_ccpor_staff(user):
        return Court.objects.all()
    if not (user.is_authenticated and user.is_active):
        return Court.objects.none()
    return Court.objects.filter(memberships__user=user)


def court_for_user(user, slug: str) -> Court:
    """The court with this slug if the user may see it; Http404 otherwise."""
    return get_object_or_404(courts_for_user(user), slug=slug)
