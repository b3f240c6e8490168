"""The CCPOR Team dashboard: summary, portfolio, statewide tiles, overdue items.

CCPOR staff and admins only (`courts.access.ccpor_staff_required`); a court or SO
member is sent to their own court's page, anonymous visitors to sign in.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ccpor_onboard.lib.dates import today_in_california
from checklists.health import LATE_AFTER_DAYS, Health
from checklists.selectors import phases
from courts.access import ccpor_staff_required
from courts.models import DISTRICT_LABELS
from golive.selectors import (
    READINESS_WINDOW_DAYS,
    incidents_past_target,
    readiness_soonest,
)

from ..filters import SORT_COLUMNS, portfolio_query
from ..forms import OverdueFilterForm
from ..presenters import (
    NO_ONE_TO_REMIND,
    portfolio_head,
    portfolio_rows,
    statewide_summary,
    statewide_tiles,
)
from ..selectors import (
    BLOCKING_ACTORS,
    GO_LIVE_WINDOWS,
    SOON,
    PortfolioStatus,
    StatewideCourts,
    overdue_items_across_courts,
    portfolio_fields,
    portfolio_summary,
    statewide_counts,
    statewide_district,
)

PAGE_SIZE = 50
OVERDUE_PAGE_SIZE = 100
# Columns where the biggest number is the interesting one sort descending first.
DESCENDING_FIRST = {"overdue", "blocked", *(f"open_{a}" for a in BLOCKING_ACTORS)}


def _page(request, items, size: int):
    """The requested page (the last for a number past the end, the first for
    nonsense) and the bar of links to the pages, elided around the current one."""
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        number = 1
    page = Paginator(items, size).get_page(number)
    page_range = page.paginator.get_elided_page_range(page.number, on_ends=1)
    return page, page_range


def _sort_columns(sort_params: list[str]) -> dict[str, dict]:
    """Per column: the sort link to follow and its aria-sort state."""
    current = sort_params[0]
    key, descending = current.lstrip("-"), current.startswith("-")
    columns = {}
    for column, (label, _) in SORT_COLUMNS.items():
        if column == key:
            state = "descending" if descending else "ascending"
            follow = column if descending else f"-{column}"
        else:
            state = None
            follow = f"-{column}" if column in DESCENDING_FIRST else column
        columns[column] = {"label": label, "aria_sort": state, "param": follow}
    return columns


@ccpor_staff_required
def index(request):
    on_day = today_in_california()
    past_target = list(incidents_past_target(now=timezone.now())[:PAST_TARGET_SHOWN])
    return render(
        request,
        "dashboard/index.html",
        {**_index_context(request, on_day), "past_target": past_target},
    )


# At most this many incidents past their target are listed above the dashboard (the
# Incidents tab lists them all).
PAST_TARGET_SHOWN = 10
# The readiness panel lists the soonest Go-Lives inside its window, this many at most
# (the portfolio lists the rest), so that the dashboard costs the same at 5,000 courts.
READINESS_SHOWN = 5


def _index_context(request, on_day) -> dict:
    query = portfolio_query(request.GET, today=on_day)
    summary = portfolio_summary(today=on_day)
    rows = query.queryset.values(*portfolio_fields(today=on_day))
    page, page_range = _page(request, rows, PAGE_SIZE)
    sort_params = query.sort_params
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return {
        "summary": summary,
        "overdue_by_actor": [
            (actor.value, actor.label, summary.overdue_by_actor[actor])
            for actor in BLOCKING_ACTORS
        ],
        "page_range": page_range,
        "late_after": LATE_AFTER_DAYS,
        "filter_errors": query.errors,
        "filter_form": query.form,
        "sort_value": ",".join(sort_params),
        "page": page,
        "rows": portfolio_rows(
            page.object_list, today=on_day, phases_by_order=query.phases_by_order
        ),
        "no_one_to_remind": NO_ONE_TO_REMIND,
        "head": portfolio_head(_sort_columns(sort_params), request.GET),
        "sort_label": _sort_label(sort_params[0]),
        "filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        "export_query": export_query.urlencode(),
        "soon": SOON,
        "soon_label": GO_LIVE_WINDOWS[SOON][0],
        "today": on_day,
        "readiness": readiness_soonest(today=on_day, limit=READINESS_SHOWN),
        "readiness_total": summary.readiness_window,
        "readiness_window": READINESS_WINDOW_DAYS,
    }


def _sort_label(param: str) -> str:
    label = SORT_COLUMNS[param.lstrip("-")][0]
    return f"{label}, {'descending' if param.startswith('-') else 'ascending'}"


# Tile colours (Bootstrap) by status; every tile also says its status in words.
TILE_STYLES = {
    Health.LATE: ("Onboarding, late", "text-bg-danger"),
    Health.AT_RISK: ("Onboarding, at risk", "text-bg-warning"),
    Health.ON_TRACK: ("Onboarding, on track", "text-bg-primary"),
    PortfolioStatus.LIVE: ("Live", "text-bg-success"),
    PortfolioStatus.NOT_STARTED: ("Not started", "text-bg-light border"),
}


# Tiles per page of the statewide view: every superior court on one page.
STATEWIDE_PAGE_SIZE = 100


@ccpor_staff_required
def statewide(request):
    on_day = today_in_california()
    district = statewide_district(request.GET.get("district"))
    return render(
        request,
        "dashboard/statewide.html",
        _statewide_context(request, on_day, district),
    )


def _statewide_context(request, on_day, district: str | None) -> dict:
    """The counts by district and stage of every court (one query), and a page of
    tiles, of one district or all (one query): the same cost at 5,000 courts."""
    summary = statewide_summary(
        statewide_counts(today=on_day), styles=TILE_STYLES, phases=phases()
    )
    shown = summary["total"]
    if district is not None:
        line = next((d for d in summary["districts"] if d.key == district), None)
        shown = line.total if line else 0
    courts = StatewideCourts(today=on_day, district=district, count=shown)
    page, page_range = _page(request, courts, STATEWIDE_PAGE_SIZE)
    return {
        **summary,
        "groups": statewide_tiles(page.object_list, styles=TILE_STYLES),
        "district": district,
        "district_heading": (
            DISTRICT_LABELS.get(int(district), "")
            if district and district.isdigit()
            else ("Tribal courts" if district else "")
        ),
        "shown": shown,
        "page": page,
        "page_range": page_range,
    }


@ccpor_staff_required
def overdue(request):
    on_day = today_in_california()
    form = OverdueFilterForm(request.GET)
    group, actor = form.choice()
    items = overdue_items_across_courts(today=on_day, group=group, actor=actor)
    page, page_range = _page(request, items, OVERDUE_PAGE_SIZE)
    for item in page.object_list:
        item.days_overdue = (on_day - item.due_date).days
    return render(
        request,
        "dashboard/overdue.html",
        {
            "page": page,
            "page_range": page_range,
            "group": group,
            "actor": actor,
            "form": form,
            "today": on_day,
        },
    )
