"""Who may do what in the Go-Live phase: the one place for these rules. The services
ask the same questions (so the admin and commands obey them too); pages ask them to
decide what to offer, and get a 404 for another court's records through
`courts.access.court_view` and the lookups below.

- CCPOR staff run the lifecycle (mark live, undo live, close, cancel, reopen) and
  record the go/no-go decision.
- A sign-off is given only by the person holding its role for the court: the court's
  executive officer (court membership, role executive officer), the sheriff's office
  liaison (SO membership, role liaison), or CCPOR staff for the CCPOR Team. CCPOR
  staff (and superusers) never speak for the court or the sheriff's office, whatever
  membership they might have (courts/separation.py keeps them from having one).
  One person signs at most one line of each set (golive.services). It is revoked by
  its signer or by CCPOR staff. CCPOR staff and the court's project lead ask for
  sign-offs.
- Court and SO members of a court (any role) and CCPOR staff report incidents on a
  live court, and after its close-out; CCPOR staff respond to them (status, owner,
  severity, resolution). The reporter adds information while it is unresolved, and
  once it is resolved confirms the fix or reopens it. Only a cancelled onboarding's
  incidents are read-only: a closed-out court still has incidents to answer.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from checklists.models import Onboarding
from checklists.selectors import court_current_onboarding
from courts.access import (
    allowed_methods,
    court_for_user,
    is_ccpor_staff,
    membership_for,
    signed_in,
)
from courts.models import Court, Membership

from .models import MEMBERSHIP_FOR_ROLE, Incident, SignOff, SignOffRole


def can_run_lifecycle(user) -> bool:
    """Mark live, undo live, close, cancel, reopen, go/no-go: CCPOR staff."""
    return is_ccpor_staff(user)


def holds_role(user, court_id: int, role: str) -> bool:
    """Whether the user holds this sign-off role for the court."""
    if role == SignOffRole.CCPOR:
        return is_ccpor_staff(user)
    if is_ccpor_staff(user):
        return False
    membership = membership_for(user, court_id)
    return membership is not None and (
        (membership.organisation, membership.role) == MEMBERSHIP_FOR_ROLE[role]
    )


def can_ask_sign_off(user, court_id: int) -> bool:
    """CCPOR staff and the court's project lead ask for sign-offs."""
    if is_ccpor_staff(user):
        return True
    membership = membership_for(user, court_id)
    return membership is not None and (
        membership.organisation == Membership.Organisation.COURT
        and membership.role == Membership.Role.PROJECT_LEAD
    )


def can_revoke_sign_off(user, sign_off: SignOff) -> bool:
    """The signer, or CCPOR staff."""
    return signed_in(user) and (
        sign_off.signed_by_id == user.pk or is_ccpor_staff(user)
    )


# The onboarding statuses in which a court's incidents are reported: once it is
# live, and after its close-out (a closed onboarding's checklist is history, but
# the court still runs CCPOR).
REPORTABLE = (Onboarding.Status.LIVE, Onboarding.Status.CLOSED)


def report_refusal(user, onboarding: Onboarding) -> str:
    """Why the user may not report an incident on this onboarding, or ""."""
    if not (is_ccpor_staff(user) or membership_for(user, onboarding.court_id)):
        return "Only this court's members and the CCPOR Team report its incidents."
    if onboarding.status not in REPORTABLE:
        return (
            "Incidents are reported once the court is live; this onboarding is "
            f"{onboarding.get_status_display().lower()}."
        )
    return ""


def can_report_incident(user, onboarding: Onboarding) -> bool:
    return not report_refusal(user, onboarding)


def incident_read_only_reason(incident: Incident) -> str:
    """Why nobody may change this incident, or "": only a cancelled onboarding's
    incidents are history (a closed-out court's are still answered)."""
    onboarding = incident.onboarding
    if onboarding.status != Onboarding.Status.CANCELLED:
        return ""
    return onboarding.read_only_reason


def update_refusal(user, incident: Incident) -> str:
    """Why the user may not respond to the incident, or "": CCPOR staff respond to
    incidents, unless the onboarding is cancelled."""
    if not is_ccpor_staff(user):
        return "Only the CCPOR Team responds to incidents."
    return incident_read_only_reason(incident)


def can_update_incident(user, incident: Incident) -> bool:
    return not update_refusal(user, incident)


def follow_up_refusal(user, incident: Incident) -> str:
    """Why the user may not add to this incident, confirm its fix or reopen it as
    its reporter, or "" (what the incident's status allows is the service's)."""
    if not signed_in(user) or incident.reported_by_id != user.pk:
        return (
            "Only the person who reported the incident adds to it, confirms the "
            "fix or reopens it; the CCPOR Team answers it."
        )
    if not (is_ccpor_staff(user) or membership_for(user, incident.onboarding.court_id)):
        return "Only this court's members and the CCPOR Team follow its incidents."
    return incident_read_only_reason(incident)


def can_follow_up_incident(user, incident: Incident) -> bool:
    return not follow_up_refusal(user, incident)


def onboarding_of(court: Court) -> Onboarding:
    """The court's current onboarding (open, else latest); 404 if it has none."""
    onboarding = court_current_onboarding(court)
    if onboarding is None:
        raise Http404("This court has no onboarding.")
    onboarding.court = court
    return onboarding


def incident_for(court: Court, pk: int) -> Incident:
    """An incident of this court (already one the user may see); 404 otherwise,
    also for another court's incident."""
    incident = get_object_or_404(
        Incident.objects.select_related("onboarding", "owner", "reported_by"),
        pk=pk,
        onboarding__court=court,
    )
    incident.onboarding.court = court
    return incident


def sign_off_for(onboarding: Onboarding, pk: int) -> SignOff:
    """A sign-off of this onboarding; 404 otherwise."""
    return get_object_or_404(
        SignOff.objects.select_related("signed_by"), pk=pk, onboarding=onboarding
    )


def incident_view(*methods: str):
    """Decorate a view of one incident (URL keywords `slug` and `pk`), as
    `checklists.access.item_view` does an item: sign-in first, then a 404 for a
    court the user may not see or an incident not of that court, whatever the
    method; only then the method. The view receives the court and the incident."""
    allowed = allowed_methods(methods)

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, slug: str, pk: int, *args, **kwargs):
            court = court_for_user(request.user, slug)
            incident = incident_for(court, pk)
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, court, incident, *args, **kwargs)

        return wrapped

    return decorator
