"""The court's roster: the court and sheriff's-office people who will use CCPOR,
their CLETS certification, CJIS security-awareness training, CCPOR training and
account; what each CCPOR role needs (`RoleRequirement`); the quarterly access
reviews; the deprovisioning of people who left; the expiry reminders owed.

Only what the program needs: no CLETS identifiers, no dates of birth, nothing
about orders or parties.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ccpor_onboard.lib.bounds import IN_WINDOW, ONE_LINE, REASON_MAX, bounded_text
from courts.models import Membership
from notifications.outbox import OutboxRow


class CcporRole(models.TextChoices):
    QUERY_ONLY = "query", "Query Only"
    COURT = "court", "Court"
    SUPERVISOR = "supervisor", "Supervisor"
    ADMINISTRATOR = "admin", "Administrator"


class CletsLevel(models.TextChoices):
    NONE = "none", "None"
    LESS_THAN_FULL = "ltfa", "Less Than Full Access"
    FULL = "full", "Full Access"


# A level satisfies a requirement at its own rank or lower.
CLETS_RANK = {CletsLevel.NONE: 0, CletsLevel.LESS_THAN_FULL: 1, CletsLevel.FULL: 2}


class TrainingNeed(models.TextChoices):
    NONE = "none", "None"
    ANY = "any", "Any CCPOR training session"
    CCPOR_TEAM = "ccpor", "A session held by the CCPOR Team"


class RoleRequirement(models.Model):
    """What one CCPOR role needs before its account is granted (staff edit it in the
    admin; the default is in migration 0002 and docs/roster.md)."""

    ccpor_role = models.CharField(max_length=12, choices=CcporRole.choices, unique=True)
    clets_level = models.CharField(
        "CLETS certification needed", max_length=6, choices=CletsLevel.choices
    )
    training = models.CharField(
        "CCPOR training needed", max_length=6, choices=TrainingNeed.choices
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["ccpor_role"]

    def __str__(self) -> str:
        return self.get_ccpor_role_display()


class PersonQuerySet(models.QuerySet):
    def present(self) -> "PersonQuerySet":
        """People who have not left: those who need access."""
        return self.filter(left_on__isnull=True)


class RosterPerson(models.Model):
    court = models.ForeignKey(
        "courts.Court", on_delete=models.CASCADE, related_name="roster"
    )
    name = models.CharField(max_length=200, validators=ONE_LINE)
    email = models.EmailField("e-mail", max_length=254, validators=ONE_LINE)
    organisation = models.CharField(
        max_length=10, choices=Membership.Organisation.choices
    )
    ccpor_role = models.CharField(
        "CCPOR role", max_length=12, choices=CcporRole.choices
    )
    clets_level = models.CharField(
        "CLETS level",
        max_length=6,
        choices=CletsLevel.choices,
        default=CletsLevel.NONE,
    )
    clets_assigned_on = models.DateField(
        "assigned to CLETS on",
        null=True,
        blank=True,
        validators=IN_WINDOW,
        help_text="CLETS allows six months after assignment to certify.",
    )
    clets_exam_on = models.DateField(
        "CLETS exam date", null=True, blank=True, validators=IN_WINDOW
    )
    clets_certified_on = models.DateField(
        "CLETS certified on", null=True, blank=True, validators=IN_WINDOW
    )
    clets_expires_on = models.DateField(
        "CLETS certification expires",
        null=True,
        blank=True,
        validators=IN_WINDOW,
        help_text="Two years after certification unless given.",
    )
    cjis_completed_on = models.DateField(
        "CJIS security awareness on", null=True, blank=True, validators=IN_WINDOW
    )
    cjis_expires_on = models.DateField(
        "CJIS security awareness expires",
        null=True,
        blank=True,
        validators=IN_WINDOW,
        help_text="Two years after the training unless given.",
    )
    # The training sessions the product schedules (checklist items that are
    # trainings) the person attended.
    trainings = models.ManyToManyField(
        "checklists.ChecklistItem", blank=True, related_name="trained_people"
    )
    account_requested_on = models.DateField(
        "CCPOR account requested", null=True, blank=True, validators=IN_WINDOW
    )
    account_granted_on = models.DateField(
        "CCPOR account granted", null=True, blank=True, validators=IN_WINDOW
    )
    left_on = models.DateField("left on", null=True, blank=True, validators=IN_WINDOW)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["court", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "email"], name="one_roster_person_per_court_email"
            ),
        ]
        indexes = [
            # The expiry reminder sweep: people whose certification expires soon.
            models.Index(fields=["clets_expires_on"], name="roster_clets_expiry"),
            models.Index(fields=["cjis_expires_on"], name="roster_cjis_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.court})"


class Deprovisioning(models.Model):
    """The short checklist started when someone leaves: their CCPOR account
    disabled, their CLETS access removed; done when both are recorded."""

    person = models.OneToOneField(
        RosterPerson, on_delete=models.CASCADE, related_name="deprovisioning"
    )
    started_at = models.DateTimeField(validators=IN_WINDOW)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    account_disabled_at = models.DateTimeField(
        null=True, blank=True, validators=IN_WINDOW
    )
    account_disabled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clets_removed_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)
    clets_removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Deprovisioning of {self.person}"

    @property
    def is_done(self) -> bool:
        return bool(self.account_disabled_at and self.clets_removed_at)


class AccessReview(models.Model):
    """One court's access review for one quarter (`quarter`: its first day)."""

    court = models.ForeignKey(
        "courts.Court", on_delete=models.CASCADE, related_name="access_reviews"
    )
    quarter = models.DateField(validators=IN_WINDOW)
    completed_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["court", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["court", "quarter"], name="one_access_review_per_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"Access review of {self.court}, quarter of {self.quarter}"


class ReviewConfirmation(models.Model):
    """Who confirmed, in a review, that one person still needs access (or not)."""

    review = models.ForeignKey(
        AccessReview, on_delete=models.CASCADE, related_name="confirmations"
    )
    person = models.ForeignKey(
        RosterPerson, on_delete=models.CASCADE, related_name="confirmations"
    )
    still_needs_access = models.BooleanField()
    note = bounded_text(REASON_MAX, blank=True)
    confirmed_at = models.DateTimeField(validators=IN_WINDOW)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["review", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "person"], name="one_confirmation_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {'keeps' if self.still_needs_access else 'loses'}"


class RosterReminder(OutboxRow):
    """A reminder owed about the roster: a CLETS certification or CJIS training
    expiring (60 and 30 days before, to the person and the court's lead), or a
    court's quarterly access review (to its lead). Once each, by the constraints."""

    class Kind(models.TextChoices):
        CLETS = "clets", "CLETS certification expiry"
        CJIS = "cjis", "CJIS security awareness expiry"
        REVIEW = "review", "Quarterly access review"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    court = models.ForeignKey(
        "courts.Court", on_delete=models.CASCADE, related_name="roster_reminders"
    )
    person = models.ForeignKey(
        RosterPerson,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    mark = models.CharField(max_length=10)  # "60-day", "30-day", "quarter"
    # The expiry date (or the quarter's first day) the reminder is for: a renewed
    # certification re-arms the marks.
    due_on = models.DateField(validators=IN_WINDOW)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "mark", "due_on"],
                condition=Q(person__isnull=False),
                name="one_expiry_reminder_per_mark",
            ),
            models.UniqueConstraint(
                fields=["court", "kind", "due_on"],
                condition=Q(person__isnull=True),
                name="one_review_reminder_per_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.mark}, {self.due_on})"
