"""Who may see what, and who may change what: the one place that decides access.

Views never filter courts or items themselves; they ask here. Lookups answer 404 for a
record that does not exist *and* for one the user may not see (another court's, or an
internal-only item for a court or SO member), so a stranger cannot even learn that a
record exists. The `can_*` questions are asked of records the user may already see; a
"no" there is a 403 (or a refusal on the page), never a 404.

The rules:
- CCPOR staff (superusers and the CCPOR Team group) see every court and every item,
  update every item, verify a done item, reopen a finished one, reschedule Go-Live
  and change the processing model.
- A court's members see that court's onboarding, without internal-only items. Court
  members update items whose actor is the Court, SO members items whose actor is the
  Sheriff's Office, while the onboarding is open and the item is not yet verified (a
  verified item is reopened by CCPOR staff). Viewers only read and comment.
- CCPOR-only pages (the dashboard, its exports) are wrapped in `ccpor_staff_required`.
- Everyone else sees nothing.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect

from checklists.models import Actor, ChecklistItem, Evidence, Onboarding

from .models import Court, Membership

# The item actor that each member organisation answers for.
ACTOR_FOR_ORGANISATION = {
    Membership.Organisation.COURT: Actor.COURT,
    Membership.Organisation.SHERIFF: Actor.SHERIFF,
}


def _signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_ccpor_staff(user) -> bool:
    """CCPOR Team staff: superusers and members of the CCPOR Team group."""
    if not _signed_in(user):
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
    if not _signed_in(user):
        return Court.objects.none()
    return Court.objects.filter(memberships__user=user)


def court_for_user(user, slug: str) -> Court:
    """The court with this slug if the user may see it; Http404 otherwise."""
    return get_object_or_404(courts_for_user(user), slug=slug)


def court_view(*methods: str, item: bool = False):
    """Decorate a view of one court's pages (URL keywords `slug`, and `pk` for an item).

    Anonymous visitors are sent to sign in; a court, or with `item=True` an item, the
    user may not see is a 404 whatever the HTTP method (a stranger learns nothing, not
    even from a 405); only then is the method checked. The view receives the `Court`
    (or the `ChecklistItem`) instead of the slug (and pk).
    """
    allowed = [*methods, "HEAD"] if "GET" in methods else list(methods)

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, slug: str, *args, **kwargs):
            target = court_for_user(request.user, slug)
            if item:
                target = item_for_user(request.user, target, kwargs.pop("pk"))
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, target, *args, **kwargs)

        return wrapped

    return decorator


def membership_for(user, court_id: int) -> Membership | None:
    """The user's membership of a court, or None. One query per request: all of the
    user's memberships are read once and kept on the user object."""
    if not _signed_in(user):
        return None
    cached = getattr(user, "_memberships_by_court", None)
    if cached is None:
        cached = {m.court_id: m for m in Membership.objects.filter(user=user)}
        user._memberships_by_court = cached
    return cached.get(court_id)


def actor_for_user(user, court_id: int) -> str | None:
    """The item actor the user's organisation plays at this court ("my items"):
    the CCPOR Team for CCPOR staff, else the member's court or sheriff's office."""
    if is_ccpor_staff(user):
        return Actor.CCPOR
    membership = membership_for(user, court_id)
    if membership is None:
        return None
    return ACTOR_FOR_ORGANISATION.get(membership.organisation)


def item_visibility_q(user, prefix: str = "") -> Q:
    """Which items of a visible court the user may see, as a filter usable from any
    model that reaches an item through `prefix` (e.g. "item__" from Evidence)."""
    if is_ccpor_staff(user):
        return Q()
    return Q(**{f"{prefix}internal_only": False})


def items_for_user(user, onboarding: Onboarding) -> QuerySet[ChecklistItem]:
    """The items of an onboarding (of a court the user may see) that the user sees."""
    return ChecklistItem.objects.filter(
        item_visibility_q(user), onboarding_id=onboarding.pk
    )


def item_for_user(user, court: Court | str, item_pk: int) -> ChecklistItem:
    """The item if it belongs to a court (or court slug) the user may see and the user
    may see it; Http404 otherwise. `item.onboarding.court` is filled in."""
    if not isinstance(court, Court):
        court = court_for_user(user, court)
    item = get_object_or_404(
        ChecklistItem.objects.select_related(
            "onboarding", "phase", "updated_by", "completed_by", "verified_by"
        ).filter(item_visibility_q(user)),
        pk=item_pk,
        onboarding__court=court,
    )
    item.onboarding.court = court
    return item


def evidence_for_user(
    user, court: Court | str, item_pk: int, evidence_pk: int
) -> Evidence:
    """A piece of evidence, for those who may see its item; Http404 otherwise."""
    item = item_for_user(user, court, item_pk)
    return get_object_or_404(Evidence.objects.filter(item=item), pk=evidence_pk)


def update_refusal(user, item: ChecklistItem) -> str:
    """Why the user may not update this item (status, note, evidence), or "" if they
    may. The item must already be one the user can see."""
    if is_ccpor_staff(user):
        return ""
    membership = membership_for(user, item.onboarding.court_id)
    if membership is None:
        return "Only members of this court can update its items."
    if not item.onboarding.is_open:
        return (
            f"The onboarding is {item.onboarding.get_status_display().lower()}; "
            "its items can no longer be changed."
        )
    if membership.role == Membership.Role.VIEWER:
        return "Viewers can read the checklist but not change it."
    if ACTOR_FOR_ORGANISATION.get(membership.organisation) != item.actor:
        return (
            f"This item is for the {item.get_actor_display()}; "
            f"the {membership.get_organisation_display()} cannot update it."
        )
    if item.is_verified:
        return (
            "The CCPOR Team has verified this item; ask them to reopen it "
            "if it needs to change."
        )
    return ""


def can_update_item(user, item: ChecklistItem) -> bool:
    """Court members update Court items, SO members SO items, CCPOR staff every item."""
    return not update_refusal(user, item)


def can_comment(user, item: ChecklistItem) -> bool:
    """Anyone who sees the item and belongs to the project may discuss it."""
    return is_ccpor_staff(user) or (
        membership_for(user, item.onboarding.court_id) is not None
    )


def can_verify_item(user, item: ChecklistItem) -> bool:
    """CCPOR staff verify a done item that nobody has verified yet."""
    return (
        is_ccpor_staff(user)
        and item.status == ChecklistItem.Status.DONE
        and not item.is_verified
    )


def can_reopen_item(user, item: ChecklistItem) -> bool:
    """CCPOR staff reopen a finished (done or N/A) item."""
    return is_ccpor_staff(user) and item.is_finished


def can_manage_onboarding(user, onboarding: Onboarding) -> bool:
    """Go-Live date and processing model: CCPOR staff only."""
    return is_ccpor_staff(user)


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
        return redirect(own[0].get_absolute_url() if len(own) == 1 else "home")

    return wrapped
