"""Reads for the CCPOR Team's portfolio: the dashboard, the statewide view, the
overdue list and the exports."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf
from django.db.models.lookups import Exact, In, IsNull

from ccpor_onboard.lib.dates import DaysBetween
from checklists.health import Health, health_is_sql, health_rank_sql
from checklists.marks import next_mark_date_sql
from checklists.models import (
    ACTOR_ORDER,
    ChecklistItem,
    Onboarding,
)
from checklists.selectors import first_planned_go_live
from courts.models import DISTRICT_LABELS, Court
from golive.selectors import in_readiness_window_q
from planning.models import slipping_q
from reminders.selectors import reminder_recipient_memberships
from roster.readiness import expired_count, present_count, ready_count

from .models import SavedPortfolioView

# --- The CCPOR Team portfolio (dashboard, statewide view, exports) -----------------
#
# One row per active court: the court LEFT JOIN its current onboarding LEFT JOIN that
# onboarding's stored summary (`checklists.OnboardingSummary`, the one stored read
# model), so that filtering, sorting, counting and pagination happen in the
# database and read no item, except the overdue counts, which read the open items
# of the rows that have any. What depends on the day (health, the next mark,
# overdue) is worked out in SQL when read; health and the next mark by their SQL
# twins in checklists/health.py and checklists/marks.py, which the tests hold to
# the Python rules.

OPEN = Onboarding.OPEN_STATUSES


class Stage:
    """Where a court stands, as a small number in the order the portfolio sorts by
    status: onboarding first, then live, closed out, cancelled, not started."""

    ONBOARDING, LIVE, CLOSED_OUT, CANCELLED, NOT_STARTED = 1, 2, 3, 4, 5
    OF = {
        Onboarding.Status.ACTIVE: ONBOARDING,
        Onboarding.Status.LIVE: LIVE,
        Onboarding.Status.CLOSED: CLOSED_OUT,
        Onboarding.Status.CANCELLED: CANCELLED,
        None: NOT_STARTED,
    }


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
    def q(cls, status: str) -> Q:
        """Courts in this programme status, on `portfolio_base()`."""
        return Q(stage__in=sorted(Stage.OF[s] for s in cls.ONBOARDING_STATUSES[status]))

    @classmethod
    def of(cls, ob_status: str | None) -> str:
        for status, statuses in cls.ONBOARDING_STATUSES.items():
            if ob_status in statuses:
                return status
        return cls.NOT_STARTED


# "Who is blocking": the dashboard shows open items by actor, in the usual order.
BLOCKING_ACTORS = ACTOR_ORDER

# Rows whose current onboarding is an active one.
ONBOARDING = Q(stage=Stage.ONBOARDING)
# Rows whose current onboarding is open (active or live): the only ones with open
# work to count, a Go-Live date to come, overdue items.
IS_OPEN = Q(ob__status__in=OPEN)


# What a row holds of the court itself ("pk" is the court's).
COURT_FIELDS = ("pk", "name", "slug", "county", "court_type", "district")
COUNTS = ("total", "finished", "blocked", *(f"open_{a}" for a in BLOCKING_ACTORS))


def current_onboarding_q() -> Q:
    """The condition that makes the joined onboarding (`ob`) its court's current
    one: no other onboarding of the same court comes before it. An open one (at
    most one) comes before any other, a closed one (it went live) before a
    cancelled one, and between two of the same status the later (by pk).

    A NOT EXISTS on `ob`'s own columns, not a subquery on the court picking the
    first in that order: PostgreSQL plans it as an anti-join inside the outer join
    (a hash anti-join when every court is read: the summary, the statewide view,
    the CSV; an index lookup per court for a page of rows), where a subquery in the
    join condition ran once or twice per court."""
    status = OuterRef("ob__status")
    before = Onboarding.objects.filter(
        Q(status__in=OPEN) & ~Q(In(status, sorted(OPEN)))
        | Q(status=Onboarding.Status.CLOSED)
        & Q(Exact(status, Onboarding.Status.CANCELLED))
        | Q(status=status, pk__gt=OuterRef("ob__pk")),
        court=OuterRef("ob__court"),
    )
    return Q(~Exists(before))


def _open_only(expression, default):
    """`expression` for a row whose onboarding is open, else `default`."""
    return Case(When(IS_OPEN, then=expression), default=default)


def _if_onboarding(expression):
    """`expression` for a row whose onboarding is active, else None."""
    return Case(When(ONBOARDING, then=expression), default=None)


def forecast_slipping_q() -> Q:
    """Rows whose active onboarding's forecast is slipping (`planning.models.
    slipping_q` on the joined forecast)."""
    return ONBOARDING & slipping_q("ob__forecast__")


def portfolio_base(only: tuple[str, ...] | None = None) -> QuerySet[Court]:
    """The active courts, each with its current onboarding (`current_onboarding_q`)
    and that onboarding's stored summary, joined: `ob_id`, `ob_status` (None for a
    court never started) and `stage` (the same as a number, `Stage`); `go_live`
    (of an open onboarding, else None); `total` and `finished` (of any onboarding:
    a closed court counts its finished items); `blocked`, the open items by actor,
    `phase_order` and `oldest_open_due` (of an open onboarding, else 0 or None).
    One query, however many courts. `only`: just these values (a page that reads
    a few of them does not pay for resolving the others)."""
    stage = Case(
        *[When(ob__status=s, then=Value(n)) for s, n in Stage.OF.items() if s],
        default=Value(Stage.NOT_STARTED),
        output_field=IntegerField(),
    )
    values = {
        "ob_id": F("ob__pk"),
        "ob_status": F("ob__status"),
        "stage": stage,
        "go_live": _open_only(F("ob__go_live_date"), None),
        "went_live_on": F("ob__went_live_on"),
        "total": Coalesce(F("ob__summary__total"), 0),
        "finished": Coalesce(F("ob__summary__finished"), 0),
        "blocked": _open_only(F("ob__summary__blocked"), 0),
        **{
            f"open_{a}": _open_only(F(f"ob__summary__open_{a}"), 0)
            for a in BLOCKING_ACTORS
        },
        "phase_order": _open_only(F("ob__summary__phase_order"), None),
        "oldest_open_due": _open_only(F("ob__summary__oldest_open_due"), None),
    }
    if only is not None:
        values = {name: values[name] for name in only}
    return (
        Court.objects.filter(is_active=True)
        .annotate(
            ob=FilteredRelation(
                "onboardings",
                condition=current_onboarding_q(),
            )
        )
        .annotate(**values)
    )


def no_one_to_remind_q() -> Q:
    """Courts (of `portfolio_base`) with an active onboarding but no one the 60- and
    30-day reminders can go to (`reminders.selectors.reminder_recipient_memberships`),
    so that their reminders would fail."""
    return ONBOARDING & ~Exists(
        reminder_recipient_memberships().filter(court_id=OuterRef("pk"))
    )


def _first_recipient() -> Subquery:
    """The pk of one membership the reminders of the row's court can go to (None
    without one), for `no_one_to_remind` as a value. A scalar subquery, which
    PostgreSQL runs for the rows it returns only (50 on a page), by index: the
    NOT EXISTS of `no_one_to_remind_q` in a SELECT list is planned as a hash of
    every membership and user, built for a page of rows too."""
    return Subquery(
        reminder_recipient_memberships()
        .filter(court_id=OuterRef("pk"))
        .order_by()
        .values("pk")[:1]
    )


def _health_fields(today: datetime.date) -> dict:
    """What the health rule reads of a portfolio row."""
    return {
        "today": today,
        "active": ONBOARDING,
        "go_live": "go_live",
        "oldest_open_due": "oldest_open_due",
        "blocked": "blocked",
    }


# What the health rule (`_health_fields`) and the statewide view read of the base.
HEALTH_BASE = ("stage", "go_live", "oldest_open_due", "blocked")
STATEWIDE_BASE = ("ob_status", *HEALTH_BASE, "phase_order")


def health_rank(*, today: datetime.date):
    """`checklists.health.health_rank_sql` of each row's onboarding; None for one
    that is not active or not started."""
    return health_rank_sql(**_health_fields(today))


def health_q(health: str, *, today: datetime.date) -> Q:
    """Courts of this health (`checklists.health.health_is_sql`)."""
    return health_is_sql(health, **_health_fields(today))


def with_overdue_q(*, today: datetime.date) -> Q:
    """Rows whose oldest open item is overdue on `today`: the only ones with overdue
    items, whose items are counted (most onboardings have none)."""
    return Q(oldest_open_due__lt=today)


def overdue_count(*, today: datetime.date) -> Case:
    """How many open items of the row's open onboarding are due before `today` (0
    without one), counted only in rows `with_overdue_q`."""
    items = (
        ChecklistItem.objects.overdue(today)
        .filter(onboarding=OuterRef("ob_id"))
        .order_by()
        .values("onboarding")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Case(
        When(with_overdue_q(today=today), then=Coalesce(Subquery(items), 0)),
        default=Value(0),
        output_field=IntegerField(),
    )


def portfolio_values(*, today: datetime.date) -> dict:
    """What a portfolio row holds besides `portfolio_base`'s values, worked out on
    `today` in SQL: the one definition for the table, its filters and sorts, the
    statewide view, the CSV export and the API."""
    return {
        "overdue": overdue_count(today=today),
        "health_rank": health_rank(today=today),
        "next_mark_date": next_mark_date_sql(
            today=today, go_live="go_live", when=ONBOARDING
        ),
        "status_rank": F("stage"),
        # How many days later (earlier: negative) than first planned the open
        # onboarding's Go-Live now is (0 if it never moved).
        "slip_days": _open_only(
            DaysBetween(
                F("go_live"), day=Coalesce(first_planned_go_live("ob_id"), F("go_live"))
            ),
            None,
        ),
        # An onboarding court with nobody the reminders can go to: the rows of
        # `no_one_to_remind_q`, shown as a value.
        "no_one_to_remind": ExpressionWrapper(
            ONBOARDING & Q(IsNull(_first_recipient(), True)),
            output_field=BooleanField(),
        ),
        # The onboarding's forecast from pace (planning.Forecast, joined: no query
        # more), for an active onboarding only: P50, P85 and days from its target
        # to its P85 (slipping when positive: planning.models.slipping_q).
        "forecast_target": _if_onboarding(F("ob__forecast__target")),
        "forecast_p50": _if_onboarding(F("ob__forecast__p50")),
        "forecast_p85": _if_onboarding(F("ob__forecast__p85")),
        "forecast_slip_days": _if_onboarding(
            DaysBetween(F("ob__forecast__p85"), day=F("ob__forecast__target"))
        ),
        # Who will use CCPOR at the court (roster): how many need access, how many
        # are ready on the Go-Live date (today once it has passed, or without an
        # open onboarding), how many hold an expired certification or training.
        **_roster_values(today),
        "progress_ratio": Coalesce(
            Cast(F("finished"), FloatField())
            / NullIf(Cast(F("total"), FloatField()), 0.0),
            0.0,
            output_field=FloatField(),
        ),
    }


def _roster_values(today: datetime.date) -> dict:
    day = Coalesce(Greatest(OuterRef("go_live"), Value(today)), Value(today))
    total = present_count("pk")
    ready = ready_count("pk", day)
    return {
        "roster_total": total,
        "roster_ready": ready,
        "roster_not_ready": ExpressionWrapper(
            total - ready, output_field=IntegerField()
        ),
        "roster_expired": expired_count("pk", today),
    }


# Values the table sorts by but does not show (a row's next mark is worked out from
# its Go-Live date): a page's rows are read without them.
SORT_ONLY = frozenset(
    {"status_rank", "progress_ratio", "next_mark_date", "roster_not_ready"}
)


def portfolio_fields(*, today: datetime.date) -> tuple[str, ...]:
    """The names a row of the table is read with (`QuerySet.values`)."""
    return (
        *COURT_FIELDS,
        "ob_status",
        "go_live",
        "went_live_on",
        *COUNTS,
        "phase_order",
        *(name for name in portfolio_values(today=today) if name not in SORT_ONLY),
    )


def portfolio_courts(*, today: datetime.date) -> QuerySet[Court]:
    """Every active court with what the portfolio table shows, filters and sorts on
    (see `portfolio_values`). One query, however many courts."""
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
    # Active onboardings by health (checklists.health): the tiles that filter.
    late: int = 0
    at_risk: int = 0
    go_lives_30: int = 0

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue_by_actor.values())


def _open_overdue_items(*, today: datetime.date) -> QuerySet[ChecklistItem]:
    """Open items, due before today, of the open onboardings of active courts."""
    return ChecklistItem.objects.overdue(today).filter(
        onboarding__status__in=OPEN, onboarding__court__is_active=True
    )


def portfolio_summary(*, today: datetime.date) -> PortfolioSummary:
    """The programme in numbers: courts live / onboarding / not started out of all
    active courts, Go-Lives in the next 90 days (today included), onboarding courts
    with no one to remind, onboardings inside the Go-Live readiness window, and
    overdue items by actor. Two queries: one aggregate over the courts' rows, each
    figure counted by the filter of the same name (`PortfolioStatus.q`,
    `go_live_window_q`, `in_readiness_window_q`, `no_one_to_remind_q`), and one over
    the overdue items."""
    counts = portfolio_base(HEALTH_BASE).aggregate(
        total=Count("pk"),
        **{
            status: Count("pk", filter=PortfolioStatus.q(status))
            for status in (PortfolioStatus.ONBOARDING, PortfolioStatus.LIVE)
        },
        go_lives_soon=Count("pk", filter=go_live_window_q(SOON, today=today)),
        go_lives_30=Count("pk", filter=go_live_window_q(NEXT_30, today=today)),
        late=Count("pk", filter=health_q(Health.LATE, today=today)),
        at_risk=Count("pk", filter=health_q(Health.AT_RISK, today=today)),
        no_one_to_remind=Count("pk", filter=no_one_to_remind_q()),
        readiness_window=Count(
            "pk",
            filter=in_readiness_window_q(
                today=today, go_live="go_live", active=ONBOARDING
            ),
        ),
    )
    overdue = dict(
        _open_overdue_items(today=today)
        .order_by()
        .values("actor")
        .annotate(n=Count("pk"))
        .values_list("actor", "n")
    )
    live, onboarding = counts[PortfolioStatus.LIVE], counts[PortfolioStatus.ONBOARDING]
    return PortfolioSummary(
        total=counts["total"],
        live=live,
        onboarding=onboarding,
        not_started=counts["total"] - live - onboarding,
        go_lives_soon=counts["go_lives_soon"],
        no_one_to_remind=counts["no_one_to_remind"],
        readiness_window=counts["readiness_window"],
        late=counts["late"],
        at_risk=counts["at_risk"],
        go_lives_30=counts["go_lives_30"],
        overdue_by_actor={actor: overdue.get(actor, 0) for actor in BLOCKING_ACTORS},
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
NEXT_30 = "next_30"  # the attention tile's "going live in the next 30 days"


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
# then type and name.
STATEWIDE_ORDER = (F("district").asc(nulls_last=True), "court_type", "name", "pk")
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
        portfolio_base(STATEWIDE_BASE)
        .annotate(health_rank=health_rank(today=today))
        .values_list("district", "ob_status", "health_rank", "phase_order")
        .annotate(n=Count("pk"))
        .order_by()
    )


class StatewideCourts:
    """The active courts of a district (or all, `district` None) for `Paginator`, as
    (district, name, slug, county, court_type, ob_status, go_live, health_rank)
    tuples in the statewide order. `count` is known already (from
    `statewide_counts`); a slice is one query."""

    def __init__(self, *, today: datetime.date, district: str | None, count: int):
        self.today, self.district, self._count = today, district, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[tuple]:
        return list(
            portfolio_base(STATEWIDE_BASE)
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


def saved_portfolio_query(user) -> str:
    """The query string `user` last applied to the portfolio (dashboard.services),
    or ""."""
    saved = SavedPortfolioView.objects.filter(user=user).values_list("query")
    return next(iter(saved), ("",))[0]
