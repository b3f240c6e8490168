"""The Go-Live phase: the onboarding's lifecycle after its start (transitions), the
go/no-go decision, named sign-offs, and incidents after Go-Live.

The onboarding's `status` itself stays on `checklists.Onboarding`; only the services
of this app move it on (see golive/services.py), and each move is kept here.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q

from ccpor_onboard.lib.bounds import (
    DESCRIPTION_MAX,
    IN_WINDOW,
    NOTE_MAX,
    ONE_LINE,
    REASON_MAX,
    bounded_text,
)
from ccpor_onboard.lib.business_time import BusinessHours
from ccpor_onboard.lib.holidays import judicial_holiday
from checklists.models import GoLiveChange, Onboarding
from courts.models import Membership
from notifications.outbox import OutboxRow

OnboardingStatus = Onboarding.Status


class Transition(models.Model):
    """One move of an onboarding's status: who, when, from, to and why. Written by
    the services only, never edited."""

    class Kind(models.TextChoices):
        MARK_LIVE = "mark_live", "Marked live"
        UNDO_LIVE = "undo_live", "Live undone (back to active)"
        CLOSE = "close", "Closed"
        CANCEL = "cancel", "Cancelled"
        REOPEN = "reopen", "Reopened"
        # Written once by a migration for onboardings that had left "active" before
        # transitions were recorded (through the old admin status field, unguarded).
        RECORDED = "recorded", "Status found when the lifecycle history began"

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.CASCADE, related_name="transitions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(
        max_length=10, choices=OnboardingStatus.choices, blank=True
    )
    to_status = models.CharField(max_length=10, choices=OnboardingStatus.choices)
    reason = bounded_text(max_length=REASON_MAX, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(validators=IN_WINDOW)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.onboarding.court}: {self.get_kind_display()}"


class GoNoGoDecision(models.Model):
    """The decision of a go/no-go meeting, with the readiness it was taken on."""

    class Decision(models.TextChoices):
        GO = "go", "Go"
        NO_GO = "no_go", "No-go"
        POSTPONE = "postpone", "Postpone to a new date"

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.CASCADE, related_name="go_no_go_decisions"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = bounded_text(max_length=REASON_MAX, blank=True)
    # The Go-Live date the meeting decided on: a "go" counts only for that date.
    go_live_date = models.DateField(validators=IN_WINDOW)
    new_go_live_date = models.DateField(null=True, blank=True, validators=IN_WINDOW)
    go_live_change = models.ForeignKey(
        GoLiveChange,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The Go-Live move a postponement made (through the reschedule).",
    )
    # `golive.readiness.Readiness.snapshot()` at the moment of the decision.
    readiness = models.JSONField(default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = "go/no-go decision"

    def __str__(self) -> str:
        return f"{self.onboarding.court}: {self.get_decision_display()}"


class SignOffKind(models.TextChoices):
    ACCEPTANCE = "acceptance", "Acceptance testing"
    CLOSE_OUT = "close_out", "Close-out"


class SignOffRole(models.TextChoices):
    EXECUTIVE_OFFICER = "executive_officer", "Court executive officer"
    SO_LIAISON = "so_liaison", "Sheriff's office liaison"
    CCPOR = "ccpor", "CCPOR Team"


def role_in_sentence(role: str) -> str:
    """A role as it reads inside a sentence: "court executive officer", "sheriff's
    office liaison", "CCPOR Team"."""
    label = SignOffRole(role).label
    return label if role == SignOffRole.CCPOR else label[0].lower() + label[1:]


# Which court membership holds each court-side role; the CCPOR Team's role is held
# by CCPOR staff (`courts.access.is_ccpor_staff`).
MEMBERSHIP_FOR_ROLE = {
    SignOffRole.EXECUTIVE_OFFICER: (
        Membership.Organisation.COURT,
        Membership.Role.EXECUTIVE_OFFICER,
    ),
    SignOffRole.SO_LIAISON: (Membership.Organisation.SHERIFF, Membership.Role.LIAISON),
}

# The order in which the roles sign: the CCPOR Team signs last.
SIGN_OFF_ORDER = (
    SignOffRole.EXECUTIVE_OFFICER,
    SignOffRole.SO_LIAISON,
    SignOffRole.CCPOR,
)
# The onboarding status in which each kind of sign-off is given or revoked.
SIGN_OFF_STATUS = {
    SignOffKind.ACCEPTANCE: OnboardingStatus.ACTIVE,
    SignOffKind.CLOSE_OUT: OnboardingStatus.LIVE,
}


def sign_off_roles(onboarding: Onboarding) -> tuple[str, ...]:
    """The roles whose sign-off an onboarding needs, in signing order: the court's
    executive officer, the SO liaison when the sheriff's office participates, and
    the CCPOR Team last."""
    return tuple(
        role
        for role in SIGN_OFF_ORDER
        if role != SignOffRole.SO_LIAISON or onboarding.so_participates
    )


class SignOffQuerySet(models.QuerySet):
    def standing(self) -> "SignOffQuerySet":
        """Signatures that have not been revoked."""
        return self.filter(revoked_at__isnull=True)


class SignOff(models.Model):
    """A named person's statement, at a time, for a role: never edited; revoked with
    a reason, and the revocation is kept."""

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.PROTECT, related_name="sign_offs"
    )
    kind = models.CharField(max_length=20, choices=SignOffKind.choices)
    role = models.CharField(max_length=20, choices=SignOffRole.choices)
    statement = bounded_text(max_length=REASON_MAX)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The signer's name as it was when they signed (a user may be renamed later).
    signer_name = models.CharField(max_length=300, validators=ONE_LINE)
    signed_at = models.DateTimeField(validators=IN_WINDOW)
    revoked_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The reason typed (REASON_MAX), or for the CCPOR Team's signature revoked with
    # a court's, that reason after a sentence saying so: room for both.
    revoke_reason = bounded_text(max_length=NOTE_MAX, blank=True)

    objects = SignOffQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name = "sign-off"
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding", "kind", "role"],
                condition=Q(revoked_at__isnull=True),
                name="one_standing_sign_off_per_role",
                violation_error_message="This role has already signed.",
            ),
            # Separation of duties: nobody signs two lines of the same set.
            models.UniqueConstraint(
                fields=["onboarding", "kind", "signed_by"],
                condition=Q(revoked_at__isnull=True),
                name="one_standing_line_per_signer",
                violation_error_message="One person signs one line of a set.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.get_role_display()}, {self.signer_name}"
        )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class SignOffRequest(models.Model):
    """Someone asked a named person for a sign-off (and was e-mailed)."""

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.CASCADE, related_name="sign_off_requests"
    )
    kind = models.CharField(max_length=20, choices=SignOffKind.choices)
    role = models.CharField(max_length=20, choices=SignOffRole.choices)
    asked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    message = bounded_text(max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = "sign-off request"

    def __str__(self) -> str:
        kind, role = self.get_kind_display(), self.get_role_display()
        return f"{kind}: {role} asked of {self.asked}"


# --- Incidents --------------------------------------------------------------------

# The CCPOR Team's working hours, for the response targets counted in business time:
# Monday to Friday, 08:00 to 17:00 Pacific time, except California's judicial
# holidays (the same table the Go-Live date warns on).
BUSINESS_HOURS = BusinessHours(
    opens=datetime.time(8),
    closes=datetime.time(17),
    weekdays=frozenset(range(5)),
    zone="America/Los_Angeles",
    holiday=judicial_holiday,
)


@dataclass(frozen=True)
class ResponseTarget:
    """How long the CCPOR Team has to respond first to an incident."""

    amount: int
    unit: str  # "hours" or "business hours" or "business days"
    label: str

    def due(self, reported_at: datetime.datetime) -> datetime.datetime:
        if self.unit == "hours":
            return reported_at + datetime.timedelta(hours=self.amount)
        if self.unit == "business hours":
            return BUSINESS_HOURS.add_hours(reported_at, self.amount)
        return BUSINESS_HOURS.add_days(reported_at, self.amount)


class Incident(models.Model):
    """A problem reported on a live court, and what was done about it. Never holds
    protective-order data: the report form says so."""

    class Severity(models.TextChoices):
        P1 = "P1", "P1 – orders cannot be entered or seen; public safety"
        P2 = "P2", "P2 – degraded, or a workaround exists"
        P3 = "P3", "P3 – a single user or a minor function"
        P4 = "P4", "P4 – a question or a cosmetic fault"

    class Category(models.TextChoices):
        CONNECTIVITY = "connectivity", "Connectivity"
        CARPOS = "carpos", "CARPOS/DOJ"
        SCANNING = "scanning", "Scanning"
        ACCESS = "access", "Access"
        TRAINING = "training", "Training"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        INVESTIGATING = "investigating", "Investigating"
        RESOLVED = "resolved", "Resolved"

    # First-response targets by severity (docs/guide-ccpor-team.md). P1 runs
    # around the clock; the others count BUSINESS_HOURS only.
    RESPONSE_TARGETS = {
        Severity.P1: ResponseTarget(1, "hours", "1 hour, around the clock"),
        Severity.P2: ResponseTarget(4, "business hours", "4 business hours"),
        Severity.P3: ResponseTarget(2, "business days", "2 business days"),
        Severity.P4: ResponseTarget(5, "business days", "5 business days"),
    }
    # Severities that e-mail the CCPOR Team at once and that block the close-out.
    SERIOUS = (Severity.P1, Severity.P2)
    UNRESOLVED = (Status.OPEN, Status.INVESTIGATING)

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.PROTECT, related_name="incidents"
    )
    title = models.CharField(max_length=200, validators=ONE_LINE)
    description = bounded_text(max_length=DESCRIPTION_MAX)
    severity = models.CharField(max_length=2, choices=Severity.choices)
    # "Other" until the reporter says: a report never lands by accident in the
    # first category of the list.
    category = models.CharField(
        max_length=20, choices=Category.choices, default=Category.OTHER
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who in the CCPOR Team handles it; the first responder if unset.",
    )
    resolution = bounded_text(max_length=DESCRIPTION_MAX, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(validators=IN_WINDOW)
    # The first response is due by then (RESPONSE_TARGETS, from reported_at).
    respond_by = models.DateTimeField(validators=IN_WINDOW)
    responded_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The reporter's word that the fix works; cleared when the incident reopens.
    fix_confirmed_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            # The dashboard's "past the response target": open incidents by target.
            models.Index(
                fields=["status", "respond_by"], name="incident_status_target"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.severity} {self.title}"

    @property
    def response_target(self) -> ResponseTarget:
        return self.RESPONSE_TARGETS[self.severity]

    @property
    def is_unresolved(self) -> bool:
        return self.status in self.UNRESOLVED

    def is_past_target(self, now: datetime.datetime) -> bool:
        """The Python twin of `past_target_q`: no first response yet, and due."""
        return self.status == self.Status.OPEN and self.respond_by < now

    @property
    def responded_late(self) -> bool:
        return self.responded_at is not None and self.responded_at > self.respond_by

    @property
    def awaits_reporter(self) -> bool:
        """Resolved, and its reporter has neither confirmed the fix nor reopened it."""
        return self.status == self.Status.RESOLVED and self.fix_confirmed_at is None


class FollowUp(models.TextChoices):
    """What an incident's reporter does with it (golive.services.incident_follow_up):
    adds information while it is unresolved; once it is resolved, confirms the fix
    or reopens it."""

    ADD = "add", "Add information"
    CONFIRM = "confirm", "Confirm the fix"
    REOPEN = "reopen", "Reopen it"


def past_target_q(now: datetime.datetime, prefix: str = "") -> Q:
    """Incidents still waiting for their first response after its target."""
    return Q(
        **{f"{prefix}status": Incident.Status.OPEN, f"{prefix}respond_by__lt": now}
    )


def unresolved_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": Incident.UNRESOLVED})


class IncidentMail(OutboxRow):
    """The mail a new incident owes (to the court's project lead, and for P1 and P2
    to the CCPOR Team): recorded with the report, in its transaction, then claimed,
    sent and settled by the outbox protocol (notifications/outbox.py), once."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="mail"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The backstop (send_pending_incident_mail): the mails still owed.
            models.Index(fields=["status", "created_at"], name="incidentmail_owed"),
        ]

    def __str__(self) -> str:
        return f"Mail of incident #{self.incident_id}: {self.get_status_display()}"


class IncidentEvent(models.Model):
    """One step of an incident (reported, status, owner or severity changed): who,
    when, and a note."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        max_length=20, choices=Incident.Status.choices, blank=True
    )
    to_status = models.CharField(max_length=20, choices=Incident.Status.choices)
    # What else changed, in words ("Owner: Casey Staff; severity P3 → P2").
    changes = models.CharField(max_length=300, blank=True)
    note = bounded_text(max_length=NOTE_MAX, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(validators=IN_WINDOW)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return (
            f"#{self.incident_id}: {self.from_status or 'reported'} → {self.to_status}"
        )
