"""The portfolio as the dashboard, the statewide view and the exports show it: rows
built from the values of `dashboard.selectors.portfolio_values`, with their wording,
and the table's rows as HTML.

The table's rows are formatted here, in Python, rather than by a template: a page of
50 courts has about 800 cells, and a template spends most of the page's time looking
up the variables of each one. The markup is the one the template had.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ccpor_onboard.lib.prepared import Memo
from checklists.health import HEALTH_BY_RANK, Health
from checklists.marks import Mark, next_mark
from checklists.models import Onboarding, Phase
from checklists.selectors import Progress
from courts.models import DISTRICT_LABELS, Court

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

    @property
    def status_label(self) -> str:
        return status_label(self.ob_status)

    @property
    def health_label(self) -> str:
        return Health.LABELS.get(self.health, "")

    @property
    def is_open(self) -> bool:
        """An open (active or live) onboarding: the only kind with figures."""
        return self.go_live is not None

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

    @property
    def html(self) -> SafeString:
        return mark_safe(_row_html(self))  # noqa: S308 - every value escaped below


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
    )


# Rendered rows kept in this process by everything they are made of: a row that has
# not changed is not built or formatted again; a changed one has another key.
_kept_rows = Memo(5000)


def portfolio_rows_html(
    values: Iterable[dict], *, today: datetime.date, phases_by_order: dict[int, Phase]
) -> SafeString:
    """The table's rows (read with `portfolio_fields`) as HTML, in order: each kept
    by its values, the day, its phase and the court pages' address."""
    url_for = Court.url_builder()
    base = url_for("")
    parts = []
    for v in values:
        phase = phases_by_order.get(v["phase_order"])
        key = (today, base, phase and (phase.pk, phase.name), *v.items())
        parts.append(
            _kept_rows.get(
                key,
                lambda v=v: _row_html(
                    _portfolio_row(
                        v, today=today, phases_by_order=phases_by_order, url_for=url_for
                    )
                ),
            )
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped in _row_html


# The table's head: (column, numeric, short label) of the first row, then of the
# "Open items by actor" group below it.
HEAD_COLUMNS = [
    ("court", False, None),
    ("district", False, None),
    ("status", False, None),
    ("phase", False, None),
    ("progress", False, None),
    ("go_live", False, None),
    ("days", True, None),
    ("next_mark", False, None),
    ("overdue", True, None),
    ("blocked", True, None),
    ("health", False, None),
]
ACTOR_HEADINGS = {"court": "Court", "so": "SO", "ccpor": "CCPOR", "doj": "DOJ"}


def portfolio_head_html(columns: dict[str, dict], data) -> SafeString:
    """The table's two heading rows: each heading a link that sorts by it (keeping
    the other parameters of the query string `data`, going back to page 1), with
    its aria-sort state. `columns` as `dashboard.views.portfolio._sort_columns`."""

    def th(key: str, *, numeric: bool, label=None, rowspan=None, prefix="") -> str:
        col = columns[key]
        params = data.copy()
        params["sort"] = col["param"]
        params.pop("page", None)
        state = col["aria_sort"]
        arrow = {"ascending": " ▲", "descending": " ▼"}.get(state)
        return (
            '<th scope="col"'
            + (f' rowspan="{rowspan}"' if rowspan else "")
            + (f' aria-sort="{state}"' if state else "")
            + (' class="text-end"' if numeric else "")
            + '><a class="link-body-emphasis text-nowrap" '
            + f'href="{escape("?" + params.urlencode())}">'
            + (f'<span class="visually-hidden">{prefix}</span>' if prefix else "")
            + escape(label or col["label"])
            + (f' <span aria-hidden="true">{arrow[1:]}</span>' if arrow else "")
            + "</a></th>"
        )

    first = [th(key, numeric=n, rowspan=2) for key, n, _ in HEAD_COLUMNS]
    second = [
        th(f"open_{actor}", numeric=True, label=label, prefix="Open items: ")
        for actor, label in ACTOR_HEADINGS.items()
    ]
    return mark_safe(  # noqa: S308 - every value escaped above
        "<tr>\n        "
        + "\n        ".join(first)
        + '\n        <th scope="colgroup" colspan="4" class="text-center border-start">'
        "Open items by actor</th>\n      </tr>\n      <tr>\n        "
        + "\n        ".join(second)
        + "\n      </tr>"
    )


def day_month_year(day: datetime.date) -> str:
    """A date as the templates' `date:"M j, Y"` writes it: "Mar 4, 2026"."""
    return f"{day:%b} {day.day}, {day.year}"


DASH = "—"
NO_ONE_TO_REMIND = (
    "No active member with an e-mail address as project lead, IT contact, executive "
    "officer or liaison: its 60- and 30-day reminders cannot be sent."
)
HEALTH_MARKERS = {Health.LATE: "●", Health.AT_RISK: "▲", Health.ON_TRACK: "✓"}


def progress_html(progress: Progress, *, label: str) -> str:
    """templates/includes/progress.html, for rows formatted in Python."""
    percent = progress.percent
    done = " bg-success" if progress.is_complete else ""
    return (
        f'<div class="progress" role="progressbar" aria-label="{escape(label)}" '
        f'aria-valuenow="{percent}" aria-valuemin="0" aria-valuemax="100">\n'
        f'  <div class="progress-bar w-pct-{percent}{done}">{percent}%</div>\n'
        "</div>"
    )


def _count_cell(n: int, *, badge: str, is_open: bool) -> str:
    if n:
        return f'<td class="text-end"><span class="badge {badge}">{n}</span></td>'
    return f'<td class="text-end">{"0" if is_open else DASH}</td>'


def _row_html(row: PortfolioRow) -> str:
    court, is_open = row.court, row.is_open
    name = escape(court.name)
    reach = (
        f'<br><a class="badge text-bg-danger text-decoration-none" '
        f'href="{escape(row.url)}#contacts" title="{NO_ONE_TO_REMIND}">'
        "No one to remind</a>"
        if row.no_one_to_remind
        else ""
    )
    cells = [
        f'<th scope="row"><a href="{escape(row.url)}" title="{name}">'
        f"{escape(court.short_name)}</a>{reach}</th>",
        f'<td class="text-nowrap">{escape(court.district_label)}</td>',
        f"<td>{escape(row.status_label)}</td>",
        f"<td>{escape(row.phase_label or DASH)}</td>",
        "<td>"
        + (
            progress_html(row.progress, label=f"Progress for {court.name}")
            if is_open
            else DASH
        )
        + "</td>",
        f'<td class="text-nowrap">'
        f"{day_month_year(row.go_live) if row.go_live else DASH}</td>",
        '<td class="text-end">'
        + (
            str(row.days_to_go_live)
            if row.days_to_go_live is not None
            and row.ob_status == Onboarding.Status.ACTIVE
            else DASH
        )
        + "</td>",
    ]
    mark = row.next_mark
    if mark:
        days = mark.days_to
        cells.append(
            f'<td class="text-nowrap">{escape(mark.name)}<br>'
            f'<span class="small text-body-secondary">{mark.date:%b} {mark.date.day}'
            f", in {days} day{'' if days == 1 else 's'}</span></td>"
        )
    else:
        cells.append(f'<td class="text-nowrap">{DASH}</td>')
    cells.append(_count_cell(row.overdue, badge="text-bg-danger", is_open=is_open))
    cells.append(_count_cell(row.blocked, badge="text-bg-warning", is_open=is_open))
    if row.health:
        cells.append(
            f'<td class="text-nowrap"><span class="health health-{row.health}">'
            f'<span aria-hidden="true">{HEALTH_MARKERS[row.health]}</span> '
            f"{escape(row.health_label)}</span></td>"
        )
    else:
        cells.append(f'<td class="text-nowrap">{DASH}</td>')
    for count in row.open_by_actor.values():
        cells.append(f'<td class="text-end">{count if is_open else DASH}</td>')
    return "<tr>\n        " + "\n        ".join(cells) + "\n      </tr>"


# --- The statewide view -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tile:
    """One court's tile: what it says and its markup."""

    slug: str
    label: str
    css: str
    html: str


@dataclass
class TileGroup:
    tiles: list[Tile]

    @property
    def html(self) -> SafeString:
        return mark_safe("".join(t.html for t in self.tiles))  # noqa: S308 - escaped in statewide_tiles


def _tile_key(ob_status, rank) -> str:
    """The tile status of a court: its health while onboarding, else its status."""
    if rank is not None:
        return HEALTH_BY_RANK[rank]
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
    tile status (a health or a programme status) to its (label, css class).

    Each tile is one format string; a court page's URL is joined around one
    reverse(), and a date is formatted once per distinct date.
    """
    url_for = Court.url_builder()
    go_lives: dict[datetime.date, str] = {}
    groups: dict[str, TileGroup] = {}
    heading, group = None, None
    for district, name, slug, county, court_type, ob_status, go_live, rank in courts:
        label, css = styles[_tile_key(ob_status, rank)]
        if district != heading or group is None:
            heading = district
            group = groups.setdefault(_district_heading(district), TileGroup(tiles=[]))
        short = Court.short_name_of(court_type=court_type, county=county, name=name)
        hidden = (
            f'<span class="visually-hidden"> ({escape(name)})</span>'
            if short != name
            else ""
        )
        if go_live and ob_status != Onboarding.Status.CANCELLED:
            when = go_lives.get(go_live)
            if when is None:
                when = go_lives[go_live] = (
                    f'<span class="d-block small">Go-Live {day_month_year(go_live)}'
                    "</span>"
                )
        else:
            when = ""
        group.tiles.append(
            Tile(
                slug=slug,
                label=label,
                css=css,
                html=(
                    f'<li class="col"><a class="card h-100 text-decoration-none {css}" '
                    f'href="{url_for(slug)}"><span class="card-body p-2 d-block">'
                    f'<span class="d-block fw-semibold">{escape(short)}{hidden}</span>'
                    f'<span class="d-block small">{label}</span>{when}</span></a></li>'
                ),
            )
        )
    return groups
