"""The onboarding timeline picture, drawn on the server as SVG (no charting service).

`build_timeline` is a pure function: from an onboarding, its items and today it computes
where everything goes, and templates/checklists/_timeline.html draws it. Dates map
linearly to x between the earliest and the latest date shown (items, marks and today,
with a week's margin each side). Each phase is a band in its own lane, spanning its
items' due dates; items are points at their due dates (several due the same day are
stacked), coloured by status and shaped so that overdue (triangle) and blocked
(diamond) items stand out without colour.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from .marks import marks_for
from .models import ChecklistItem, Onboarding

WIDTH = 960
LABEL_WIDTH = 112  # the phase names, left of the plot
RIGHT_MARGIN = 24
TOP = 34  # mark labels above the lanes
AXIS = 40  # month ticks and the "Today" label below the lanes
MARGIN = datetime.timedelta(days=7)
POINT_STEP = 11  # vertical distance between points due the same day
LANE_MIN = 36
RADIUS = 5

# Status -> (fill, stroke, label). Overdue and blocked also change the shape.
STYLES = {
    ChecklistItem.Status.DONE: ("#198754", "#0f5132", "Done"),
    ChecklistItem.Status.NOT_APPLICABLE: ("#ffffff", "#6c757d", "Not applicable"),
    ChecklistItem.Status.IN_PROGRESS: ("#0d6efd", "#084298", "In progress"),
    ChecklistItem.Status.NOT_STARTED: ("#ffffff", "#343a40", "Not started"),
    ChecklistItem.Status.BLOCKED: ("#fd7e14", "#984c0c", "Blocked"),
}
OVERDUE_STYLE = ("#dc3545", "#842029", "Overdue")


@dataclass(frozen=True)
class Band:
    """One phase: its lane and the span of its items' due dates."""

    name: str
    start: datetime.date
    end: datetime.date
    x: float
    width: float
    lane_y: float
    lane_height: float
    item_count: int

    @property
    def label_y(self) -> float:
        return round(self.lane_y + self.lane_height / 2 + 4, 1)

    @property
    def bar_y(self) -> float:
        return round(self.lane_y + 4, 1)

    @property
    def bar_height(self) -> float:
        return round(self.lane_height - 8, 1)


@dataclass(frozen=True)
class Line:
    """A vertical line at a date: a mark (60-day, 30-day, Go-Live) or today."""

    name: str
    date: datetime.date
    x: float
    days_to: int


@dataclass(frozen=True)
class Point:
    """One item at its due date."""

    order: int
    title: str
    phase: str
    actor: str
    kind: str
    kind_label: str  # in words that fit the actor (ChecklistItem.kind_label)
    status: str
    status_label: str
    due_date: datetime.date
    overdue: bool
    shape: str  # "circle", "triangle" (overdue) or "diamond" (blocked)
    fill: str
    stroke: str
    x: float
    y: float

    @property
    def polygon(self) -> str:
        """A triangle or a diamond around (0, 0); the template moves it to (x, y)."""
        r = RADIUS + 1
        if self.shape == "triangle":
            return f"0,{-r} {r},{r - 1} {-r},{r - 1}"
        return f"0,{-r} {r},0 0,{r} {-r},0"

    @property
    def description(self) -> str:
        due = f"{self.due_date:%b} {self.due_date.day}, {self.due_date:%Y}"
        state = self.status_label + (", overdue" if self.overdue else "")
        return (
            f"{self.order}. {self.title} ({self.actor}, {self.kind_label}): "
            f"due {due}, {state}"
        )


@dataclass(frozen=True)
class Meeting:
    """A scheduled meeting or training, at its date."""

    order: int
    title: str
    starts_at: datetime.datetime  # local time (America/Los_Angeles)
    ends_at: datetime.datetime | None
    location: str
    x: float
    y: float

    @property
    def description(self) -> str:
        start = self.starts_at
        when = f"{start:%B} {start.day}, {start:%Y}, {start:%-I:%M %p}"
        if self.ends_at:
            when += f" to {self.ends_at:%-I:%M %p}"
        where = f", {self.location}" if self.location else ""
        return f"{self.order}. {self.title}: {when}{where}"


@dataclass(frozen=True)
class Tick:
    date: datetime.date
    x: float
    label: str


@dataclass
class Timeline:
    width: int
    height: int
    start: datetime.date
    end: datetime.date
    plot_left: float
    plot_right: float
    lanes_top: float
    lanes_bottom: float
    bands: list[Band] = field(default_factory=list)
    marks: list[Line] = field(default_factory=list)
    today: Line | None = None
    points: list[Point] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    go_live_date: datetime.date | None = None

    @property
    def overdue_points(self) -> list[Point]:
        return [p for p in self.points if p.overdue]

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(label, how many) per status, then overdue, leaving out zeros."""
        by_label: dict[str, int] = defaultdict(int)
        for p in self.points:
            by_label[p.status_label] += 1
        rows = [(label, by_label[label]) for *_, label in STYLES.values()]
        rows.append(("Overdue", len(self.overdue_points)))
        return [(label, n) for label, n in rows if n]

    @property
    def summary(self) -> str:
        """One paragraph saying what the picture shows (the SVG's <desc>)."""
        parts = [
            f"{line.name}{'' if line.name == 'Go-Live' else ' mark'} {_long(line.date)}"
            for line in self.marks
        ]
        text = "; ".join(parts) + "."
        if self.today is not None:
            text += f" Today is {_long(self.today.date)}."
        for band in self.bands:
            text += (
                f" {band.name}: {band.item_count} item"
                f"{'s' if band.item_count != 1 else ''} due "
                f"{_long(band.start)} to {_long(band.end)}."
            )
        counts = ", ".join(f"{n} {label.lower()}" for label, n in self.counts)
        if counts:
            text += f" Items: {counts}."
        if self.meetings:
            text += f" Meetings: {'; '.join(m.description for m in self.meetings)}."
        return text


def _long(date: datetime.date) -> str:
    return f"{date:%B} {date.day}, {date:%Y}"


def x_for(
    date: datetime.date,
    *,
    start: datetime.date,
    end: datetime.date,
    left: float,
    right: float,
) -> float:
    """Where a date falls between left (start) and right (end), to 0.1 px."""
    span = max((end - start).days, 1)
    return round(left + (date - start).days * (right - left) / span, 1)


def _ticks(start: datetime.date, end: datetime.date, to_x) -> list[Tick]:
    """The first of each month inside the range (each quarter beyond 18 months)."""
    step = 3 if (end - start).days > 550 else 1
    ticks = []
    year, month = start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        date = datetime.date(year, month, 1)
        if date > end:
            break
        if (month - 1) % step:
            continue
        label = f"{date:%b}" if ticks and month != 1 else f"{date:%b %Y}"
        ticks.append(Tick(date=date, x=to_x(date), label=label))
    return ticks


def build_timeline(
    *,
    onboarding: Onboarding,
    items: Iterable[ChecklistItem],
    today: datetime.date,
    width: int = WIDTH,
) -> Timeline:
    """Lay out the timeline of an onboarding; `items` must have `.phase` loaded."""
    items = sorted(items, key=lambda i: (i.phase.order, i.due_date, i.order))
    marks = marks_for(onboarding.go_live_date, today=today)
    scheduled = [
        (item, timezone.localtime(item.meeting_starts_at))
        for item in items
        if item.meeting_starts_at is not None
    ]
    dates = (
        [i.due_date for i in items]
        + [mark.date for mark in marks]
        + [today]
        + [starts.date() for _, starts in scheduled]
    )
    start, end = min(dates) - MARGIN, max(dates) + MARGIN
    left, right = float(LABEL_WIDTH), float(width - RIGHT_MARGIN)

    def to_x(date: datetime.date) -> float:
        return x_for(date, start=start, end=end, left=left, right=right)

    by_phase: dict[int, list[ChecklistItem]] = defaultdict(list)
    phases = {}
    for item in items:
        by_phase[item.phase.order].append(item)
        phases[item.phase.order] = item.phase

    bands: list[Band] = []
    points: list[Point] = []
    lane_tops: dict[int, float] = {}
    y = float(TOP)
    for order in sorted(by_phase):
        lane_tops[order] = y
        lane_items = by_phase[order]
        same_day: dict[datetime.date, list[ChecklistItem]] = defaultdict(list)
        for item in lane_items:
            same_day[item.due_date].append(item)
        stack = max(len(group) for group in same_day.values())
        lane_height = float(max(LANE_MIN, stack * POINT_STEP + 14))
        first = min(i.due_date for i in lane_items)
        last = max(i.due_date for i in lane_items)
        x0, x1 = to_x(first), to_x(last)
        bands.append(
            Band(
                name=phases[order].name,
                start=first,
                end=last,
                x=round(x0 - RADIUS - 3, 1),
                width=round(x1 - x0 + 2 * (RADIUS + 3), 1),
                lane_y=y,
                lane_height=lane_height,
                item_count=len(lane_items),
            )
        )
        centre = y + lane_height / 2
        for date, group in same_day.items():
            top = centre - (len(group) - 1) * POINT_STEP / 2
            for k, item in enumerate(group):
                overdue = item.is_overdue_on(today)
                blocked = item.status == ChecklistItem.Status.BLOCKED
                fill, stroke, label = STYLES[item.status]
                if overdue:
                    fill, stroke, _ = OVERDUE_STYLE
                points.append(
                    Point(
                        order=item.order,
                        title=item.title,
                        phase=phases[order].name,
                        actor=item.get_actor_display(),
                        kind=item.kind,
                        kind_label=item.kind_label,
                        status=item.status,
                        status_label=label,
                        due_date=date,
                        overdue=overdue,
                        shape=(
                            "triangle"
                            if overdue
                            else "diamond"
                            if blocked
                            else "circle"
                        ),
                        fill=fill,
                        stroke=stroke,
                        x=to_x(date),
                        y=round(top + k * POINT_STEP, 1),
                    )
                )
        y += lane_height
    lanes_bottom = y
    meetings = [
        Meeting(
            order=item.order,
            title=item.title,
            starts_at=starts,
            ends_at=(
                timezone.localtime(item.meeting_ends_at)
                if item.meeting_ends_at
                else None
            ),
            location=item.meeting_location,
            x=to_x(starts.date()),
            y=round(lane_tops[item.phase.order] + 2, 1),
        )
        for item, starts in sorted(scheduled, key=lambda pair: pair[1])
    ]
    return Timeline(
        width=width,
        height=int(lanes_bottom + AXIS),
        start=start,
        end=end,
        plot_left=left,
        plot_right=right,
        lanes_top=float(TOP),
        lanes_bottom=lanes_bottom,
        bands=bands,
        marks=[
            Line(name=m.name, date=m.date, x=to_x(m.date), days_to=m.days_to)
            for m in marks
        ],
        today=Line(name="Today", date=today, x=to_x(today), days_to=0),
        points=points,
        meetings=meetings,
        ticks=_ticks(start, end, to_x),
        go_live_date=onboarding.go_live_date,
    )
