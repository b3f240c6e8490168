import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ccpor_onboard.lib import bounds
from ccpor_onboard.lib.bounds import IN_WINDOW, ONE_LINE, bounded_text
from courts.access import is_ccpor_staff, signed_in

from .limits import DESCRIPTION_MAX, MEETING_MINUTES_MAX, NOTE_MAX, REASON_MAX
from .vocabulary import (  # noqa: F401 - the app's vocabulary, imported from here too
    ACTOR_FOR_ORGANISATION,
    ACTOR_ORDER,
    KIND_WORDING,
    ORGANISATION_FOR_ACTOR,
    PLAN_FIELDS,
    Actor,
    Condition,
    Justifier,
    Kind,
    slip_label,
)


class Phase(models.Model):
    name = models.CharField(max_length=50, unique=True, validators=ONE_LINE)
    slug = models.SlugField(max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplate(models.Model):
    name = models.CharField(max_length=200, validators=ONE_LINE)
    version = models.PositiveIntegerField(default=1)
    description = bounded_text(max_length=DESCRIPTION_MAX, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Only active templates can start new onboardings."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="unique_template_name_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ItemFields(models.Model):
    """What a template item and a checklist item share; copied at onboarding start."""

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(help_text="Position in the checklist.")
    title = models.CharField(max_length=300, validators=ONE_LINE)
    description = bounded_text(max_length=DESCRIPTION_MAX, blank=True)
    actor = models.CharField(max_length=10, choices=Actor.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    offset_days = models.IntegerField(
        help_text="Days from Go-Live to the due date (negative = before Go-Live).",
        # checklists.limits.OFFSET_MAX_DAYS: a due date stays within ten years of
        # Go-Live (and far from the calendar's end).
        validators=[MinValueValidator(-3650), MaxValueValidator(3650)],
    )
    condition = models.CharField(
        max_length=10, choices=Condition.choices, default=Condition.ALWAYS
    )
    is_readiness_gate = models.BooleanField(
        default=False, help_text="Must be finished before the go/no-go decision."
    )
    evidence_required = models.BooleanField(default=False)
    internal_only = models.BooleanField(
        default=False,
        help_text="Seen by CCPOR staff only, never by court or SO members.",
    )
    # Columns added after the data migrations that load the template carry a
    # database default, so those migrations can run again on today's schema (as the
    # test set-up does with --reuse-db, tests/conftest.py).
    is_training = models.BooleanField(
        default=False,
        db_default=False,
        help_text="A training session: it can be scheduled like a meeting.",
    )
    grants_ccpor_access = models.BooleanField(
        "grants CCPOR accounts",
        default=False,
        db_default=False,
        help_text="The item that grants the court's people their CCPOR accounts: it "
        "cannot be done until everyone on the court's roster who needs access is "
        "ready (roster.readiness).",
    )
    info_url = models.URLField(
        "information page",
        max_length=500,
        blank=True,
        db_default="",
        help_text="A public page the item points the court to (e.g. the CCPOR "
        "information page).",
        validators=ONE_LINE,  # Django's URL check lets control characters through
    )

    class Meta:
        abstract = True

    @property
    def is_schedulable(self) -> bool:
        """Meetings and trainings get a date, times, a place, attendees, minutes."""
        return self.kind == Kind.MEETING or self.is_training

    @property
    def kind_label(self) -> str:
        """The kind in words that fit the item's actor (see KIND_WORDING)."""
        return KIND_WORDING.get((self.kind, self.actor)) or self.get_kind_display()


class TemplateItem(ItemFields):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="items"
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "order"], name="unique_template_item_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class OnboardingQuerySet(models.QuerySet):
    def open(self) -> "OnboardingQuerySet":
        """Active or live: the onboardings still being worked on."""
        return self.filter(status__in=Onboarding.OPEN_STATUSES)


class Onboarding(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LIVE = "live", "Live"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.ACTIVE, Status.LIVE)

    court = models.ForeignKey(
        "courts.Court", on_delete=models.PROTECT, related_name="onboardings"
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="onboardings"
    )
    # The planned Go-Live (moved by reschedules, each kept as a GoLiveChange). The
    # start and reschedule services also keep it within ten years of today.
    go_live_date = models.DateField(validators=IN_WINDOW)
    # The day the court actually went live (California), set when it is marked live
    # and cleared if that is undone; the planned date stays as it was.
    went_live_on = models.DateField(
        null=True, blank=True, editable=False, validators=IN_WINDOW
    )
    court_enters_carpos = models.BooleanField(
        "court enters CARPOS",
        help_text="The court itself enters order data into CARPOS.",
    )
    so_participates = models.BooleanField(
        "sheriff's office participates",
        help_text="The sheriff's office scans or enters orders through CCPOR.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(
        null=True, blank=True, validators=IN_WINDOW
    )
    # Optimistic locking (as on items): every write through the services bumps it;
    # an admin form opened on an older one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OnboardingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["go_live_date", "court__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["court"],
                condition=Q(status__in=["active", "live"]),
                name="one_open_onboarding_per_court",
                violation_error_message="This court already has an open onboarding.",
            ),
        ]
        indexes = [
            # The reminder sweep looks for active onboardings by Go-Live date.
            models.Index(
                fields=["status", "go_live_date"], name="onboarding_status_golive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court} – Go-Live {self.go_live_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def went_live_against_plan(self) -> str:
        """How the actual Go-Live compared with the planned one, in words ("26 days
        before the planned Mar 28, 2026"), or "" before going live."""
        if self.went_live_on is None:
            return ""
        days = (self.go_live_date - self.went_live_on).days
        planned = (
            f"{self.go_live_date:%b} {self.go_live_date.day}, {self.go_live_date:%Y}"
        )
        if days == 0:
            return "on the planned date"
        side = "before" if days > 0 else "after"
        plural = "s" if abs(days) != 1 else ""
        return f"{abs(days)} day{plural} {side} the planned {planned}"

    @property
    def read_only_reason(self) -> str:
        """Why nothing of this onboarding may change (its items, their evidence and
        comments), or "" while it is open. A closed or cancelled onboarding is
        history, read-only for everyone, CCPOR staff included, on every path (pages,
        bulk changes, admin, commands); CCPOR staff reopen it first, with a reason."""
        if self.is_open:
            return ""
        return (
            f"The onboarding is {self.get_status_display().lower()}: it is read-only "
            "history. The CCPOR Team can reopen it, with a reason, if something must "
            "change."
        )


class GoLiveChange(models.Model):
    """A Go-Live date move, kept for the record (who, when, why)."""

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.CASCADE, related_name="go_live_changes"
    )
    old_date = models.DateField(validators=IN_WINDOW)
    new_date = models.DateField(validators=IN_WINDOW)
    reason = bounded_text(max_length=REASON_MAX)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.onboarding.court}: {self.old_date} → {self.new_date}"

    @property
    def days(self) -> int:
        """How far this move took Go-Live: later is positive."""
        return (self.new_date - self.old_date).days

    @property
    def slip_label(self) -> str:
        return slip_label(self.days)


class Replan(models.Model):
    """A recorded re-plan of a running onboarding by CCPOR staff: a template change
    brought to it, or a processing-model change. The only way an item of a running
    onboarding becomes (or stops being) a readiness gate or evidence-required,
    changes hands, or is added; the record keeps what changed and which gate items
    it made not applicable."""

    class Kind(models.TextChoices):
        TEMPLATE = "template", "Template changes applied"
        PROCESSING_MODEL = "processing_model", "Processing model changed"

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.CASCADE, related_name="replans"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = bounded_text(max_length=REASON_MAX, blank=True)
    # One line per change, in words ("14. CCTC connectivity…: readiness gate").
    changes = models.JSONField(default=list)
    gates_made_na = models.JSONField("gate items made N/A", default=list)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "re-plan"

    def __str__(self) -> str:
        return f"{self.onboarding.court}: {self.get_kind_display()}"


def open_q(prefix: str = "") -> Q:
    """Items still to do (not started, in progress or blocked)."""
    return Q(**{f"{prefix}status__in": ChecklistItem.OPEN_STATUSES})


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """Overdue: still open and due before today (an item due today is not overdue)."""
    return open_q(prefix) & Q(**{f"{prefix}due_date__lt": today})


def visible_items_q(user, prefix: str = "") -> Q:
    """Which items the user may see, as a filter usable from any model that reaches an
    item through `prefix` (e.g. "item__" from Evidence): every item for CCPOR staff;
    for a member, the items of their courts' onboardings that are not CCPOR-internal;
    nothing for anyone else."""
    if is_ccpor_staff(user):
        return Q()
    if not signed_in(user):
        return Q(pk__in=[])
    return Q(
        **{
            f"{prefix}internal_only": False,
            f"{prefix}onboarding__court__memberships__user": user,
        }
    )


class ChecklistItemQuerySet(models.QuerySet):
    def open(self) -> "ChecklistItemQuerySet":
        return self.filter(open_q())

    def finished(self) -> "ChecklistItemQuerySet":
        return self.filter(status__in=ChecklistItem.FINISHED_STATUSES)

    def overdue(self, today: datetime.date) -> "ChecklistItemQuerySet":
        return self.filter(overdue_q(today))

    def visible_to(self, user) -> "ChecklistItemQuerySet":
        return self.filter(visible_items_q(user))


class ChecklistItem(ItemFields):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        BLOCKED = "blocked", "Blocked"
        DONE = "done", "Done"
        NOT_APPLICABLE = "na", "Not applicable"

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED)
    FINISHED_STATUSES = (Status.DONE, Status.NOT_APPLICABLE)

    onboarding = models.ForeignKey(
        Onboarding, on_delete=models.CASCADE, related_name="items"
    )
    template_item = models.ForeignKey(
        TemplateItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    # The services also keep it within OFFSET_MAX_DAYS of Go-Live (checklists.limits).
    due_date = models.DateField(validators=IN_WINDOW)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    blocked_reason = bounded_text(max_length=REASON_MAX, blank=True)
    na_justification = bounded_text(REASON_MAX, "justification for N/A", blank=True)
    na_justified_by = models.CharField(
        "N/A justified by",
        max_length=10,
        choices=Justifier.choices,
        blank=True,
        db_default="",
    )
    note = bounded_text(max_length=NOTE_MAX, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A CCPOR staff member checked a done item; cleared when it is reopened.
    verified_at = models.DateTimeField(null=True, blank=True, validators=IN_WINDOW)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The one person who sees it through (see checklists.access.owner_refusal).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_items",
    )
    # Meetings and trainings (`is_schedulable`): when, where, who, and the minutes.
    # In UTC, shown in California time; in the window (a constraint too) to be read.
    meeting_starts_at = models.DateTimeField(
        "meeting starts", null=True, blank=True, validators=IN_WINDOW
    )
    meeting_ends_at = models.DateTimeField(
        "meeting ends", null=True, blank=True, validators=IN_WINDOW
    )
    meeting_location = models.CharField(
        "place or link", max_length=300, blank=True, validators=ONE_LINE
    )
    meeting_attendees = bounded_text(NOTE_MAX, "attendees", blank=True)
    meeting_minutes = bounded_text(MEETING_MINUTES_MAX, "minutes", blank=True)
    # Optimistic locking: every write bumps it; a write naming an older one is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChecklistItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["onboarding", "phase__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["onboarding", "order"], name="unique_checklist_item_order"
            ),
            models.CheckConstraint(
                condition=bounds.datetime_in_window_q("meeting_starts_at")
                & bounds.datetime_in_window_q("meeting_ends_at"),
                name="item_meeting_in_window",
            ),
        ]
        indexes = [
            # Overdue lists and the reminder sweep: open items by due date.
            models.Index(fields=["status", "due_date"], name="item_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "checklists:item_detail",
            kwargs={"slug": self.onboarding.court.slug, "pk": self.pk},
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def is_overdue_on(self, today: datetime.date) -> bool:
        """The Python twin of `overdue_q`."""
        return self.is_open and self.due_date < today

    @property
    def is_scheduled(self) -> bool:
        return self.meeting_starts_at is not None


class OnboardingSummary(models.Model):
    """The one stored read model: what the pages need of one onboarding's items, in
    one row, whatever the onboarding's status (a closed onboarding keeps counting
    its finished items): counts by status and open items by actor, the current
    phase and the oldest open due date.

    Derived, and stored so that the CCPOR Team's pages can filter, sort and count
    every court without reading every item: each service that adds, changes or
    removes items recomputes the whole row from the items in the same transaction
    (`checklists.services.onboarding_summaries_refresh`), never an increment that
    could drift. What depends on the day (overdue, health) is computed from it when
    read (`checklists.health`). Facts of the apps above (readiness to go live,
    who can be reminded) live in their own tables and are joined by query.
    Includes CCPOR-internal items (the portfolio is for CCPOR staff).
    """

    onboarding = models.OneToOneField(
        Onboarding, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    total = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    blocked = models.PositiveIntegerField(default=0)
    # Open items by actor ("who is blocking"), one column per Actor.
    open_court = models.PositiveIntegerField(default=0)
    open_so = models.PositiveIntegerField(default=0)
    open_ccpor = models.PositiveIntegerField(default=0)
    open_doj = models.PositiveIntegerField(default=0)
    # The current phase: the first phase (by order) with an open item.
    phase_order = models.PositiveSmallIntegerField(null=True, blank=True)
    oldest_open_due = models.DateField(null=True, blank=True, validators=IN_WINDOW)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "onboarding summaries"

    def __str__(self) -> str:
        return f"Summary of onboarding {self.onboarding_id}"

    @property
    def open_by_actor(self) -> dict[str, int]:
        return {actor: getattr(self, f"open_{actor}") for actor in ACTOR_ORDER}
