"""What planning keeps: each open onboarding's dated forecast, the statewide one;
the CCPOR Team's capacity (roles, the people in them with their hours a week and
their absences) and the effort each template item asks of it; the reasons kept
when staff start or move an onboarding into over-committed weeks; waves of courts;
and the lead times accepted into a template.

A forecast is data a job computes on purpose (planning.forecast), named for what it
is and shown with its date; it is not a cache of anything a page could work out.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from ccpor_onboard.lib.bounds import (
    IN_WINDOW,
    NOTE_MAX,
    ONE_LINE,
    REASON_MAX,
    bounded_text,
)


def slipping_q(prefix: str = "", *, target: str | None = None) -> Q:
    """Slipping, as a filter: the forecast's P85 passes the target Go-Live. `prefix`
    reaches the forecast (e.g. "ob__forecast__"); `target` names the field holding
    the Go-Live to compare with (the forecast's own target by default). The SQL
    twin of `Forecast.slipping` (tests hold the two together)."""
    other = F(target) if target else F(f"{prefix}target")
    return Q(**{f"{prefix}p85__gt": other})


class Forecast(models.Model):
    """The dated forecast of one open onboarding: by when the work due up to its
    Go-Live (the gate included) will likely be finished (P50) and almost surely
    (P85), as of `as_of`, from the Monte Carlo of planning.forecast."""

    onboarding = models.OneToOneField(
        "checklists.Onboarding",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="forecast",
    )
    as_of = models.DateField(
        help_text="The day the forecast was made for.", validators=IN_WINDOW
    )
    target = models.DateField(
        help_text="The planned Go-Live it was compared with.", validators=IN_WINDOW
    )
    p50 = models.DateField("likely ready (P50)", validators=IN_WINDOW)
    p85 = models.DateField("ready by, 85 % sure (P85)", validators=IN_WINDOW)
    remaining = models.PositiveIntegerField(
        default=0, help_text="Open items due up to Go-Live when it was made."
    )
    # The simulated ready dates as days after `as_of`, a few quantiles (sorted): the
    # statewide forecast draws from them.
    quantiles = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The dashboard's "Slipping (forecast)" filter and sort.
            models.Index(fields=["p85", "target"], name="forecast_p85_target"),
        ]

    def __str__(self) -> str:
        return f"Forecast of onboarding {self.onboarding_id} on {self.as_of}"

    @property
    def slipping(self) -> bool:
        """The Python twin of `slipping_q`."""
        return self.p85 > self.target

    @property
    def slip_days(self) -> int:
        """Days from the target to the P85 (positive: later)."""
        return (self.p85 - self.target).days


class StatewideForecast(models.Model):
    """The dated forecast of when every open onboarding will be live: one row per
    day it is made for (the latest is shown)."""

    as_of = models.DateField(unique=True, validators=IN_WINDOW)
    open_onboardings = models.PositiveIntegerField(default=0)
    all_live_p50 = models.DateField(null=True, blank=True, validators=IN_WINDOW)
    all_live_p85 = models.DateField(null=True, blank=True, validators=IN_WINDOW)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"Statewide forecast on {self.as_of}"


class TeamRole(models.Model):
    """A role of the CCPOR Team (project manager, trainer, network engineer, …);
    its capacity is the hours of the people in it (`TeamMember`)."""

    name = models.CharField(max_length=100, unique=True, validators=ONE_LINE)
    hours_per_week = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        default=0,
        editable=False,
        help_text="Before the role's people were recorded: its hours a week in all. "
        "Kept for the record; capacity is the hours of its people.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A person of the CCPOR Team in one role, with the hours a week they give it
    (someone in two roles is two rows, their hours split)."""

    name = models.CharField(max_length=200, validators=ONE_LINE)
    role = models.ForeignKey(TeamRole, on_delete=models.PROTECT, related_name="members")
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(80)],
        help_text="Hours a week this person gives the role in a full week.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Their account, if they have one (optional).",
    )
    is_active = models.BooleanField(
        default=True, help_text="Left the team: no longer counted."
    )

    class Meta:
        ordering = ["role__name", "name"]
        verbose_name = "team member"

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class Absence(models.Model):
    """Days a team member is away (leave, training, another project): their hours
    of those working days are not counted."""

    member = models.ForeignKey(
        TeamMember, on_delete=models.CASCADE, related_name="absences"
    )
    first_day = models.DateField(validators=IN_WINDOW)
    last_day = models.DateField(validators=IN_WINDOW)
    note = models.CharField(max_length=200, blank=True, validators=ONE_LINE)

    class Meta:
        ordering = ["first_day", "member__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="absence_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.name}: {self.first_day} to {self.last_day}"


class ItemEffort(models.Model):
    """The CCPOR Team's effort for one template item: hours, the role that does the
    work, and over how many weeks before the due date it is spread (1: the week it
    is due). A template item without one asks nothing of the team (the court's,
    the SO's and DOJ's own work)."""

    template_item = models.OneToOneField(
        "checklists.TemplateItem",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="effort",
    )
    role = models.ForeignKey(TeamRole, on_delete=models.PROTECT, related_name="+")
    hours = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )
    spread_weeks = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="Weeks the work is spread over, ending with the week it is due.",
    )

    class Meta:
        verbose_name = "item effort"

    def __str__(self) -> str:
        return f"{self.template_item}: {self.hours} h {self.role}"


class CapacityOverride(models.Model):
    """Staff started an onboarding, or moved its Go-Live, into weeks where a role
    of the team is over-committed, and said why: the weeks and roles as they were
    then, the date the check proposed, and the reason."""

    class Kind(models.TextChoices):
        START = "start", "Onboarding started"
        RESCHEDULE = "reschedule", "Go-Live moved"

    onboarding = models.ForeignKey(
        "checklists.Onboarding",
        on_delete=models.CASCADE,
        related_name="capacity_overrides",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    go_live_date = models.DateField(validators=IN_WINDOW)
    proposed_date = models.DateField(null=True, blank=True, validators=IN_WINDOW)
    # [{"week_start", "role", "load_hours", "capacity_hours"}, …] when it was kept.
    over_committed = models.JSONField(default=list)
    reason = bounded_text(max_length=REASON_MAX)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "capacity override"

    def __str__(self) -> str:
        return f"{self.onboarding}: {self.get_kind_display()} over capacity"


class Wave(models.Model):
    """A named group of courts to go live within a target window."""

    name = models.CharField(max_length=100, unique=True, validators=ONE_LINE)
    window_start = models.DateField(validators=IN_WINDOW)
    window_end = models.DateField(validators=IN_WINDOW)
    description = bounded_text(max_length=NOTE_MAX, blank=True)

    class Meta:
        ordering = ["window_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")),
                name="wave_window_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name


class WaveCourt(models.Model):
    """A court's wave (a court is in one wave at most)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="courts")
    court = models.OneToOneField(
        "courts.Court", on_delete=models.CASCADE, related_name="wave_membership"
    )

    class Meta:
        ordering = ["court__name"]
        verbose_name = "court of a wave"

    def __str__(self) -> str:
        return f"{self.court} in {self.wave}"


class LeadTimeAdoption(models.Model):
    """A learned lead time accepted into a new template version: the item's offset
    before and after, what was learned, who accepted it and why."""

    template = models.ForeignKey(
        "checklists.ChecklistTemplate",
        on_delete=models.CASCADE,
        related_name="lead_time_adoptions",
        help_text="The new version made with this offset.",
    )
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300, validators=ONE_LINE)
    old_offset = models.IntegerField()
    new_offset = models.IntegerField()
    median_days = models.PositiveIntegerField()
    courts = models.PositiveIntegerField()
    reason = bounded_text(max_length=REASON_MAX, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.template}: item {self.order} {self.old_offset} → {self.new_offset}"
        )


def monday_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week (weeks of the capacity view start on Mondays)."""
    return day - datetime.timedelta(days=day.weekday())
