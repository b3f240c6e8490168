"""Who may see and who may change a checklist item: the one place for item rules.

Built on `courts.access` (which court a person may see). Lookups answer 404 for an
item that does not exist *and* for one the user may not see (another court's, or an
internal-only item for a court or SO member). The `can_*` questions are asked of
items the user may already see; a "no" there is a 403 (or a refusal on the page).

- CCPOR staff see every item, update every item, verify a done item, reopen a
  finished one, reschedule Go-Live and change the processing model.
- A court's members see that court's items, without internal-only ones. Court members
  update items whose actor is the Court, SO members items whose actor is the Sheriff's
  Office, while the item is not yet verified (a verified item is reopened by CCPOR
  staff). Viewers only read and comment.
- A closed or cancelled onboarding is read-only for everyone, CCPOR staff included
  (`Onboarding.read_only_reason`; the services refuse too): nobody updates, verifies,
  reopens or comments on its items until CCPOR staff reopen the onboarding.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from courts.access import (
    allowed_methods,
    court_for_user,
    is_ccpor_staff,
    membership_for,
    signed_in,
)
from courts.models import Court, Membership

from .models import ACTOR_FOR_ORGANISATION, Actor, ChecklistItem, Evidence, Onboarding


def actor_for_user(user, court_id: int) -> str | None:
    """The item actor the user's organisation plays at this court ("my items"):
    the CCPOR Team for CCPOR staff, else the member's court or sheriff's office."""
    if is_ccpor_staff(user):
        return Actor.CCPOR
    membership = membership_for(user, court_id)
    if membership is None:
        return None
    return ACTOR_FOR_ORGANISATION.get(membership.organisation)


def items_for_user(user, onboarding: Onboarding) -> QuerySet[ChecklistItem]:
    """The items of an onboarding that the user sees."""
    return ChecklistItem.objects.visible_to(user).filter(onboarding_id=onboarding.pk)


def item_for_user(user, court: Court | str, item_pk: int) -> ChecklistItem:
    """The item if it belongs to a court (or court slug) the user may see and the user
    may see it; Http404 otherwise. `item.onboarding.court` is filled in."""
    if not isinstance(court, Court):
        court = court_for_user(user, court)
    item = get_object_or_404(
        ChecklistItem.objects.visible_to(user).select_related(
            "onboarding", "phase", "updated_by", "completed_by", "verified_by"
        ),
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


def item_view(*methods: str):
    """Decorate a view of one item (URL keywords `slug` and `pk`).

    Anonymous visitors are sent to sign in; an item the user may not see (or of a
    court they may not see) is a 404 whatever the HTTP method; only then is the method
    checked. The view receives the `ChecklistItem` instead of the slug and pk.
    """
    allowed = allowed_methods(methods)

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, slug: str, pk: int, *args, **kwargs):
            item = item_for_user(request.user, slug, pk)
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, item, *args, **kwargs)

        return wrapped

    return decorator


def update_refusal(user, item: ChecklistItem) -> str:
    """Why the user may not update this item (status, note, evidence), or "" if they
    may. The item must already be one the user can see."""
    if item.onboarding.read_only_reason:
        return item.onboarding.read_only_reason
    if is_ccpor_staff(user):
        return ""
    membership = membership_for(user, item.onboarding.court_id)
    if membership is None:
        return "Only members of this court can update its items."
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
    """Anyone who sees the item and belongs to the project may discuss it, while the
    onboarding is open."""
    if item.onboarding.read_only_reason:
        return False
    return is_ccpor_staff(user) or (
        membership_for(user, item.onboarding.court_id) is not None
    )


def can_edit_comment(user, comment) -> bool:
    """Only a comment's author edits it (the earlier text is kept)."""
    return (
        signed_in(user)
        and comment.author_id is not None
        and comment.author_id == user.pk
    )


def can_verify_item(user, item: ChecklistItem) -> bool:
    """CCPOR staff verify a done item that nobody has verified yet."""
    return (
        is_ccpor_staff(user)
        and item.status == ChecklistItem.Status.DONE
        and not item.is_verified
        and not item.onboarding.read_only_reason
    )


def can_reopen_item(user, item: ChecklistItem) -> bool:
    """CCPOR staff reopen a finished (done or N/A) item of an open onboarding."""
    return (
        is_ccpor_staff(user)
        and item.is_finished
        and not item.onboarding.read_only_reason
    )


def can_manage_onboarding(user, onboarding: Onboarding) -> bool:
    """Go-Live date and processing model: CCPOR staff only."""
    return is_ccpor_staff(user)


def offers_plan_changes(user, onboarding: Onboarding) -> bool:
    """Whether to offer moving Go-Live and changing the processing model: to CCPOR
    staff, for an active onboarding (the services refuse any other)."""
    return (
        can_manage_onboarding(user, onboarding)
        and onboarding.status == Onboarding.Status.ACTIVE
    )
