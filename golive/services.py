"""Writes of the Go-Live phase. Every change of an onboarding's status after its
start comes through here; each is guarded, atomic and recorded (a `Transition`:
who, when, from, to, why). A refused change raises ValidationError naming what
blocks, and changes nothing.

The lifecycle: not started → active (`checklists.services.onboarding_start`) → live
(`onboarding_mark_live`) → closed (`onboarding_close`). Exceptions: active →
cancelled (`onboarding_cancel`); live → active to undo a mistaken "live"
(`onboarding_undo_live`); closed → live and cancelled → active (`onboarding_reopen`).
Undo, cancel and reopen need a reason; all are for CCPOR staff.
"""

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.dates import today_in_california
from checklists import services as checklists_services
from checklists.limits import history_reason
from checklists.models import Onboarding
from notifications.models import Kind
from notifications.services import notify

from . import tasks
from .access import (
    can_ask_sign_off,
    can_revoke_sign_off,
    can_run_lifecycle,
    can_update_incident,
    holds_role,
    report_refusal,
)
from .models import (
    SIGN_OFF_STATUS,
    GoNoGoDecision,
    Incident,
    IncidentEvent,
    IncidentMail,
    SignOff,
    SignOffKind,
    SignOffRequest,
    SignOffRole,
    Transition,
    role_in_sentence,
    sign_off_roles,
)
from .readiness import Blocker
from .selectors import close_readiness_for, live_readiness_for

Status = Onboarding.Status
STATEMENT_MAX = 1000


class TransitionRefused(ValidationError):
    """A transition refused by its gate: the messages name every blocker, and
    `blockers` keeps them with the page that fixes each one."""

    def __init__(self, blockers: list[Blocker]):
        super().__init__([b.message for b in blockers], code="blocked")
        self.blockers = blockers


def _required_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Say why {what}; the reason is kept."})
    return reason


def _lock(onboarding: Onboarding) -> Onboarding:
    return (
        Onboarding.objects.select_for_update(of=("self",))
        .select_related("court")
        .get(pk=onboarding.pk)
    )


def _wrong_status(onboarding: Onboarding, what: str) -> ValidationError:
    return ValidationError(
        f"Only {what}; this one is {onboarding.get_status_display().lower()}."
    )


def _transition(
    *,
    onboarding: Onboarding,
    by,
    kind: str,
    allowed_from: dict[str, str],
    wrong_status: str,
    reason: str = "",
    gate: Callable[[Onboarding], list[Blocker]] | None = None,
) -> Onboarding:
    """Move the onboarding from one of `allowed_from` (status → new status), once
    `gate` finds nothing blocking; record the transition. All or nothing."""
    if not can_run_lifecycle(by):
        raise ValidationError(
            "Only the CCPOR Team moves an onboarding through its lifecycle."
        )
    try:
        with transaction.atomic():
            locked = _lock(onboarding)
            if locked.status not in allowed_from:
                raise _wrong_status(locked, wrong_status)
            if gate is not None:
                blockers = gate(locked)
                if blockers:
                    raise TransitionRefused(blockers)
            from_status, now = locked.status, timezone.now()
            locked.status = allowed_from[from_status]
            locked.status_changed_at = now
            locked.version += 1  # a stale admin form of it is refused
            locked._change_reason = history_reason(
                f"{Transition.Kind(kind).label}: {reason}".strip(": ")
            )
            locked._history_user = by
            locked.save(
                update_fields=["status", "status_changed_at", "version", "updated_at"]
            )
            Transition.objects.create(
                onboarding=locked,
                kind=kind,
                from_status=from_status,
                to_status=locked.status,
                reason=reason,
                by=by,
                at=now,
            )
    except IntegrityError as exc:
        # Only a reopen can break the database's one-open-onboarding rule (two
        # reopens racing past `_reopen_gate`).
        if kind != Transition.Kind.REOPEN:
            raise
        raise ValidationError(
            f"{onboarding.court} already has an open onboarding; it cannot have two."
        ) from exc
    onboarding.status = locked.status
    onboarding.status_changed_at = locked.status_changed_at
    onboarding.version = locked.version
    return locked


def _live_gate(onboarding: Onboarding) -> list[Blocker]:
    return live_readiness_for([onboarding])[onboarding.pk].blockers


def _close_gate(onboarding: Onboarding) -> list[Blocker]:
    return close_readiness_for([onboarding])[onboarding.pk].blockers


def onboarding_mark_live(*, onboarding: Onboarding, by) -> Onboarding:
    """Active → live, only when every readiness gate is done or N/A (justified),
    every evidence-required item done has its document, the acceptance sign-offs
    are recorded and the latest go/no-go decision is "go" for the current Go-Live
    date. Otherwise TransitionRefused lists every blocker."""
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.MARK_LIVE,
        allowed_from={Status.ACTIVE: Status.LIVE},
        wrong_status="an active onboarding can be marked live",
        gate=_live_gate,
    )


def onboarding_undo_live(*, onboarding: Onboarding, by, reason: str) -> Onboarding:
    """Live → active, to undo a mistaken "live" (until close-out), with a reason."""
    reason = _required_reason(reason, "the onboarding goes back to active")
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.UNDO_LIVE,
        allowed_from={Status.LIVE: Status.ACTIVE},
        wrong_status="a live onboarding can go back to active",
        reason=reason,
    )


def onboarding_close(*, onboarding: Onboarding, by) -> Onboarding:
    """Live → closed, only when every item is done (with its document where evidence
    is required) or N/A, no P1 or P2 incident is unresolved and the close-out
    sign-offs are recorded. The closed onboarding is read-only history."""
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.CLOSE,
        allowed_from={Status.LIVE: Status.CLOSED},
        wrong_status="a live onboarding can be closed",
        gate=_close_gate,
    )


def onboarding_cancel(*, onboarding: Onboarding, by, reason: str) -> Onboarding:
    """Active → cancelled, with a reason. The court may then start a new onboarding,
    or CCPOR staff reopen this one."""
    reason = _required_reason(reason, "the onboarding is cancelled")
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.CANCEL,
        allowed_from={Status.ACTIVE: Status.CANCELLED},
        wrong_status="an active onboarding can be cancelled",
        reason=reason,
    )


def _reopen_gate(onboarding: Onboarding) -> list[Blocker]:
    other = (
        Onboarding.objects.open()
        .filter(court_id=onboarding.court_id)
        .exclude(pk=onboarding.pk)
        .first()
    )
    if other is None:
        return []
    return [
        Blocker(
            kind="status",
            message=(
                f"{onboarding.court} already has an open onboarding (Go-Live "
                f"{other.go_live_date:%b %-d, %Y}); a court has one at a time."
            ),
        )
    ]


def onboarding_reopen(*, onboarding: Onboarding, by, reason: str) -> Onboarding:
    """Closed → live (the court stays live; the close-out is done again) or
    cancelled → active, with a reason; refused while the court has another open
    onboarding."""
    reason = _required_reason(reason, "the onboarding is reopened")
    return _transition(
        onboarding=onboarding,
        by=by,
        kind=Transition.Kind.REOPEN,
        allowed_from={Status.CLOSED: Status.LIVE, Status.CANCELLED: Status.ACTIVE},
        wrong_status="a closed or cancelled onboarding can be reopened",
        reason=reason,
        gate=_reopen_gate,
    )


# --- Go/no-go ----------------------------------------------------------------------


def go_no_go_record(
    *,
    onboarding: Onboarding,
    by,
    decision: str,
    reason: str = "",
    new_go_live_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> GoNoGoDecision:
    """Record the go/no-go meeting's decision on an active onboarding, with the
    readiness at that moment: go; no-go (with the reason); or postpone to a new
    date (with the reason), which moves Go-Live and every open item through the
    reschedule service. CCPOR staff only."""
    if not can_run_lifecycle(by):
        raise ValidationError("Only the CCPOR Team records the go/no-go decision.")
    if decision not in GoNoGoDecision.Decision.values:
        raise ValidationError({"decision": f"“{decision}” is not a decision."})
    reason = (reason or "").strip()
    errors = {}
    if decision != GoNoGoDecision.Decision.GO and not reason:
        errors["reason"] = "Say why; a no-go or a postponement needs its reason."
    if decision == GoNoGoDecision.Decision.POSTPONE and new_go_live_date is None:
        errors["new_go_live_date"] = "Give the new Go-Live date."
    if errors:
        raise ValidationError(errors)
    today = today or today_in_california()
    with transaction.atomic():
        locked = _lock(onboarding)
        if locked.status != Status.ACTIVE:
            raise _wrong_status(locked, "an active onboarding has a go/no-go meeting")
        now = timezone.now()
        snapshot = live_readiness_for([locked])[locked.pk].snapshot(at=now)
        record = GoNoGoDecision(
            onboarding=locked,
            decision=decision,
            reason=reason,
            go_live_date=locked.go_live_date,
            readiness=snapshot,
            decided_by=by,
        )
        if decision == GoNoGoDecision.Decision.POSTPONE:
            try:
                record.go_live_change = checklists_services.onboarding_reschedule(
                    onboarding=locked,
                    go_live_date=new_go_live_date,
                    reason=f"Postponed at the go/no-go meeting: {reason}",
                    by=by,
                    today=today,
                )
            except ValidationError as exc:
                messages = exc.message_dict.get("go_live_date", exc.messages)
                raise ValidationError({"new_go_live_date": messages}) from exc
            record.new_go_live_date = new_go_live_date
        record.save()
    onboarding.go_live_date = locked.go_live_date
    return record


# --- Sign-offs ---------------------------------------------------------------------


def _sign_off_rules(onboarding: Onboarding, kind: str, role: str) -> None:
    if kind not in SignOffKind.values:
        raise ValidationError(f"“{kind}” is not a kind of sign-off.")
    if role not in SignOffRole.values:
        raise ValidationError(f"“{role}” is not a sign-off role.")
    label = SignOffKind(kind).label.lower()
    needed = SIGN_OFF_STATUS[kind]
    if onboarding.status != needed:
        raise ValidationError(
            f"The {label} sign-offs are given while the onboarding is "
            f"{Status(needed).label.lower()}; this one is "
            f"{onboarding.get_status_display().lower()}."
        )
    if role not in sign_off_roles(onboarding):
        raise ValidationError(
            "The sheriff's office does not participate in this onboarding; no SO "
            "liaison sign-off is needed."
        )


def _signer_name(user) -> str:
    return user.get_full_name() or user.get_username()


def sign_off_give(
    *, onboarding: Onboarding, kind: str, role: str, by, statement: str
) -> SignOff:
    """A named person signs for their role: acceptance testing (while active) or
    close-out (while live). Only the person holding that role for the court may
    sign; the CCPOR Team signs last; one standing signature per role. The
    statement is kept as given, never edited."""
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": "Write the statement you sign."})
    if len(statement) > STATEMENT_MAX:
        raise ValidationError(
            {"statement": f"Keep the statement to {STATEMENT_MAX} characters."}
        )
    with transaction.atomic():
        locked = _lock(onboarding)
        _sign_off_rules(locked, kind, role)
        role_label = role_in_sentence(role)
        if not holds_role(by, locked.court_id, role):
            raise ValidationError(
                f"Only the {role_label} of {locked.court} can give this sign-off."
            )
        standing = {
            s.role: s
            for s in SignOff.objects.standing().filter(onboarding=locked, kind=kind)
        }
        if role in standing:
            s = standing[role]
            raise ValidationError(
                f"The {role_label} already signed ({s.signer_name}, "
                f"{timezone.localtime(s.signed_at):%b %-d, %Y}); it must be revoked "
                "before it is signed again."
            )
        if role == SignOffRole.CCPOR:
            missing = [
                role_in_sentence(r)
                for r in sign_off_roles(locked)
                if r != SignOffRole.CCPOR and r not in standing
            ]
            if missing:
                raise ValidationError(
                    "The CCPOR Team signs last; waiting for the "
                    + " and the ".join(missing)
                    + "."
                )
        sign_off = SignOff.objects.create(
            onboarding=locked,
            kind=kind,
            role=role,
            statement=statement,
            signed_by=by,
            signer_name=_signer_name(by),
            signed_at=timezone.now(),
        )
    return sign_off


def sign_off_revoke(*, sign_off: SignOff, by, reason: str) -> SignOff:
    """Revoke a signature, with a reason (kept with it). By its signer or CCPOR
    staff, while the onboarding is in the status its kind is given in. Revoking a
    court or SO signature revokes the CCPOR Team's of the same kind too, since the
    team signs last, on the others' word."""
    reason = _required_reason(reason, "the sign-off is revoked")
    if not can_revoke_sign_off(by, sign_off):
        raise ValidationError(
            "Only its signer or the CCPOR Team can revoke a sign-off."
        )
    with transaction.atomic():
        locked_onboarding = _lock(sign_off.onboarding)
        _sign_off_rules(locked_onboarding, sign_off.kind, sign_off.role)
        locked = SignOff.objects.select_for_update().get(pk=sign_off.pk)
        if locked.is_revoked:
            raise ValidationError("This sign-off was already revoked.")
        now = timezone.now()
        to_revoke = [(locked, reason)]
        if locked.role != SignOffRole.CCPOR:
            team = (
                SignOff.objects.standing()
                .select_for_update()
                .filter(
                    onboarding=locked_onboarding,
                    kind=locked.kind,
                    role=SignOffRole.CCPOR,
                )
                .first()
            )
            if team is not None:
                to_revoke.append(
                    (
                        team,
                        f"Revoked with the {role_in_sentence(locked.role)}'s "
                        f"sign-off: {reason}",
                    )
                )
        for signature, why in to_revoke:
            signature.revoked_at, signature.revoked_by = now, by
            signature.revoke_reason = why
            signature.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return locked


def sign_off_ask(
    *, onboarding: Onboarding, kind: str, role: str, asked, by, message: str = ""
) -> SignOffRequest:
    """Ask a named person for a sign-off they may give; they are e-mailed once the
    request is saved. By CCPOR staff or the court's project lead."""
    if not can_ask_sign_off(by, onboarding.court_id):
        raise ValidationError(
            "Only the CCPOR Team and the court's project lead ask for sign-offs."
        )
    with transaction.atomic():
        locked = _lock(onboarding)
        _sign_off_rules(locked, kind, role)
        role_label = role_in_sentence(role)
        if not holds_role(asked, locked.court_id, role):
            raise ValidationError(
                {"asked": f"{asked} is not the {role_label} of {locked.court}."}
            )
        if not asked.email:
            raise ValidationError(
                {"asked": f"{asked} has no e-mail address to be asked at."}
            )
        if (
            SignOff.objects.standing()
            .filter(onboarding=locked, kind=kind, role=role)
            .exists()
        ):
            raise ValidationError(f"The {role_label} has already signed.")
        request = SignOffRequest.objects.create(
            onboarding=locked,
            kind=kind,
            role=role,
            asked=asked,
            asked_by=by,
            message=(message or "").strip(),
        )
        # Through the notifications outbox: batched, the person's choice applies.
        notify(
            kind=Kind.SIGNOFF_ASKED,
            court=locked.court,
            subject=(
                f"{by} asks for your sign-off, as {role_label}, of the "
                f"{request.get_kind_display().lower()} of {locked.court}'s CCPOR "
                "onboarding"
            ),
            text=request.message,
            link=reverse("golive:sign_offs", kwargs={"slug": locked.court.slug}),
            recipients=[asked],
            by=by,
        )
    return request


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
    elif len(title) > 200:
        errors["title"] = "Keep the title to 200 characters."
    if not description:
        errors["description"] = "Describe what happens (never protective-order data)."
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
