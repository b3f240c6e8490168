"""Reads of onboardings and checklists, with what is derived from them.

Nothing derived is stored: the current phase, progress, overdue count and next mark are
computed here for a whole list of onboardings in a fixed number of queries.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, QuerySet

from .models import ChecklistItem, Onboarding, Phase

MARKS = (("60-day", 60), ("30-day", 30), ("Go-Live", 0))

# Health of an active onboarding, one rule for the court page and the dashboard:
#   late     - Go-Live has passed while still active, or an open item is overdue by
#              LATE_AFTER_DAYS days or more;
#   at risk  - an item is overdue (less than LATE_AFTER_DAYS) or blocked;
#   on track - nothing overdue, nothing blocked.
# Onboardings that are live, closed or cancelled have no health ("" ).
LATE_AFTER_DAYS = 14


class Health:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"
    LABELS = {ON_TRACK: "On track", AT_RISK: "At risk", LATE: "Late"}


@dataclass(frozen=True)
class Progress:
    finished: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.finished == self.total


@dataclass(frozen=True)
class Mark:
    name: str
    date: datetime.date
    days_to: int


@dataclass
class OnboardingStatus:
    """What is derived for one onboarding on a given day."""

    progress: Progress
    phases: list[tuple[Phase, Progress]] = field(default_factory=list)
    current_phase: Phase | None = None
    overdue_count: int = 0
    blocked_count: int = 0
    next_mark: Mark | None = None
    days_to_go_live: int = 0
    oldest_overdue: datetime.date | None = None
    health: str = ""

    @property
    def health_label(self) -> str:
        return Health.LABELS.get(self.health, "")


def health_for(
    *,
    status: str,
    days_to_go_live: int,
    overdue_count: int,
    blocked_count: int,
    oldest_overdue: datetime.date | None,
    today: datetime.date,
) -> str:
    """The documented health rule (see LATE_AFTER_DAYS above)."""
    if status != Onboarding.Status.ACTIVE:
        return ""
    if days_to_go_live < 0 or (
        oldest_overdue is not None and (today - oldest_overdue).days >= LATE_AFTER_DAYS
    ):
        return Health.LATE
    if overdue_count or blocked_count:
        return Health.AT_RISK
    return Health.ON_TRACK


def marks_for(go_live_date: datetime.date) -> list[tuple[str, datetime.date]]:
    """The guide's marks for a Go-Live date: 60 days before, 30 days before, Go-Live."""
    return [(name, go_live_date - datetime.timedelta(days=d)) for name, d in MARKS]


def next_mark(go_live_date: datetime.date, *, today: datetime.date) -> Mark | None:
    """The first mark on or after today, or None once Go-Live has passed."""
    for name, date in marks_for(go_live_date):
        if date >= today:
            return Mark(name=name, date=date, days_to=(date - today).days)
    return None


def phases() -> list[Phase]:
    return list(Phase.objects.order_by("order"))


def onboardings_with_status(
    onboardings: Iterable[Onboarding],
    *,
    today: datetime.date,
    include_internal: bool = True,
) -> list[Onboarding]:
    """Attach an `OnboardingStatus` as `.state` to each onboarding; two queries in all.

    Progress is finished (done + N/A) over applicable items; the current phase is the
    first phase with open items; overdue items are open and due before today.
    `include_internal=False` leaves CCPOR-internal items out, as court members see it.
    """
    onboardings = list(onboardings)
    if not onboardings:
        return onboardings
    items = ChecklistItem.objects.filter(onboarding__in=[o.pk for o in onboardings])
    if not include_internal:
        items = items.filter(internal_only=False)
    open_q = Q(status__in=ChecklistItem.OPEN_STATUSES)
    rows = items.values("onboarding_id", "phase_id").annotate(
        total=Count("id"),
        finished=Count("id", filter=Q(status__in=ChecklistItem.FINISHED_STATUSES)),
        overdue=Count("id", filter=open_q & Q(due_date__lt=today)),
        blocked=Count("id", filter=Q(status=ChecklistItem.Status.BLOCKED)),
        oldest_overdue=Min("due_date", filter=open_q & Q(due_date__lt=today)),
    )
    by_onboarding: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows.order_by():
        by_onboarding[row["onboarding_id"]][row["phase_id"]] = row
    ordered_phases = phases()
    for onboarding in onboardings:
        per_phase = by_onboarding.get(onboarding.pk, {})
        phase_progress = []
        current = None
        for phase in ordered_phases:
            row = per_phase.get(phase.pk, {"total": 0, "finished": 0})
            progress = Progress(finished=row["finished"], total=row["total"])
            phase_progress.append((phase, progress))
            if current is None and progress.finished < progress.total:
                current = phase
        rows_here = per_phase.values()
        overdue_dates = [r["oldest_overdue"] for r in rows_here if r["oldest_overdue"]]
        state = OnboardingStatus(
            progress=Progress(
                finished=sum(r["finished"] for r in rows_here),
                total=sum(r["total"] for r in rows_here),
            ),
            phases=phase_progress,
            current_phase=current,
            overdue_count=sum(r["overdue"] for r in rows_here),
            blocked_count=sum(r["blocked"] for r in rows_here),
            next_mark=next_mark(onboarding.go_live_date, today=today),
            days_to_go_live=(onboarding.go_live_date - today).days,
            oldest_overdue=min(overdue_dates, default=None),
        )
        state.health = health_for(
            status=onboarding.status,
            days_to_go_live=state.days_to_go_live,
            overdue_count=state.overdue_count,
            blocked_count=state.blocked_count,
            oldest_overdue=state.oldest_overdue,
            today=today,
        )
        onboarding.state = state
    return onboardings


def overdue_items(
    onboarding: Onboarding, *, today: datetime.date
) -> QuerySet[ChecklistItem]:
    """Open items of an onboarding that were due before today, earliest first."""
    return (
        onboarding.items.filter(
            status__in=ChecklistItem.OPEN_STATUSES, due_date__lt=today
        )
        .select_related("phase")
        .order_by("due_date", "order")
    )
