"""Incidents after Go-Live: reported, updated and resolved, with their response
clock and their mail (through the notifications outbox)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ccpor_onboard.lib.bounds import validate_values
from checklists.models import Onboarding

from .. import tasks
from ..access import (
    can_run_lifecycle,
    can_update_incident,
    report_refusal,
)
from ..models import (
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
    category: str,
) -> Incident:
    """Report an incident on a live court (court and SO members, CCPOR staff). Its
    first-response target follows from its severity. P1 and P2 e-mail the CCPOR
    Team at once; every incident e-mails the court's project lead (recorded as owed
    with the report, sent after commit by a Celery task: a mail failure never
    undoes the report)."""
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
    if there is none. Resolving needs the resolution. Every step is recorded (who,
    when, what changed, the note); a closed or cancelled onboarding's incidents are
    read-only."""
    note, resolution = (note or "").strip(), (resolution or "").strip()
    validate_values(IncidentEvent, note=note)
    validate_values(Incident, resolution=resolution)
    if not can_update_incident(by, incident):
        raise ValidationError(
            incident.onboarding.read_only_reason
            or "Only the CCPOR Team responds to incidents."
        )
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
            changes.append(f"Resolution withdrawn: {locked.resolution}")
            locked.resolution = ""
            locked.resolved_at = locked.resolved_by = None
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
    return locked
