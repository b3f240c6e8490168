"""Reads for the CCPOR Team's portfolio: the dashboard, the statewide view, the
overdue list and the exports."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from ccpor_onboard.lib.prepared import Memo, PreparedQuery
from ccpor_onboard.lib.sorted_dates import CountBefore
from checklists import tally
from checklists.health import health_is_sql, health_rank_sql
from checklists.marks import next_mark_date_sql
from checklists.models import (
    ACTOR_ORDER,
    Actor,
    ChecklistItem,
    Onboarding,
    PortfolioRow,
    PortfolioTally,
    overdue_q,
)
from courts.models import DISTRICT_LABELS
from golive.selectors import readiness_window_last

# --- The CCPOR Team portfolio (dashboard, statewide view, exports) -----------------
#
# Everything the dashboard filters or sorts on is computed in SQL, per court, from the
# court's stored `PortfolioRow` (one row per court: the court, its open onboarding and
# that onboarding's stored summary, kept current by every write to them), so that
# filtering, sorting and pagination happen in the database, in one table with no
# join, read no item, and a page costs the same few queries at 58 courts or at
# 5,000. The derived values repeat `checklists.selectors.onboardings_with_status`
# in SQL (health and the next mark: their SQL twins in checklists/health.py and
# checklists/marks.py); the tests check both give the same answers on the same data.


class PortfolioStatus:
    """Where a court stands in the programme, for the summary, filters and tiles."""

    NOT_STARTED = "not_started"  # no onboarding yet, or only a cancelled one
    ONBOARDING = "onboarding"  # an active onboarding
    LIVE = "live"  # live, or live and closed out
    LABELS = {NOT_STARTED: "Not started", ONBOARDING: "Onboarding", LIVE: "Live"}
    ONBOARDING_STATUSES = {
        NOT_STARTED: (None, Onboarding.Status.CANCELLED),
        ONBOARDING: (Onboarding.Status.ACTIVE,),
        LIVE: (Onboarding.Status.LIVE, Onboarding.Status.CLOSED),
    }

    @classmethod
    def stages(cls, status: str) -> list[int]:
        """The stages (PortfolioRow.Stage) of the statuses of ONBOARDING_STATUSES."""
        return sorted(PortfolioRow.STAGE_OF[s] for s in cls.ONBOARDING_STATUSES[status])

    @classmethod
    def q(cls, status: str) -> Q:
        """Courts in this programme status, on `portfolio_base()`."""
        stages = cls.stages(status)
        return Q(stage=stages[0]) if len(stages) == 1 else Q(stage__in=stages)

    @classmethod
    def of(cls, ob_status: str | None) -> str:
        for status, statuses in cls.ONBOARDING_STATUSES.items():
            if ob_status in statuses:
                return status
        return cls.NOT_STARTED


# "Who is blocking": the dashboard shows open items by actor, in the usual order.
BLOCKING_ACTORS = ACTOR_ORDER

# Rows whose open onboarding is an active one. (Sorting by status is by stage:
# onboarding first, then live, closed out, cancelled, not started.)
ONBOARDING = Q(stage=PortfolioRow.Stage.ONBOARDING)


# What a row holds of the court itself ("pk" is the court's).
COURT_FIELDS = ("pk", "name", "slug", "county", "court_type", "district")
COUNTS = ("total", "finished", "blocked", *(f"open_{a}" for a in BLOCKING_ACTORS))


def portfolio_base() -> QuerySet[PortfolioRow]:
    """The portfolio rows (`checklists.models.PortfolioRow`) of the active courts:
    each court's fields, its open onboarding's `go_live` (None without one), its
    summary's counts (0 without one), and `ob_status`, where the court stands: the
    open onboarding's status, else "closed" if one was closed out (it went live),
    else "cancelled" if one was cancelled, else None (never started); `stage` is
    the same as a number. One table, no join."""
    return PortfolioRow.objects.filter(is_active=True)


def no_one_to_remind_q() -> Q:
    """Courts (of `portfolio_base`) with an active onboarding but no one the 60- and
    30-day reminders can go to, so that their reminders would fail: from the
    count its stored summary keeps (`reminders.selectors.reminder_recipient_counts`),
    not from every membership."""
    return ONBOARDING & Q(reminder_recipients=0)


def health_rank(*, today: datetime.date):
    """`checklists.health.health_rank_sql` of each row's open onboarding, from its
    stored summary; None for one that is not active or not started."""
    return health_rank_sql(**_health_fields(today))


def _health_fields(today: datetime.date) -> dict:
    """What the health rule reads of a portfolio row."""
    return {
        "today": today,
        "active": ONBOARDING,
        "go_live": "go_live",
        "oldest_open_due": "oldest_open_due",
        "blocked": "blocked",
    }


def with_overdue_q(*, today: datetime.date) -> Q:
    """Rows whose oldest open item is overdue on `today`: the only ones with overdue
    items, whose lists of due dates are searched (most onboardings have none)."""
    return Q(oldest_open_due__lt=today)


def overdue_in_list(actor: str, *, today: datetime.date) -> CountBefore:
    """How many of the row's open items of this actor are due before `today` (a
    search of the stored list of their due dates)."""
    return CountBefore(F(f"open_due_{actor}"), day=today)


def overdue_of(actor: str, *, today: datetime.date) -> Case:
    """How many open items of this actor are overdue on `today`, for the row's open
    onboarding (0 without one), searched only in rows `with_overdue_q`."""
    return Case(
        When(with_overdue_q(today=today), then=overdue_in_list(actor, today=today)),
        default=Value(0),
        output_field=IntegerField(),
    )


def portfolio_values(*, today: datetime.date) -> dict:
    """What a portfolio row holds besides the court's own fields (COURT_FIELDS),
    `ob_status`, `go_live`, the counts (COUNTS) and the current phase
    (`phase_order`: the first phase, in phase order, with an open item), all
    stored: the one place that defines the row's values that depend on the day,
    as SQL over `portfolio_base()`, for the table, its filters and sorts, the
    statewide view and the CSV export, computed from the stored row.

    Counts are 0 (not NULL) for a court with no open onboarding, so that they sort
    among the zeros. They include CCPOR-internal items: the portfolio is for CCPOR
    staff.
    """
    return {
        # Open items due before today, counted in the stored lists of due dates.
        "overdue": sum(
            (overdue_of(actor, today=today) for actor in BLOCKING_ACTORS[1:]),
            overdue_of(BLOCKING_ACTORS[0], today=today),
        ),
        "health_rank": health_rank(today=today),
        "next_mark_date": next_mark_date_sql(
            today=today, go_live="go_live", when=ONBOARDING
        ),
        "status_rank": F("stage"),
        # An onboarding court with nobody the reminders can go to.
        "no_one_to_remind": ExpressionWrapper(
            no_one_to_remind_q(), output_field=BooleanField()
        ),
        "progress_ratio": Coalesce(
            Cast(F("finished"), FloatField())
            / NullIf(Cast(F("total"), FloatField()), 0.0),
            0.0,
            output_field=FloatField(),
        ),
    }


# Values the table sorts by but does not show (a row's next mark is worked out from
# its Go-Live date): a page's rows are read without them.
SORT_ONLY = frozenset({"status_rank", "progress_ratio", "next_mark_date"})


def portfolio_fields(*, today: datetime.date) -> tuple[str, ...]:
    """The names a row of the table is read with (`QuerySet.values`)."""
    return (
        *COURT_FIELDS,
        "ob_status",
        "go_live",
        *COUNTS,
        "phase_order",
        *(name for name in portfolio_values(today=today) if name not in SORT_ONLY),
    )


def health_q(health: str, *, today: datetime.date) -> Q:
    """Courts of this health (`checklists.health.health_is_sql`)."""
    return health_is_sql(health, **_health_fields(today))


def portfolio_courts(*, today: datetime.date) -> QuerySet[PortfolioRow]:
    """Every active court with what the portfolio table shows, filters and sorts on
    (see `portfolio_values`). One query, however many courts; filtering and sorting
    read stored values, so neither reads a single item."""
    return portfolio_base().annotate(**portfolio_values(today=today))


@dataclass(frozen=True)
class PortfolioSummary:
    total: int
    live: int
    onboarding: int
    not_started: int
    go_lives_soon: int
    overdue_by_actor: dict[str, int]
    no_one_to_remind: int = 0
    # Active onboardings inside the Go-Live readiness window (the readiness panel
    # lists the soonest few).
    readiness_window: int = 0

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue_by_actor.values())


def _open_overdue_items(*, today: datetime.date) -> QuerySet[ChecklistItem]:
    """Open items, due before today, of the open onboardings of active courts."""
    return ChecklistItem.objects.overdue(today).filter(
        onboarding__status__in=Onboarding.OPEN_STATUSES,
        onboarding__court__is_active=True,
    )


def portfolio_summary(*, today: datetime.date) -> PortfolioSummary:
    """The programme in numbers: courts live / onboarding / not started out of all
    active courts, Go-Lives in the next 90 days (today included), onboarding courts
    with no one to remind, onboardings inside the Go-Live readiness window, and
    overdue items by actor (from the stored summaries).

    Sums of the tally of the portfolio rows' facts (`checklists.tally`), not a pass
    over the rows: a few dozen tally rows however many courts. One query, compiled
    once a day. The tests hold each figure to the filter of the same name
    (`PortfolioStatus.q`, `go_live_window_q`, `in_readiness_window_q`,
    `no_one_to_remind_q`, `overdue_of`) counted over the rows."""
    [counts] = _summary_queries.get(
        today, lambda: PreparedQuery(_summary_queryset(today=today))
    ).dicts()
    return summary_of(counts)


def summary_of(counts: dict) -> PortfolioSummary:
    """The PortfolioSummary of a row of the summary's sums: the courts not started
    are those neither onboarding nor live."""
    live, onboarding = counts[PortfolioStatus.LIVE], counts[PortfolioStatus.ONBOARDING]
    return PortfolioSummary(
        total=counts["total"],
        live=live,
        onboarding=onboarding,
        not_started=counts["total"] - live - onboarding,
        go_lives_soon=counts["go_lives_soon"],
        no_one_to_remind=counts["no_one_to_remind"],
        readiness_window=counts["readiness_window"],
        overdue_by_actor={
            actor: counts[f"overdue_{actor}"] for actor in BLOCKING_ACTORS
        },
    )


_summary_queries = Memo(4)


def _summary_facts(*, today: datetime.date) -> dict[str, Q]:
    """Each figure of the summary as the tally rows it sums."""
    stages = PortfolioRow.Stage
    onboarding = stages.ONBOARDING
    _, soon_from, soon_to = GO_LIVE_WINDOWS[SOON]
    day = datetime.timedelta(days=1)
    return {
        "total": tally.undated_q(*(tally.stage_fact(s) for s in stages)),
        **{
            status: tally.undated_q(
                *(tally.stage_fact(s) for s in PortfolioStatus.stages(status))
            )
            for status in (PortfolioStatus.ONBOARDING, PortfolioStatus.LIVE)
        },
        # no_one_to_remind_q: onboarding, nobody to send its reminders to.
        "no_one_to_remind": tally.undated_q(tally.unreachable_fact(onboarding)),
        # go_live_window_q(SOON): a Go-Live date (an open onboarding) in the window.
        "go_lives_soon": tally.between_q(
            (tally.go_live_fact(s) for s in stages),
            today + soon_from * day,
            today + soon_to * day,
        ),
        # in_readiness_window_q: onboarding, Go-Live at most the window away.
        "readiness_window": tally.on_or_before_q(
            tally.go_live_fact(onboarding), readiness_window_last(today)
        ),
        # overdue_of: open items due before today.
        **{
            f"overdue_{actor}": tally.on_or_before_q(tally.due_fact(actor), today - day)
            for actor in BLOCKING_ACTORS
        },
    }


def _summary_queryset(*, today: datetime.date) -> QuerySet:
    facts = _summary_facts(today=today)
    read = Q()
    for q in facts.values():
        read |= q
    return summary_queryset(
        PortfolioTally.objects.filter(read),
        **{
            name: Coalesce(Sum("n", filter=q), 0, output_field=IntegerField())
            for name, q in facts.items()
        },
    )


def summary_queryset(queryset: QuerySet, **aggregates) -> QuerySet:
    """`queryset` aggregated into one row, whatever the data: the `aggregates`
    grouped by a constant."""
    return (
        queryset.annotate(everything=Value(1))
        .values("everything")
        .annotate(**aggregates)
        .order_by()
    )


# Go-Live windows of the dashboard filter: (label, days from, days to), both
# inclusive, None = open-ended. Only open onboardings (active or live) have an
# upcoming or past Go-Live to speak of.
GO_LIVE_WINDOWS = {
    "passed": ("Go-Live passed", None, -1),
    "next_30": ("In the next 30 days", 0, 30),
    "next_60": ("In the next 60 days", 0, 60),
    "next_90": ("In the next 90 days", 0, 90),
    "later": ("More than 90 days away", 91, None),
}
SOON = "next_90"  # the summary's "Go-Lives in the next 90 days"


def go_live_window_q(window: str, *, today: datetime.date) -> Q:
    """Courts whose open onboarding goes live in this window (see GO_LIVE_WINDOWS)."""
    _, start, end = GO_LIVE_WINDOWS[window]
    # A row has a Go-Live date only with an open onboarding: a bound on it leaves
    # out the others.
    q = Q()
    if start is not None:
        q &= Q(go_live__gte=today + datetime.timedelta(days=start))
    if end is not None:
        q &= Q(go_live__lte=today + datetime.timedelta(days=end))
    return q or Q(go_live__isnull=False)


# The statewide view's order: by district (tribal courts, which have none, last),
# then type and name (the `portfolio_row_statewide` index).
STATEWIDE_ORDER = (
    F("district").asc(nulls_last=True),
    "court_type",
    "name",
    "court_id",
)
# The statewide view's district filter: "1"-"6", or "tribal" (no district).
TRIBAL = "tribal"


def statewide_district_q(district: str | None) -> Q:
    """Courts of one district ("1"-"6"), the tribal courts ("tribal"), or every court
    (None); see `statewide_district`."""
    if district is None:
        return Q()
    if district == TRIBAL:
        return Q(district__isnull=True)
    return Q(district=int(district))


def statewide_district(value: str | None) -> str | None:
    """The district filter a query string asks for, or None (every court) for
    nothing or nonsense."""
    if value == TRIBAL or value in {str(n) for n in DISTRICT_LABELS}:
        return value
    return None


def statewide_counts(*, today: datetime.date) -> list[tuple]:
    """How many active courts there are of each (district, ob_status, health_rank,
    phase_order) found: the statewide view's counts by district and stage and its
    legend. One query, a few dozen rows however many courts."""
    return list(
        portfolio_base()
        .annotate(health_rank=health_rank(today=today))
        .values_list("district", "ob_status", "health_rank", "phase_order")
        .annotate(n=Count("pk"))
        .order_by()
    )


class StatewideCourts:
    """The active courts of a district (or all, `district` None) for `Paginator`, as
    (district, name, slug, county, court_type, ob_status, go_live, health_rank)
    tuples in the statewide order. `count` is known already (from
    `statewide_counts`); a slice is one query, which reads its rows in order from
    the `portfolio_row_statewide` index, so a page of tiles costs the same at 58
    courts and at 5,000."""

    def __init__(self, *, today: datetime.date, district: str | None, count: int):
        self.today, self.district, self._count = today, district, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[tuple]:
        return list(
            portfolio_base()
            .filter(statewide_district_q(self.district))
            .annotate(health_rank=health_rank(today=self.today))
            .order_by(*STATEWIDE_ORDER)
            .values_list(
                "district",
                "name",
                "slug",
                "county",
                "court_type",
                "ob_status",
                "go_live",
                "health_rank",
            )[index]
        )


OVERDUE_GROUPINGS = {
    "actor": ("actor", "due_date", "onboarding__court__name", "order"),
    "court": ("onboarding__court__name", "due_date", "order"),
}


def overdue_items_across_courts(
    *, today: datetime.date, group: str = "actor", actor: str | None = None
) -> QuerySet[ChecklistItem]:
    """Every overdue item of every open onboarding, with its court, phase and owner,
    in the order of the chosen grouping ("actor" or "court"); optionally one
    actor's."""
    items = _open_overdue_items(today=today).select_related(
        "onboarding__court", "phase", "owner"
    )
    if actor:
        items = items.filter(actor=actor)
    return items.order_by(*OVERDUE_GROUPINGS[group])


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
