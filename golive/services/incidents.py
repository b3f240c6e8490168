"""Incidents after Go-Live: reported, updated and resolved, with their response
clock and their mail (through the notifications outbox)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.bounds import validate_values
from checklists.models import Onboarding
from notifications.models import Kind
from notifications.services import notify

from .. import signals, tasks
from ..access import (
    can_run_lifecycle,
    follow_up_refusal,
    report_refusal,
    update_refusal,
)
from ..models import (
    FollowUp,
    Incident,
    IncidentEvent,
    IncidentMail,
)
from .lifecycle import _lock

# --- Incidents ---------------------------------------------------------------------


def incident_report(
    *,
    onboarding: Onboarding,
    by,
    title: str,
    description: str,
    severity: str,
    category: str = Incident.Category.OTHER,
) -> Incident:
    """Report an incident on a live or closed-out court (court and SO members, CCPOR
    staff), filed under "Other" unless a category is given. Its first-response
    target follows from its severity. P1 and P2 e-mail the CCPOR Team at once;
    every incident e-mails the court's project lead (recorded as owed with the
    report, sent after commit by a Celery task: a mail failure never undoes the
    report)."""
    title, description = (title or "").strip(), (description or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Give the incident a short title."
    if not description:
        errors["description"] = "Describe what happens (never protective-order data)."
    try:
        validate_values(Incident, title=title, description=description)
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if severity not in Incident.Severity.values:
        errors["severity"] = "Choose a severity from P1 to P4."
    if category not in Incident.Category.values:
        errors["category"] = "Choose a category."
    if errors:
        raise ValidationError(errors)
    refusal = report_refusal(by, onboarding)
    if refusal:
        raise ValidationError(refusal)
    with transaction.atomic():
        locked = _lock(onboarding)
        refusal = report_refusal(by, locked)
        if refusal:
            raise ValidationError(refusal)
        now = timezone.now()
        incident = Incident.objects.create(
            onboarding=locked,
            title=title,
            description=description,
            severity=severity,
            category=category,
            reported_by=by,
            reported_at=now,
            respond_by=Incident.RESPONSE_TARGETS[severity].due(now),
        )
        IncidentEvent.objects.create(
            incident=incident,
            to_status=Incident.Status.OPEN,
            changes=f"Reported ({severity}, {incident.get_category_display()})",
            by=by,
            at=now,
        )
        # Owed in the same transaction as the report: the backstop finds it even
        # if the task below is never queued.
        IncidentMail.objects.create(incident=incident)
        signals.incident_reported.send(sender=Incident, incident=incident, by=by)
        tasks.queue(tasks.send_incident_mail, incident.pk)
    return incident


# Status moves an incident may make (a resolved one is reopened to investigating).
INCIDENT_MOVES = {
    Incident.Status.OPEN: {Incident.Status.INVESTIGATING, Incident.Status.RESOLVED},
    Incident.Status.INVESTIGATING: {Incident.Status.RESOLVED},
    Incident.Status.RESOLVED: {Incident.Status.INVESTIGATING},
}


def incident_update(
    *,
    incident: Incident,
    by,
    status: str,
    owner,
    severity: str,
    note: str = "",
    resolution: str = "",
) -> Incident:
    """The CCPOR Team responds to an incident: status (open → investigating →
    resolved; resolved → investigating reopens it, with a note), owner (CCPOR
    staff), severity (the target is counted again from the report) and a note. The
    first move out of "open" is the first response; the responder becomes the owner
    if there is none. Resolving needs the resolution, and mails the reporter (the
    notifications outbox) to confirm the fix or reopen it. Every step is recorded
    (who, when, what changed, the note); a cancelled onboarding's incidents are
    read-only (a closed-out court's are still answered)."""
    note, resolution = (note or "").strip(), (resolution or "").strip()
    validate_values(IncidentEvent, note=note)
    validate_values(Incident, resolution=resolution)
    refusal = update_refusal(by, incident)
    if refusal:
        raise ValidationError(refusal)
    if status not in Incident.Status.values:
        raise ValidationError({"status": f"“{status}” is not an incident status."})
    if severity not in Incident.Severity.values:
        raise ValidationError({"severity": "Choose a severity from P1 to P4."})
    if owner is not None and not can_run_lifecycle(owner):
        raise ValidationError({"owner": f"{owner} is not in the CCPOR Team."})
    with transaction.atomic():
        locked = (
            Incident.objects.select_for_update(of=("self",))
            .select_related("owner")
            .get(pk=incident.pk)
        )
        before = locked.status
        if status != before and status not in INCIDENT_MOVES[before]:
            raise ValidationError(
                {
                    "status": "An incident that is "
                    f"{locked.get_status_display().lower()} cannot become "
                    f"{Incident.Status(status).label.lower()}."
                }
            )
        if status == Incident.Status.RESOLVED and not (
            resolution or (before == Incident.Status.RESOLVED and locked.resolution)
        ):
            raise ValidationError({"resolution": "Say how the incident was resolved."})
        if before == Incident.Status.RESOLVED and status != before and not note:
            raise ValidationError({"note": "Say why the incident is reopened."})
        now = timezone.now()
        changes = []
        if owner is None and locked.owner is None and status != Incident.Status.OPEN:
            owner = by
        if owner != locked.owner:
            changes.append(f"Owner: {owner or 'nobody'}")
            locked.owner = owner
        if severity != locked.severity:
            changes.append(f"Severity {locked.severity} → {severity}")
            locked.severity = severity
            locked.respond_by = Incident.RESPONSE_TARGETS[severity].due(
                locked.reported_at
            )
        if before == Incident.Status.OPEN and status != before:
            locked.responded_at, locked.responded_by = now, by
        if status == Incident.Status.RESOLVED:
            if before != status:
                locked.resolved_at, locked.resolved_by = now, by
            if resolution and resolution != locked.resolution:
                if before == status:
                    changes.append("Resolution changed")
                locked.resolution = resolution
        elif before == Incident.Status.RESOLVED:
            changes.append(_withdraw_resolution(locked))
        if status == before and not changes and not note:
            raise ValidationError("Nothing changed: change something or add a note.")
        locked.status = status
        locked.save()
        IncidentEvent.objects.create(
            incident=locked,
            from_status=before,
            to_status=status,
            changes="; ".join(changes)[:300],
            note=note,
            by=by,
            at=now,
        )
        if status == Incident.Status.RESOLVED and before != status:
            _tell_the_reporter(locked, by=by)
            signals.incident_resolved.send(sender=Incident, incident=locked, by=by)
    return locked


def _withdraw_resolution(incident: Incident) -> str:
    """Reopen a resolved incident in memory: its resolution and the reporter's
    confirmation no longer stand. Returns the change, in words."""
    change = f"Resolution withdrawn: {incident.resolution}"
    incident.resolution = ""
    incident.resolved_at = incident.resolved_by = None
    incident.fix_confirmed_at = None
    return change


def _incident_path(incident: Incident) -> str:
    return reverse(
        "golive:incident_detail",
        kwargs={"slug": incident.onboarding.court.slug, "pk": incident.pk},
    )


def _tell_the_reporter(incident: Incident, *, by) -> None:
    """The reporter hears that the incident is resolved, with the resolution, and is
    asked to confirm the fix or reopen it (never when they resolved it themselves).
    Dropped at send time if, meanwhile, it was reopened or resolved otherwise."""
    notify(
        kind=Kind.INCIDENT_RESOLVED,
        court=incident.onboarding.court,
        subject=f"Incident #{incident.pk} “{incident.title}” is resolved",
        text=incident.resolution,
        link=_incident_path(incident),
        recipients=[incident.reported_by],
        by=by,
        about=incident,
        still_if={
            "status": Incident.Status.RESOLVED,
            "resolution": incident.resolution,
        },
    )


# What must still hold when the news of a follow-up is mailed: a reopened incident
# not yet resolved again, a confirmation not withdrawn (information added stays
# news).
FOLLOW_UP_STILL_IF = {
    FollowUp.REOPEN: {"status__in": list(Incident.UNRESOLVED)},
    FollowUp.CONFIRM: {"fix_confirmed_at__isnull": False},
}


# --- The reporter's follow-up -------------------------------------------------------


def incident_follow_up(
    *, incident: Incident, by, action: str, note: str = ""
) -> Incident:
    """The reporter keeps the incident going: adds information while it is open or
    investigated (`FollowUp.ADD`, the note required); once it is resolved, confirms
    the fix (`CONFIRM`, a note optional) or reopens it (`REOPEN`, saying why: back
    to investigating, the resolution withdrawn). Each is a step of the incident's
    history, and tells the CCPOR Team: the owner, or the team when nobody owns it.
    Only the reporter, still of the court, while the onboarding is not cancelled."""
    note = (note or "").strip()
    validate_values(IncidentEvent, note=note)
    if action not in FollowUp.values:
        raise ValidationError(f"“{action}” is not something a reporter does.")
    refusal = follow_up_refusal(by, incident)
    if refusal:
        raise ValidationError(refusal)
    if action in (FollowUp.ADD, FollowUp.REOPEN) and not note:
        raise ValidationError(
            {
                "note": "Say what you add."
                if action == FollowUp.ADD
                else "Say why the incident is reopened: what still goes wrong."
            }
        )
    with transaction.atomic():
        locked = (
            Incident.objects.select_for_update(of=("self",))
            .select_related("onboarding__court", "owner")
            .get(pk=incident.pk)
        )
        before = locked.status
        refusal = _follow_up_status_refusal(locked, action)
        if refusal:
            raise ValidationError(refusal)
        now = timezone.now()
        if action == FollowUp.ADD:
            changes, subject = "Information added by the reporter", "adds information"
        elif action == FollowUp.CONFIRM:
            locked.fix_confirmed_at = now
            changes, subject = "Fix confirmed by the reporter", "confirms the fix"
        else:
            changes = "Reopened by the reporter; " + _withdraw_resolution(locked)
            locked.status = Incident.Status.INVESTIGATING
            subject = "reopens it"
        locked.save()
        IncidentEvent.objects.create(
            incident=locked,
            from_status=before,
            to_status=locked.status,
            changes=changes[:300],
            note=note,
            by=by,
            at=now,
        )
        notify(
            kind=Kind.INCIDENT_FOLLOW_UP,
            court=locked.onboarding.court,
            subject=f"Incident #{locked.pk} “{locked.title}”: {by} {subject}",
            text=note,
            link=_incident_path(locked),
            recipients=[locked.owner],
            # Nobody (active) owns it yet: whoever of the team picks it up.
            team=locked.owner is None or not locked.owner.is_active,
            by=by,
            data={"action": action},
            about=locked,
            still_if=FOLLOW_UP_STILL_IF.get(action),
        )
    return locked


def _follow_up_status_refusal(incident: Incident, action: str) -> str:
    """Why the incident's status does not allow this follow-up now, or ""."""
    if action == FollowUp.ADD:
        if incident.is_unresolved:
            return ""
        return (
            "The incident is resolved: confirm the fix, or reopen it saying what "
            "still goes wrong."
        )
    if incident.status != Incident.Status.RESOLVED:
        return (
            "The incident is not resolved yet: add information instead; you are "
            "e-mailed once it is resolved."
        )
    if incident.fix_confirmed_at is not None:
        return (
            "You confirmed the fix on "
            f"{timezone.localtime(incident.fix_confirmed_at):%b %-d, %Y}; if the "
            "problem is back, report a new incident."
        )
    return ""
