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
- "Not applicable" stands on someone's written word (`na_justifiers`,
  `na_refusal`): a readiness gate of the court or the sheriff's office only on
  that side's own (CCPOR staff cannot N/A it, one by one or in bulk); their other
  items on that side's or the CCPOR Team's; CCPOR Team and DOJ items on the CCPOR
  Team's. An evidence-required item is finished (done or N/A) only with its
  document. Only a recorded re-plan by CCPOR staff (`checklists.models.Replan`)
  makes an item N/A otherwise.
- Who may *own* an item (`owner_candidates`, `owner_refusal`): an active member of the
  item's actor's organisation at the item's court who is not a viewer, or a CCPOR
  staff member for a CCPOR Team item; nobody for a DOJ item. Whoever may update an
  item may name its owner. Meetings and the CCPOR Team's documents: CCPOR staff, on
  an onboarding that is not read-only.
"""

from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from courts.access import (
    allowed_methods,
    ccpor_staff_users,
    court_for_user,
    is_ccpor_staff,
    membership_for,
    signed_in,
)
from courts.models import Court, Membership

from .models import (
    ACTOR_FOR_ORGANISATION,
    ORGANISATION_FOR_ACTOR,
    Actor,
    ChecklistItem,
    Justifier,
    Onboarding,
)


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
        ChecklistItem.objects.visible_to(user)
        .filter(onboarding__court=court)
        .select_related(
            "onboarding",
            "phase",
            "updated_by",
            "completed_by",
            "verified_by",
            "owner",
        ),
        pk=item_pk,
    )
    item.onboarding.court = court
    return item


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


def email_answer_refusal(user, item: ChecklistItem) -> str:
    """Why this person may not answer this item from a mail's one-click links
    (notifications.answer_links), or "" if they may: court and sheriff's office
    people, for an open item of their own (they are its owner) that they may
    update. Never CCPOR staff or admin users: they act on the site, behind its
    second factor."""
    if user.is_staff or is_ccpor_staff(user):
        return (
            "CCPOR Team staff answer on the site (with their second factor), not "
            "from e-mail links."
        )
    if item.owner_id != user.pk:
        return f"You are no longer the owner of “{item.title}”."
    refusal = update_refusal(user, item)
    if refusal:
        return refusal
    if item.status not in ChecklistItem.OPEN_STATUSES:
        return f"“{item.title}” is already {item.get_status_display().lower()}."
    return ""


def na_justifiers(item: ChecklistItem) -> tuple[str, ...]:
    """Whose word may make this item not applicable (`Justifier` values): see the
    module's docstring."""
    if item.actor in (Actor.COURT, Actor.SHERIFF):
        if item.is_readiness_gate:
            return (item.actor, Justifier.REPLAN)
        return (item.actor, Justifier.CCPOR, Justifier.REPLAN)
    return (Justifier.CCPOR, Justifier.REPLAN)


def na_justifier(user, court_id: int) -> str | None:
    """Whose word an N/A given by the user is: the CCPOR Team's for CCPOR staff,
    else the organisation of their membership of the court (viewers give none)."""
    if is_ccpor_staff(user):
        return Justifier.CCPOR
    membership = membership_for(user, court_id)
    if membership is None or membership.role == Membership.Role.VIEWER:
        return None
    return ACTOR_FOR_ORGANISATION.get(membership.organisation)


def na_refusal(user, item: ChecklistItem) -> str:
    """Why the user may not mark this item not applicable, or ""."""
    if na_justifier(user, item.onboarding.court_id) in na_justifiers(item):
        return ""
    side = Actor(item.actor).label
    if item.actor in (Actor.COURT, Actor.SHERIFF) and item.is_readiness_gate:
        return (
            f"“{item.title}” is a readiness gate of the {side}: only the {side} "
            "marks it not applicable, with its own justification."
        )
    if item.actor in (Actor.COURT, Actor.SHERIFF):
        return (
            f"“{item.title}” is the {side}'s: only the {side} or the CCPOR Team marks "
            "it not applicable."
        )
    return (
        f"“{item.title}” is a {side} item: only the CCPOR Team marks it not "
        "applicable, with its justification."
    )


def na_stands(item: ChecklistItem) -> bool:
    """N/A, with a written justification given by a side whose word it needs."""
    return (
        item.status == ChecklistItem.Status.NOT_APPLICABLE
        and bool(item.na_justification.strip())
        and item.na_justified_by in na_justifiers(item)
    )


def lacks_evidence(item: ChecklistItem) -> bool:
    """Finished without the document its evidence requires (`has_evidence`, from the
    query): done, or N/A other than by a recorded re-plan."""
    if not item.evidence_required or item.has_evidence:
        return False
    if item.status == ChecklistItem.Status.NOT_APPLICABLE:
        return item.na_justified_by != Justifier.REPLAN
    return item.status == ChecklistItem.Status.DONE


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


def owner_candidates(item: ChecklistItem, *, actor: str | None = None) -> QuerySet:
    """Who may own the item (with `actor` instead of the item's own, for a form
    that changes both): see the module's docstring. One query when evaluated."""
    actor = actor or item.actor
    User = get_user_model()
    if actor == Actor.CCPOR:
        return ccpor_staff_users().order_by("last_name", "first_name", "username")
    organisation = ORGANISATION_FOR_ACTOR.get(actor)
    if organisation is None:
        return User.objects.none()
    members = (
        Membership.objects.filter(
            court_id=item.onboarding.court_id,
            organisation=organisation,
            user__is_active=True,
        )
        .exclude(role=Membership.Role.VIEWER)
        .values("user_id")
    )
    return User.objects.filter(pk__in=members).order_by(
        "last_name", "first_name", "username"
    )


def owner_refusal(item: ChecklistItem, user, *, actor: str | None = None) -> str:
    """Why `user` may not own the item, or "" if they may (or `user` is None: no
    owner)."""
    if user is None:
        return ""
    actor = actor or item.actor
    if owner_candidates(item, actor=actor).filter(pk=user.pk).exists():
        return ""
    if actor == Actor.CCPOR:
        return f"{user} is not CCPOR staff; a CCPOR Team item is owned by CCPOR staff."
    if actor not in ORGANISATION_FOR_ACTOR:
        return (
            f"A {Actor(actor).label} item has no owner here: nobody at the "
            f"{Actor(actor).label} is a member of the onboarding."
        )
    return (
        f"{user} is not an active {Actor(actor).label} member (other than a viewer) "
        "of this court; only they may own the item."
    )


def can_set_owner(user, item: ChecklistItem) -> bool:
    """Whoever may update the item may name its owner."""
    return can_update_item(user, item)


def can_schedule_meeting(user, item: ChecklistItem) -> bool:
    """CCPOR staff schedule meetings and trainings and keep their minutes, while the
    onboarding is open."""
    return (
        is_ccpor_staff(user)
        and item.is_schedulable
        and not item.onboarding.read_only_reason
    )


def can_upload_team_document(user, item: ChecklistItem) -> bool:
    """CCPOR staff attach their documents to the template item behind an item (from
    the page of an onboarding that is not read-only history)."""
    return (
        is_ccpor_staff(user)
        and item.template_item_id is not None
        and not item.onboarding.read_only_reason
    )


def offers_plan_changes(user, onboarding: Onboarding) -> bool:
    """Whether to offer moving Go-Live and changing the processing model: to CCPOR
    staff, for an active onboarding (the services refuse any other)."""
    return (
        can_manage_onboarding(user, onboarding)
        and onboarding.status == Onboarding.Status.ACTIVE
    )
