"""What planning keeps: each open onboarding's dated forecast, the statewide one, and
the CCPOR Team's capacity (roles with their hours a week) and the effort each
template item asks of it.

A forecast is data a job computes on purpose (planning.forecast), named for what it
is and shown with its date; it is not a cache of anything a page could work out.
"""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


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
    as_of = models.DateField(help_text="The day the forecast was made for.")
    target = models.DateField(help_text="The planned Go-Live it was compared with.")
    p50 = models.DateField("likely ready (P50)")
    p85 = models.DateField("ready by, 85 % sure (P85)")
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

    as_of = models.DateField(unique=True)
    open_onboardings = models.PositiveIntegerField(default=0)
    all_live_p50 = models.DateField(null=True, blank=True)
    all_live_p85 = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"Statewide forecast on {self.as_of}"


class TeamRole(models.Model):
    """A role of the CCPOR Team (project manager, trainer, network engineer, …)
    and how many hours a week the team has for it in all."""

    name = models.CharField(max_length=100, unique=True)
    hours_per_week = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text="The team's hours a week in this role (everyone in it together).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ItemEffort(models.Model):
    """The CCPOR Team's effort for one template item: hours, the role that does the
    work, and over how many weeks before the due date it is spread (1: the week it
    is due). A template item without one gets `planning.capacity.default_effort`."""

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


def monday_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week (weeks of the capacity view start on Mondays)."""
    return day - datetime.timedelta(days=day.weekday())
