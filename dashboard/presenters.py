"""The portfolio as the dashboard and the statewide view show it: rows built from
the values of `dashboard.selectors.portfolio_values`, with their wording, for the
templates to render."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from checklists.health import HEALTH_BY_RANK, Health
from checklists.marks import Mark, next_mark
from checklists.models import Onboarding, Phase, slip_label
from checklists.selectors import Progress
from courts.models import DISTRICT_LABELS, Court
from planning.presenters import ForecastWords

from .selectors import BLOCKING_ACTORS, COURT_FIELDS, PortfolioStatus


@dataclass(frozen=True)
class PortfolioRow:
    """One court of the portfolio, ready to show or export."""

    court: Court
    url: str
    status: str
    ob_status: str | None
    go_live: datetime.date | None
    days_to_go_live: int | None
    next_mark: Mark | None
    phase: Phase | None
    progress: Progress
    overdue: int
    blocked: int
    health: str
    open_by_actor: dict[str, int]
    no_one_to_remind: bool = False
    # The day the court actually went live (live or closed out), else None.
    went_live_on: datetime.date | None = None
    # Days later than first planned (open onboardings; 0 if never moved).
    slip_days: int | None = None
    # The forecast from pace of an active onboarding (planning), or None.
    forecast: ForecastWords | None = None
    # The roster: people who need access, how many are ready, how many expired.
    roster_total: int = 0
    roster_ready: int = 0
    roster_expired: int = 0

    @property
    def slip_label(self) -> str:
        return slip_label(self.slip_days) if self.slip_days else ""

    @property
    def status_label(self) -> str:
        return status_label(self.ob_status)

    @property
    def health_label(self) -> str:
        return Health.LABELS.get(self.health, "")

    @property
    def is_open(self) -> bool:
        """An open (active or live) onboarding: the only kind with open work."""
        return self.go_live is not None

    @property
    def has_onboarding(self) -> bool:
        """Any onboarding, open or ended: its items are counted (a closed court
        shows its finished items)."""
        return self.ob_status is not None

    @property
    def shows_days_to_go(self) -> bool:
        return self.days_to_go_live is not None and (
            self.ob_status == Onboarding.Status.ACTIVE
        )

    @property
    def phase_label(self) -> str:
        if not self.is_open:
            return ""
        return self.phase.name if self.phase else "All items finished"

    @property
    def tile_status(self) -> str:
        """The one word a statewide tile is coloured by: the health of an active
        onboarding, else the programme status."""
        return self.health or self.status


def status_label(ob_status: str | None) -> str:
    """The programme status in words, with how an onboarding ended."""
    if ob_status == Onboarding.Status.CANCELLED:
        return "Cancelled"
    if ob_status == Onboarding.Status.CLOSED:
        return "Live (closed out)"
    return PortfolioStatus.LABELS[PortfolioStatus.of(ob_status)]


def portfolio_rows(
    values: Iterable[dict],
    *,
    today: datetime.date,
    phases_by_order: dict[int, Phase],
    url_for: Callable[[str], str] | None = None,
) -> list[PortfolioRow]:
    """Turn rows read with `portfolio_fields` into PortfolioRows; no queries."""
    url_for = url_for or Court.url_builder()
    return [
        _portfolio_row(v, today=today, phases_by_order=phases_by_order, url_for=url_for)
        for v in values
    ]


def _portfolio_row(
    v: dict,
    *,
    today: datetime.date,
    phases_by_order: dict[int, Phase],
    url_for: Callable[[str], str],
) -> PortfolioRow:
    go_live = v["go_live"]
    is_open = go_live is not None  # only an open onboarding is measured
    court = Court(**{"id" if f == "pk" else f: v[f] for f in COURT_FIELDS})
    return PortfolioRow(
        court=court,
        url=url_for(court.slug),
        status=PortfolioStatus.of(v["ob_status"]),
        ob_status=v["ob_status"],
        go_live=go_live,
        days_to_go_live=(go_live - today).days if is_open else None,
        next_mark=(
            next_mark(go_live, today=today)
            if v["ob_status"] == Onboarding.Status.ACTIVE
            else None
        ),
        phase=phases_by_order.get(v["phase_order"]),
        progress=Progress(finished=v["finished"], total=v["total"]),
        overdue=v["overdue"],
        blocked=v["blocked"],
        health=HEALTH_BY_RANK.get(v["health_rank"], ""),
        open_by_actor={a: v[f"open_{a}"] for a in BLOCKING_ACTORS},
        no_one_to_remind=v["no_one_to_remind"],
        went_live_on=v["went_live_on"],
        slip_days=v["slip_days"],
        roster_total=v["roster_total"],
        roster_ready=v["roster_ready"],
        roster_expired=v["roster_expired"],
        forecast=(
            ForecastWords(
                target=v["forecast_target"],
                p50=v["forecast_p50"],
                p85=v["forecast_p85"],
                today=today,
            )
            if v["forecast_p50"] is not None
            else None
        ),
    )


# The table's head: (column, numeric, short label) of the first row, then of the
# "Open items by actor" group below it.
HEAD_COLUMNS = [
    ("court", False),
    ("district", False),
    ("status", False),
    ("phase", False),
    ("progress", False),
    ("go_live", False),
    ("slip", True),
    ("days", True),
    ("next_mark", False),
    ("overdue", True),
    ("blocked", True),
    ("health", False),
    ("forecast", False),
    ("roster", False),
]
ACTOR_HEADINGS = {"court": "Court", "so": "SO", "ccpor": "CCPOR", "doj": "DOJ"}


@dataclass(frozen=True)
class HeadCell:
    """One sortable heading of the table: its label, the link that sorts by it
    (keeping the other parameters, back to page 1) and its aria-sort state."""

    label: str
    href: str
    aria_sort: str | None
    numeric: bool
    hidden_prefix: str = ""


def portfolio_head(columns: dict[str, dict], data) -> dict[str, list[HeadCell]]:
    """The table's two heading rows. `columns` as
    `dashboard.views.portfolio._sort_columns`; `data` the query string."""

    def cell(key: str, *, numeric: bool, label=None, prefix="") -> HeadCell:
        col = columns[key]
        params = data.copy()
        params["sort"] = col["param"]
        params.pop("page", None)
        return HeadCell(
            label=label or col["label"],
            href="?" + params.urlencode(),
            aria_sort=col["aria_sort"],
            numeric=numeric,
            hidden_prefix=prefix,
        )

    return {
        "first": [cell(key, numeric=n) for key, n in HEAD_COLUMNS],
        "second": [
            cell(f"open_{actor}", numeric=True, label=label, prefix="Open items: ")
            for actor, label in ACTOR_HEADINGS.items()
        ],
    }


NO_ONE_TO_REMIND = (
    "No active member with an e-mail address as project lead, IT contact, executive "
    "officer or liaison: its 60- and 30-day reminders cannot be sent."
)


# --- The statewide view -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tile:
    """One court's tile: what it says and where it leads."""

    slug: str
    name: str
    short_name: str
    label: str
    css: str
    url: str
    go_live: datetime.date | None


@dataclass
class TileGroup:
    tiles: list[Tile]


# The tile status of a court whose last onboarding was cancelled (counted with the
# courts not started in the programme's figures, shown as what it is on its tile).
CANCELLED = Onboarding.Status.CANCELLED.value


def _tile_key(ob_status, rank) -> str:
    """The tile status of a court: its health while onboarding, "cancelled" after a
    cancelled onboarding, else its programme status."""
    if rank is not None:
        return HEALTH_BY_RANK[rank]
    if ob_status == CANCELLED:
        return CANCELLED
    return PortfolioStatus.of(ob_status)


def _district_heading(district: int | None) -> str:
    return DISTRICT_LABELS.get(district, "Tribal courts")


@dataclass
class DistrictCounts:
    """One line of the statewide view's table: a district's courts by stage."""

    key: str  # the district filter's value ("1"-"6", "tribal")
    heading: str
    not_started: int = 0
    # Onboarding courts by current phase: phase order -> [phase name, count].
    by_phase: dict = field(default_factory=dict)
    live: int = 0

    @property
    def phase_counts(self) -> list:
        return list(self.by_phase.values())

    @property
    def total(self) -> int:
        return self.not_started + sum(n for _, n in self.by_phase.values()) + self.live


def statewide_summary(
    counts: Iterable[tuple], *, styles: dict, phases: list[Phase]
) -> dict:
    """From `statewide_counts` rows: the legend (courts of each tile status, with
    its label and css), a table of each district's courts by stage (not started,
    onboarding by current phase, live), and the total. An onboarding with no open
    item is counted in the last phase (going live is what remains)."""
    orders = [phase.order for phase in phases]
    legend_counts = dict.fromkeys(styles, 0)
    districts: dict[int | None, DistrictCounts] = {}
    for district, ob_status, rank, phase_order, n in counts:
        legend_counts[_tile_key(ob_status, rank)] += n
        line = districts.get(district)
        if line is None:
            line = districts[district] = DistrictCounts(
                key=str(district) if district else "tribal",
                heading=_district_heading(district),
                by_phase={phase.order: [phase.name, 0] for phase in phases},
            )
        status = PortfolioStatus.of(ob_status)
        if status == PortfolioStatus.ONBOARDING:
            order = phase_order if phase_order in line.by_phase else orders[-1]
            line.by_phase[order][1] += n
        elif status == PortfolioStatus.LIVE:
            line.live += n
        else:
            line.not_started += n
    table = [districts[d] for d in sorted(districts, key=lambda d: (d is None, d or 0))]
    legend = [
        {"label": label, "css": css, "count": legend_counts[key]}
        for key, (label, css) in styles.items()
    ]
    return {
        "legend": legend,
        "districts": table,
        "phases": phases,
        "total": sum(line.total for line in table),
    }


def statewide_tiles(courts: Iterable[tuple], *, styles: dict) -> dict[str, TileGroup]:
    """The statewide view's tiles (`StatewideCourts` rows) grouped under their
    district's heading (tribal courts in a group of their own). `styles` maps a
    tile status (a health or a programme status) to its (label, css class)."""
    url_for = Court.url_builder()
    groups: dict[str, TileGroup] = {}
    for district, name, slug, county, court_type, ob_status, go_live, rank in courts:
        label, css = styles[_tile_key(ob_status, rank)]
        group = groups.setdefault(_district_heading(district), TileGroup(tiles=[]))
        group.tiles.append(
            Tile(
                slug=slug,
                name=name,
                short_name=Court.short_name_of(
                    court_type=court_type, county=county, name=name
                ),
                label=label,
                css=css,
                url=url_for(slug),
                go_live=go_live if ob_status != Onboarding.Status.CANCELLED else None,
            )
        )
    return groups
