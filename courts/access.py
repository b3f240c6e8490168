"""Who may see which court: the one place that decides membership access.

Lookups answer 404 for a court that does not exist *and* for one the user may not
see, so a stranger cannot even learn that a court exists. Item-level rules (who may
see or change an item) build on these and live in `checklists/access.py`.

- CCPOR staff (superusers and the CCPOR Team group) see every court.
- A court's members (court or sheriff's office staff) see that court.
- Everyone else sees nothing. CCPOR-only pages are wrapped in `ccpor_staff_required`.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect

from .models import Court, Membership


def signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_ccpor_staff(user) -> bool:
    """CCPOR Team staff: superusers and members of the CCPOR Team group."""
    if not signed_in(user):
        return False
    cached = getattr(user, "_is_ccpor_staff", None)
    if cached is None:
        cached = (
            user.is_superuser
            or user.groups.filter(name=settings.CCPOR_TEAM_GROUP).exists()
        )
        user._is_ccpor_staff = cached
    return cached


def ccpor_staff_q(prefix: str = "") -> Q:
    """CCPOR staff as a filter on users (or on any model reaching a user through
    `prefix`, e.g. "user__"): the SQL twin of `is_ccpor_staff`."""
    return Q(**{f"{prefix}is_superuser": True}) | Q(
        **{f"{prefix}groups__name": settings.CCPOR_TEAM_GROUP}
    )


def ccpor_staff_users() -> QuerySet:
    """Every active CCPOR staff member (superusers and the CCPOR Team group).

    The two kinds are gathered apart and joined (UNION): an OR across the group
    join made PostgreSQL read every user, 12 ms at 5,000 courts' members."""
    User = get_user_model()
    team = User.groups.through.objects.filter(
        group__name=settings.CCPOR_TEAM_GROUP
    ).values("user_id")
    superusers = User.objects.filter(is_superuser=True).values("pk")
    return User.objects.filter(pk__in=team.union(superusers), is_active=True)


def courts_for_user(user) -> QuerySet[Court]:
    """Every court for CCPOR staff; a member's own courts; none for strangers."""
    if is_ccpor_staff(user):
        return Court.objects.all()
    if not signed_in(user):
        return Court.objects.none()
    return Court.objects.filter(memberships__user=user)


def court_for_user(user, slug: str) -> Court:
    """The court with this slug if the user may see it; Http404 otherwise."""
    return get_object_or_404(courts_for_user(user), slug=slug)


def membership_for(user, court_id: int) -> Membership | None:
    """The user's membership of a court, or None. One query per request: all of the
    user's memberships are read once and kept on the user object."""
    if not signed_in(user):
        return None
    cached = getattr(user, "_memberships_by_court", None)
    if cached is None:
        cached = {m.court_id: m for m in Membership.objects.filter(user=user)}
        user._memberships_by_court = cached
    return cached.get(court_id)


def allowed_methods(methods: tuple[str, ...]) -> list[str]:
    """The HTTP methods a gate lets through: HEAD goes with GET."""
    return [*methods, "HEAD"] if "GET" in methods else list(methods)


def court_view(*methods: str):
    """Decorate a view of one court's pages (URL keyword `slug`).

    Anonymous visitors are sent to sign in; a court the user may not see is a 404
    whatever the HTTP method (a stranger learns nothing, not even from a 405); only
    then is the method checked. The view receives the `Court` instead of the slug.
    """
    allowed = allowed_methods(methods)

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, slug: str, *args, **kwargs):
            court = court_for_user(request.user, slug)
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, court, *args, **kwargs)

        return wrapped

    return decorator


def require(allowed: bool, message: str = "You may not do that.") -> None:
    """Turn a "no" from a `can_*` question into a 403."""
    if not allowed:
        raise PermissionDenied(message)


def ccpor_staff_required(view):
    """Let CCPOR staff through; send a member to their court (or to the court list
    when they belong to several or none); anonymous visitors to sign in."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if is_ccpor_staff(request.user):
            return view(request, *args, **kwargs)
        messages.info(request, "The dashboard is for the CCPOR Team.")
        own = list(courts_for_user(request.user)[:2])
        return redirect(own[0].get_absolute_url() if len(own) == 1 else "portal:home")

    return wrapped
