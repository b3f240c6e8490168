"""The status of onboardings, derived for a whole list in a fixed number of queries:
progress, the current phase, overdue and blocked items, the next mark and health.
Nothing derived is stored here (the one stored summary is `OnboardingSummary`)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Func,
    IntegerField,
    Min,
    Prefetch,
    Q,
    QuerySet,
)

from courts.access import courts_for_user, is_ccpor_staff
from courts.models import Court

from ..health import health_for
from ..marks import Mark, next_mark
from ..models import (
    ACTOR_ORDER,
    Actor,
    ChecklistItem,
    Onboarding,
    Phase,
    overdue_q,
)


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


class PercentSQL(Func):
    """`Progress.percent` in SQL, for `finished` and `total` expressions: rounded
    as Python's round() does (halves to even), in integer arithmetic so that every
    database gives the same answer."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        (f, f_params), (t, t_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        scaled = f"(100 * {f})"
        # quotient q = scaled / t, remainder r = scaled %% t: up when 2r > t, to
        # even when 2r = t.
        twice_r = f"(2 * ({scaled} %% {t}))"
        q = f"({scaled} / {t})"
        sql = (
            f"(CASE WHEN {t} = 0 THEN 0 "
            f"WHEN {twice_r} > {t} THEN {q} + 1 "
            f"WHEN {twice_r} = {t} THEN {q} + ({q} %% 2) "
            f"ELSE {q} END)"
        )
        if f_params or t_params:
            raise ValueError("PercentSQL takes columns, not expressions with values")
        return sql, []


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
    # Closed or cancelled: the onboarding reads as history, with no next mark, days
    # to go or overdue count to show.
    is_history: bool = False


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
    rows = items.values("onboarding_id", "phase_id").annotate(
        total=Count("id"),
        finished=Count("id", filter=Q(status__in=ChecklistItem.FINISHED_STATUSES)),
        overdue=Count("id", filter=overdue_q(today)),
        blocked=Count("id", filter=Q(status=ChecklistItem.Status.BLOCKED)),
        oldest_overdue=Min("due_date", filter=overdue_q(today)),
    )
    by_onboarding: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows.order_by():
        by_onboarding[row["onboarding_id"]][row["phase_id"]] = row
    ordered_phases = phases()
    for onboarding in onboardings:
        _attach_state(
            onboarding, by_onboarding.get(onboarding.pk, {}), ordered_phases, today
        )
    return onboardings


def onboarding_with_status_from_items(
    onboarding: Onboarding, items: list[ChecklistItem], *, today: datetime.date
) -> Onboarding:
    """`onboardings_with_status` for one onboarding whose items (all that the
    person sees, with `phase`) are already loaded: the same `.state` from those
    items, with no query (the phases are the items' own, in order; a phase with
    no item the person sees is left out). The court page uses it."""
    per_phase: dict[int, dict] = {}
    for item in items:
        row = per_phase.setdefault(
            item.phase_id,
            {"total": 0, "finished": 0, "overdue": 0, "blocked": 0},
        )
        row["total"] += 1
        row["finished"] += item.status in ChecklistItem.FINISHED_STATUSES
        row["blocked"] += item.status == ChecklistItem.Status.BLOCKED
        if item.is_overdue_on(today):
            row["overdue"] += 1
            oldest = row.get("oldest_overdue")
            if oldest is None or item.due_date < oldest:
                row["oldest_overdue"] = item.due_date
    for row in per_phase.values():
        row.setdefault("oldest_overdue", None)
    item_phases = {item.phase_id: item.phase for item in items}
    ordered = sorted(item_phases.values(), key=lambda phase: (phase.order, phase.pk))
    _attach_state(onboarding, per_phase, ordered, today)
    return onboarding


def _attach_state(
    onboarding: Onboarding,
    per_phase: dict[int, dict],
    ordered_phases: list[Phase],
    today: datetime.date,
) -> None:
    """Derive `onboarding.state` from per-phase counts (total, finished, overdue,
    blocked, oldest_overdue): the one place that turns counts into a status."""
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
        is_history=not onboarding.is_open,
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


def overdue_items(
    onboarding: Onboarding, *, today: datetime.date
) -> QuerySet[ChecklistItem]:
    """Open items of an onboarding that were due before today, earliest first."""
    return (
        onboarding.items.overdue(today)
        .select_related("phase")
        .order_by("due_date", "order")
    )


def group_by_actor(items: Iterable[ChecklistItem]) -> list[tuple[str, list]]:
    """Items grouped by who must act, in ACTOR_ORDER (Court, Sheriff's Office, CCPOR
    Team, DOJ), keeping the items' order; empty groups left out. Returns
    (Actor, items) pairs; templates show `actor.label`."""
    groups: dict[str, list] = {actor: [] for actor in ACTOR_ORDER}
    for item in items:
        groups.setdefault(item.actor, []).append(item)
    return [(Actor(actor), its) for actor, its in groups.items() if its]


def courts_with_current_onboarding(user, *, today: datetime.date) -> list[Court]:
    """The courts a user may see, each with `.onboarding` (the open one, else the
    latest, else None) carrying its derived `.state`. A fixed number of queries,
    whatever the number of courts.
    """
    courts = list(
        courts_for_user(user)
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "onboardings",
                queryset=Onboarding.objects.order_by("-created_at", "-id"),
                to_attr="onboarding_history",
            )
        )
    )
    current = []
    for court in courts:
        history = court.onboarding_history
        open_ones = [o for o in history if o.is_open]
        court.onboarding = (open_ones or history or [None])[0]
        if court.onboarding is not None:
            current.append(court.onboarding)
    onboardings_with_status(current, today=today, include_internal=is_ccpor_staff(user))
    return courts


def calendar_onboardings(courts: QuerySet[Court]) -> QuerySet[Onboarding]:
    """Onboardings of these courts that belong in a calendar (all but cancelled),
    with their court and how many times Go-Live has moved (the events' SEQUENCE)."""
    return (
        Onboarding.objects.filter(court__in=courts)
        .exclude(status=Onboarding.Status.CANCELLED)
        .select_related("court")
        .annotate(reschedules=Count("go_live_changes"))
        .order_by("go_live_date", "court__name", "pk")
    )


def open_items_by_actor(
    onboarding_ids: list[int], *, today: datetime.date
) -> dict[int, dict[str, dict[str, int]]]:
    """{onboarding id: {"open": {actor: n}, "overdue": {actor: n}}}; one query."""
    rows = (
        ChecklistItem.objects.open()
        .filter(onboarding__in=onboarding_ids)
        .values("onboarding_id", "actor")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
        .order_by()
    )
    result: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: {
            "open": dict.fromkeys(Actor.values, 0),
            "overdue": dict.fromkeys(Actor.values, 0),
        }
    )
    for row in rows:
        counts = result[row["onboarding_id"]]
        counts["open"][row["actor"]] = row["open"]
        counts["overdue"][row["actor"]] = row["overdue"]
    return result
