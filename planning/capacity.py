"""Capacity by week: the CCPOR Team's load against its capacity, by week and role,
and the one check that a start or a move of Go-Live fits (docs/planning.md).

- Load: each open item of an active onboarding whose template item has an effort
  (`ItemEffort`) puts its hours on the effort's role, spread evenly over
  `spread_weeks` weeks ending with the week the item is due. Done and "not
  applicable" items ask nothing more. Read by one aggregate query (grouped by
  week of the due date, role and spread), never court by court.
- Capacity: each active person's hours a week in their role, less a fifth for
  each working day (Monday to Friday) of the week they are absent.
- A (week, role) is over-committed when its load passes its capacity.

Weeks start on Mondays (`planning.models.monday_of`).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.db.models.functions import TruncWeek

from ccpor_onboard.lib.holidays import court_closed_reason
from checklists.models import ChecklistItem, Onboarding
from checklists.services import checklist_items_from_template

from .models import Absence, ItemEffort, TeamMember, TeamRole, monday_of

WEEK = datetime.timedelta(days=7)
WORKING_DAYS = 5
DEFAULT_WEEKS = 12
MAX_WEEKS = 52
MAX_SPREAD = 26  # ItemEffort.spread_weeks' bound
# How far from the asked Go-Live the check looks for a date that fits, each way.
SEARCH_DAYS = 180

Cells = dict[tuple[datetime.date, int], float]  # (week start, role id) -> hours


# --- Arithmetic (plain values) -------------------------------------------------------


def weeks_from(first: datetime.date, count: int) -> list[datetime.date]:
    """`count` week starts from the Monday of `first`'s week."""
    start = monday_of(first)
    return [start + i * WEEK for i in range(count)]


def spread(
    cells: Cells,
    *,
    due: datetime.date,
    role_id: int,
    hours: float,
    spread_weeks: int,
) -> None:
    """Add `hours` to `cells`, evenly over `spread_weeks` weeks ending with the week
    of `due`."""
    weeks = max(int(spread_weeks), 1)
    share = float(hours) / weeks
    last = monday_of(due)
    for i in range(weeks):
        key = (last - i * WEEK, role_id)
        cells[key] = cells.get(key, 0.0) + share


def working_days_absent(
    week: datetime.date, absences: Iterable[tuple[datetime.date, datetime.date]]
) -> int:
    """How many of the week's working days (Monday to Friday) fall in one of the
    (first day, last day) absences."""
    days = {week + datetime.timedelta(days=i) for i in range(WORKING_DAYS)}
    away = {day for day in days for first, last in absences if first <= day <= last}
    return len(away)


def capacity_cells(
    members: Iterable[tuple[int, int, float]],
    absences: dict[int, list[tuple[datetime.date, datetime.date]]],
    weeks: Iterable[datetime.date],
) -> Cells:
    """Capacity by (week, role): each (member id, role id, hours a week) less a
    fifth for each working day of the week the member is absent."""
    cells: Cells = defaultdict(float)
    members = list(members)
    for week in weeks:
        for member_id, role_id, hours in members:
            away = working_days_absent(week, absences.get(member_id, ()))
            cells[(week, role_id)] += (
                float(hours) * (WORKING_DAYS - away) / WORKING_DAYS
            )
    return cells


@dataclass(frozen=True)
class PlanItem:
    """The team's work on one item of a plan: due so many days from Go-Live."""

    offset: int
    role_id: int
    hours: float
    spread_weeks: int


@dataclass(frozen=True)
class Cell:
    week_start: datetime.date
    role: str
    load_hours: float
    capacity_hours: float

    @property
    def over(self) -> bool:
        return self.load_hours > self.capacity_hours + 1e-9

    def as_json(self) -> dict:
        return {
            "week_start": self.week_start.isoformat(),
            "role": self.role,
            "load_hours": self.load_hours,
            "capacity_hours": self.capacity_hours,
        }


def plan_cells(plan: Iterable[PlanItem], go_live: datetime.date) -> Cells:
    cells: Cells = {}
    for item in plan:
        spread(
            cells,
            due=go_live + datetime.timedelta(days=item.offset),
            role_id=item.role_id,
            hours=item.hours,
            spread_weeks=item.spread_weeks,
        )
    return cells


def over_committed(
    plan: Iterable[PlanItem],
    go_live: datetime.date,
    *,
    base: Cells,
    capacity: Cells,
    first_week: datetime.date,
    before: Cells | None = None,
) -> list[tuple[datetime.date, int, float, float]]:
    """The (week, role id, load, capacity) from `first_week` on where the plan at
    `go_live` adds load and the total passes the capacity, by week. `before`: the
    same plan's cells at its present date (a move): a week the move adds nothing
    to is not the move's doing, so it is not named."""
    found = []
    before = before or {}
    for (week, role_id), hours in sorted(plan_cells(plan, go_live).items()):
        if week < first_week or hours <= 0:
            continue
        if hours <= before.get((week, role_id), 0.0) + 1e-9:
            continue
        load = base.get((week, role_id), 0.0) + hours
        cap = capacity.get((week, role_id), 0.0)
        if load > cap + 1e-9:
            found.append((week, role_id, load, cap))
    return found


def nearest_fit(
    plan: list[PlanItem],
    go_live: datetime.date,
    *,
    base: Cells,
    capacity: Cells,
    today: datetime.date,
    search_days: int = SEARCH_DAYS,
    before: Cells | None = None,
) -> datetime.date | None:
    """The court day nearest `go_live` (the later first on a tie), not before today,
    at which the plan over-commits no role; None within `search_days`."""
    first_week = monday_of(today)
    for k in range(1, search_days + 1):
        for day in (
            go_live + datetime.timedelta(days=k),
            go_live - datetime.timedelta(days=k),
        ):
            if day < today or court_closed_reason(day):
                continue
            if not over_committed(
                plan,
                day,
                base=base,
                capacity=capacity,
                first_week=first_week,
                before=before,
            ):
                return day
    return None


# --- Reads --------------------------------------------------------------------------


def team_capacity(first: datetime.date, last: datetime.date) -> Cells:
    """Capacity by (week, role id) for the weeks from `first` to `last` (Mondays).
    Two queries."""
    members = list(
        TeamMember.objects.filter(is_active=True).values_list(
            "pk", "role_id", "hours_per_week"
        )
    )
    absences: dict[int, list] = defaultdict(list)
    for member_id, a, b in Absence.objects.filter(
        member__is_active=True, last_day__gte=first, first_day__lte=last + WEEK
    ).values_list("member_id", "first_day", "last_day"):
        absences[member_id].append((a, b))
    count = (last - first).days // 7 + 1
    return capacity_cells(members, absences, weeks_from(first, count))


def team_load(
    first: datetime.date, last: datetime.date, *, exclude_onboarding: int | None = None
) -> Cells:
    """Load by (week, role id) for the weeks from `first` to `last` (Mondays), from
    the open items of active onboardings (less one, being re-planned). One
    aggregate query: by week of the due date, role and spread."""
    items = ChecklistItem.objects.filter(
        onboarding__status=Onboarding.Status.ACTIVE,
        status__in=ChecklistItem.OPEN_STATUSES,
        template_item__effort__isnull=False,
        due_date__gte=first,
        due_date__lt=last + MAX_SPREAD * WEEK,
    )
    if exclude_onboarding is not None:
        items = items.exclude(onboarding_id=exclude_onboarding)
    rows = (
        items.annotate(week=TruncWeek("due_date"))
        .order_by()
        .values_list(
            "week",
            "template_item__effort__role_id",
            "template_item__effort__spread_weeks",
        )
        .annotate(hours=Sum("template_item__effort__hours"))
    )
    cells: Cells = {}
    for week, role_id, weeks, hours in rows:
        if isinstance(week, datetime.datetime):
            week = week.date()
        spread(cells, due=week, role_id=role_id, hours=hours, spread_weeks=weeks)
    return {key: h for key, h in cells.items() if first <= key[0] <= last}


def role_names() -> dict[int, str]:
    return dict(TeamRole.objects.values_list("pk", "name"))


def capacity_table(*, today: datetime.date, weeks: int) -> list[Cell]:
    """Every week from this one (`weeks` of them) × every role, by week then role
    name: load and capacity in hours, one decimal. Four queries."""
    days = weeks_from(today, weeks)
    load = team_load(days[0], days[-1])
    capacity = team_capacity(days[0], days[-1])
    roles = sorted(role_names().items(), key=lambda r: r[1])
    return [
        Cell(
            week_start=week,
            role=name,
            load_hours=round(load.get((week, role_id), 0.0), 1),
            capacity_hours=round(capacity.get((week, role_id), 0.0), 1),
        )
        for week in days
        for role_id, name in roles
    ]


def start_plan(
    *, template, court_enters_carpos: bool, so_participates: bool
) -> list[PlanItem]:
    """The team's work of an onboarding about to start from `template`: its items
    that fit the processing model (the start's own rule) and have an effort."""
    efforts = {
        e.template_item_id: e
        for e in ItemEffort.objects.filter(template_item__template=template)
    }
    items = [t for t in template.items.all() if t.pk in efforts]
    copies = checklist_items_from_template(
        items,
        onboarding=Onboarding(go_live_date=datetime.date(2000, 1, 1)),
        court_enters_carpos=court_enters_carpos,
        so_participates=so_participates,
    )
    return [
        PlanItem(
            offset=copy.offset_days,
            role_id=efforts[pk].role_id,
            hours=float(efforts[pk].hours),
            spread_weeks=efforts[pk].spread_weeks,
        )
        for pk, copy in copies.items()
    ]


def reschedule_plan(onboarding: Onboarding) -> list[PlanItem]:
    """The team's work left on a running onboarding: its open items with an effort,
    due so many days from its present Go-Live (they move with it)."""
    rows = onboarding.items.filter(
        Q(status__in=ChecklistItem.OPEN_STATUSES), template_item__effort__isnull=False
    ).values_list(
        "due_date",
        "template_item__effort__role_id",
        "template_item__effort__hours",
        "template_item__effort__spread_weeks",
    )
    return [
        PlanItem(
            offset=(due - onboarding.go_live_date).days,
            role_id=role_id,
            hours=float(hours),
            spread_weeks=weeks,
        )
        for due, role_id, hours, weeks in rows
    ]


@dataclass(frozen=True)
class WindowCheck:
    """What the check found for a Go-Live: the over-committed weeks and roles it
    adds load to, and the nearest date that fits (None: none near)."""

    go_live: datetime.date
    over: list[Cell] = field(default_factory=list)
    proposed: datetime.date | None = None

    @property
    def fits(self) -> bool:
        return not self.over

    @property
    def message(self) -> str:
        weeks = "; ".join(
            f"week of {c.week_start:%b} {c.week_start.day}: {c.role} "
            f"{c.load_hours:g} h of {c.capacity_hours:g} h"
            for c in self.over
        )
        nearest = (
            f"The nearest Go-Live that fits is {self.proposed:%A, %B} "
            f"{self.proposed.day}, {self.proposed:%Y}."
            if self.proposed
            else f"No Go-Live within {SEARCH_DAYS} days fits."
        )
        return (
            f"A Go-Live on {self.go_live:%B} {self.go_live.day}, {self.go_live:%Y} "
            f"over-commits the CCPOR Team: {weeks}. {nearest} To keep this date, "
            "say why below; the reason is recorded."
        )


def window_check(
    plan: list[PlanItem],
    go_live: datetime.date,
    *,
    today: datetime.date,
    exclude_onboarding: int | None = None,
    current_go_live: datetime.date | None = None,
) -> WindowCheck:
    """The rule: does the plan at `go_live` over-commit a role in a week from this
    one on, and if so which date near it would not. For a move
    (`current_go_live`), only the weeks to which the move adds hours count: a week
    already over-committed by this court's present plan is not the move's doing
    (the capacity page shows it). Five queries."""
    if not plan:
        return WindowCheck(go_live=go_live)
    first = monday_of(today)
    offsets = [p.offset for p in plan]
    last = monday_of(go_live + datetime.timedelta(days=max(offsets) + SEARCH_DAYS))
    if last < first:
        return WindowCheck(go_live=go_live)
    base = team_load(first, last, exclude_onboarding=exclude_onboarding)
    capacity = team_capacity(first, last)
    before = plan_cells(plan, current_go_live) if current_go_live else None
    found = over_committed(
        plan, go_live, base=base, capacity=capacity, first_week=first, before=before
    )
    if not found:
        return WindowCheck(go_live=go_live)
    names = role_names()
    return WindowCheck(
        go_live=go_live,
        over=[
            Cell(
                week_start=week,
                role=names.get(role_id, "?"),
                load_hours=round(load, 1),
                capacity_hours=round(cap, 1),
            )
            for week, role_id, load, cap in found
        ],
        proposed=nearest_fit(
            plan, go_live, base=base, capacity=capacity, today=today, before=before
        ),
    )
