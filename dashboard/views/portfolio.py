"""The CCPOR Team dashboard: summary, portfolio, statewide tiles, overdue items.

CCPOR staff and admins only (`courts.access.ccpor_staff_required`); a court or SO
member is sent to their own court's page, anonymous visitors to sign in.
"""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from ccpor_onboard.lib.dates import today_in_california
from checklists.health import LATE_AFTER_DAYS, Health
from checklists.selectors import phases
from courts.access import ccpor_staff_required
from courts.models import DISTRICT_LABELS
from golive.selectors import (
    READINESS_WINDOW_DAYS,
    decisions_waiting_on_team,
    incidents_needing_attention,
    readiness_soonest,
    sign_offs_waiting_on_team,
)
from planning.rollout import burnup, wave_summaries
from planning.selectors import statewide_forecast

from ..charts import burnup_chart
from ..filters import DEFAULT_SORT, SHOW_NOT_STARTED, SORT_COLUMNS, portfolio_query
from ..forms import OverdueFilterForm
from ..presenters import (
    CANCELLED,
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
    saved_portfolio_query,
    statewide_counts,
    statewide_district,
)
from ..services import portfolio_view_forget, portfolio_view_remember

PAGE_SIZE = 50
OVERDUE_PAGE_SIZE = 100
# Columns where the biggest number is the interesting one sort descending first.
DESCENDING_FIRST = {
    "overdue",
    "blocked",
    "slip",
    "forecast",
    *(f"open_{a}" for a in BLOCKING_ACTORS),
}


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


# A bare /dashboard/ opens on the view the person last applied; `?clear=1` forgets it.
CLEAR = "clear"


@ccpor_staff_required
def index(request):
    if CLEAR in request.GET:
        portfolio_view_forget(user=request.user)
        return redirect("dashboard:index")
    saved = saved_portfolio_query(request.user)
    if saved and not request.GET:
        return redirect(f"{request.path}?{saved}")
    on_day, now = today_in_california(), timezone.now()
    context = _index_context(request, on_day)
    if not context["filter_errors"] and context["export_query"] != saved:
        # Remembered as asked (the page number aside), once it is understood.
        portfolio_view_remember(user=request.user, query=context["export_query"])
    return render(
        request,
        "dashboard/index.html",
        {**context, **_attention_context(now)},
    )


# At most this many incidents, sign-offs and decisions are listed at the top of the
# dashboard (each list links to all of them).
ATTENTION_SHOWN = 10


def _attention_context(now) -> dict:
    """What waits on the team, above the portfolio (golive.selectors.attention)."""
    return {
        "now": now,
        "attention_incidents": incidents_needing_attention(
            now=now, limit=ATTENTION_SHOWN
        ),
        "team_sign_offs": sign_offs_waiting_on_team(limit=ATTENTION_SHOWN),
        "team_decisions": decisions_waiting_on_team(limit=ATTENTION_SHOWN),
    }


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
        "filtered": query.filtered,
        "export_query": export_query.urlencode(),
        "folded": query.folded.count() if query.folded is not None else 0,
        "unfold_query": _with(request.GET, not_started=SHOW_NOT_STARTED),
        "fold_query": _with(request.GET, not_started=None),
        "listing_not_started": request.GET.get("not_started") == SHOW_NOT_STARTED,
        "soon": SOON,
        "soon_label": GO_LIVE_WINDOWS[SOON][0],
        "today": on_day,
        "readiness": readiness_soonest(today=on_day, limit=READINESS_SHOWN),
        "readiness_total": summary.readiness_window,
        "readiness_window": READINESS_WINDOW_DAYS,
    }


def _with(data, **params) -> str:
    """The query string `data` with `params` set (None: removed), on its first page."""
    query = data.copy()
    query.pop("page", None)
    for name, value in params.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


def _sort_label(param: str) -> str:
    if param == DEFAULT_SORT:
        return "what needs attention first"
    label = SORT_COLUMNS[param.lstrip("-")][0]
    return f"{label}, {'descending' if param.startswith('-') else 'ascending'}"


# Tile colours (Bootstrap) by status; every tile also says its status in words.
TILE_STYLES = {
    Health.LATE: ("Onboarding, late", "text-bg-danger"),
    Health.AT_RISK: ("Onboarding, at risk", "text-bg-warning"),
    Health.ON_TRACK: ("Onboarding, on track", "text-bg-primary"),
    PortfolioStatus.LIVE: ("Live", "text-bg-success"),
    PortfolioStatus.NOT_STARTED: ("Not started", "text-bg-light border"),
    CANCELLED: ("Cancelled", "text-bg-secondary"),
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
    tiles, of one district or all (one query); the burn-up (three aggregate
    queries), the all-live forecast and the waves (one each): the same cost at
    5,000 courts."""
    summary = statewide_summary(
        statewide_counts(today=on_day), styles=TILE_STYLES, phases=phases()
    )
    shown = summary["total"]
    if district is not None:
        line = next((d for d in summary["districts"] if d.key == district), None)
        shown = line.total if line else 0
    courts = StatewideCourts(today=on_day, district=district, count=shown)
    page, page_range = _page(request, courts, STATEWIDE_PAGE_SIZE)
    months = burnup(today=on_day)
    return {
        **summary,
        # The rollout: courts live over time, when all will be, and the waves.
        "burnup": months,
        "chart": burnup_chart(months),
        "statewide": statewide_forecast(),
        "waves": wave_summaries(),
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
