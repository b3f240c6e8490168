"""Reads of courts, shaped for the pages that list them."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from checklists.models import Actor, ChecklistItem, Onboarding, Phase
from checklists.selectors import (
    LATE_AFTER_DAYS,
    MARKS,
    Health,
    Mark,
    Progress,
    next_mark,
    onboardings_with_status,
)

from .access import courts_for_user, is_ccpor_staff
from .models import Court


def court_list_for_user(user, *, today: datetime.date) -> list[Court]:
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


# --- The CCPOR Team portfolio (dashboard, statewide view, exports) -----------------
#
# Everything the dashboard filters or sorts on is computed in SQL, per court, from the
# court's *current* onboarding (the open one, else the latest; as `court_list_for_user`
# picks it), so that filtering, sorting and pagination happen in the database and a
# page costs the same few queries at 58 courts or at 5,000. The derived values repeat
# `checklists.selectors.onboardings_with_status` and `health_for` in SQL; the tests
# check both give the same answers on the same data.


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
        """Courts in this programme status (on a queryset with `ob_status`)."""
        statuses = cls.ONBOARDING_STATUSES[status]
        q = Q(ob_status__in=[s for s in statuses if s is not None])
        if None in statuses:
            q |= Q(ob_status__isnull=True)
        return q

    @classmethod
    def of(cls, ob_status: str | None) -> str:
        for status, statuses in cls.ONBOARDING_STATUSES.items():
            if ob_status in statuses:
                return status
        return cls.NOT_STARTED


DISTRICT_LABELS = {
    n: f"{ordinal} District"
    for n, ordinal in enumerate(("1st", "2nd", "3rd", "4th", "5th", "6th"), start=1)
}
# "Who is blocking": the order in which the dashboard shows open items by actor.
BLOCKING_ACTORS = (Actor.COURT, Actor.SHERIFF, Actor.CCPOR, Actor.DOJ)

# Sorting by status: onboarding first, then live, closed out, cancelled, not started.
STATUS_RANK = {
    Onboarding.Status.ACTIVE: 1,
    Onboarding.Status.LIVE: 2,
    Onboarding.Status.CLOSED: 3,
    Onboarding.Status.CANCELLED: 4,
}

# Worst first when a column of health is sorted ascending.
HEALTH_RANK = {Health.LATE: 1, Health.AT_RISK: 2, Health.ON_TRACK: 3}
HEALTH_BY_RANK = {rank: health for health, rank in HEALTH_RANK.items()}


def _items(**filters) -> QuerySet[ChecklistItem]:
    """Items of the row's current onboarding (the `cur` join), narrowed by filters."""
    return ChecklistItem.objects.filter(onboarding_id=OuterRef("cur__id"), **filters)


def _per_onboarding(aggregate):
    """One aggregate over the items of the row's current onboarding. The items are
    found by the onboarding index alone; conditions belong in the aggregate's
    FILTER, so the planner cannot pick the status/due-date index and read every
    court's items once per court."""
    return Subquery(
        _items().order_by().values("onboarding_id").annotate(v=aggregate).values("v")
    )


def _count(condition: Q | None = None):
    return Coalesce(
        _per_onboarding(Count("id", filter=condition or None)),
        0,
        output_field=IntegerField(),
    )


def portfolio_base() -> QuerySet[Court]:
    """Active courts joined to their open onboarding as `cur` (at most one, by the
    `one_open_onboarding_per_court` constraint), with `ob_status` and `go_live`.

    A court without an open onboarding has `ob_status` "closed" if one of its
    onboardings was closed out (it went live), else "cancelled" if one was
    cancelled, else None (never started); its `go_live` is None. The closed and
    cancelled court lists are read once per query (hashed), not once per court.
    """
    closed = Onboarding.objects.filter(status=Onboarding.Status.CLOSED)
    cancelled = Onboarding.objects.filter(status=Onboarding.Status.CANCELLED)
    return (
        Court.objects.filter(is_active=True)
        .annotate(
            cur=FilteredRelation(
                "onboardings",
                condition=Q(onboardings__status__in=Onboarding.OPEN_STATUSES),
            )
        )
        .annotate(
            ob_id=F("cur__id"),
            ob_status=Case(
                When(cur__id__isnull=False, then=F("cur__status")),
                When(
                    pk__in=closed.values("court_id"),
                    then=Value(Onboarding.Status.CLOSED),
                ),
                When(
                    pk__in=cancelled.values("court_id"),
                    then=Value(Onboarding.Status.CANCELLED),
                ),
                default=None,
                output_field=CharField(),
            ),
            go_live=F("cur__go_live_date"),
        )
    )


def with_health(qs: QuerySet[Court], *, today: datetime.date) -> QuerySet[Court]:
    """Annotate `health_rank`: the documented rule of
    `checklists.selectors.health_for` in SQL, as a rank (see HEALTH_RANK; None for an
    onboarding that is not active or a court that has not started).

    One subquery per court aggregates its items (found by the onboarding index; the
    conditions sit in FILTER clauses so the planner cannot wander off to the
    status/due-date index and scan every court's items for each court).
    """
    open_q = Q(status__in=ChecklistItem.OPEN_STATUSES)
    late_since = today - datetime.timedelta(days=LATE_AFTER_DAYS)
    item_rank = (
        _items()
        .order_by()
        .values("onboarding_id")
        .annotate(
            oldest_overdue=Min("due_date", filter=open_q & Q(due_date__lt=today)),
            # Blocked is an open status: an open item overdue, or one blocked.
            risky=Count(
                "id",
                filter=open_q
                & (Q(due_date__lt=today) | Q(status=ChecklistItem.Status.BLOCKED)),
            ),
        )
        .annotate(
            rank=Case(
                When(
                    oldest_overdue__lte=late_since,
                    then=Value(HEALTH_RANK[Health.LATE]),
                ),
                When(risky__gt=0, then=Value(HEALTH_RANK[Health.AT_RISK])),
                default=Value(HEALTH_RANK[Health.ON_TRACK]),
                output_field=IntegerField(),
            )
        )
        .values("rank")
    )
    active = Q(ob_status=Onboarding.Status.ACTIVE)
    return qs.annotate(
        health_rank=Case(
            When(
                active & Q(go_live__lt=today),
                then=Value(HEALTH_RANK[Health.LATE]),
            ),
            When(
                active,
                then=Coalesce(
                    Subquery(item_rank, output_field=IntegerField()),
                    Value(HEALTH_RANK[Health.ON_TRACK]),
                ),
            ),
            default=None,
            output_field=IntegerField(),
        )
    )


def health_q(health: str) -> Q:
    """Courts of this health, on a queryset annotated by `with_health`."""
    return Q(health_rank=HEALTH_RANK[health])


def _next_mark_date(*, today: datetime.date):
    """The date of the first of the guide's marks on or after today (SQL twin of
    `checklists.selectors.next_mark`); None once Go-Live has passed."""
    whens = [
        When(
            Q(ob_status=Onboarding.Status.ACTIVE)
            & Q(go_live__gte=today + datetime.timedelta(days=offset)),
            then=Cast(F("go_live") - datetime.timedelta(days=offset), DateField()),
        )
        for _, offset in MARKS
    ]
    return Case(*whens, default=None, output_field=DateField())


def portfolio_courts(*, today: datetime.date) -> QuerySet[Court]:
    """Every active court with what the portfolio table shows, filters and sorts on:
    `ob_status`, `status_rank`, `go_live`, `total`, `finished`, `progress_ratio`,
    `phase_order`, `overdue`, `blocked`, `health_rank`,
    `next_mark_date` and open items by actor (`open_court`, `open_so`,
    `open_ccpor`, `open_doj`). One query, however many courts.

    Counts include CCPOR-internal items: the portfolio is for CCPOR staff.
    """
    open_q = Q(status__in=ChecklistItem.OPEN_STATUSES)
    qs = with_health(portfolio_base(), today=today).annotate(
        overdue=_count(open_q & Q(due_date__lt=today)),
        blocked=_count(Q(status=ChecklistItem.Status.BLOCKED)),
        total=_count(),
        finished=_count(Q(status__in=ChecklistItem.FINISHED_STATUSES)),
        # The current phase is the first phase (in phase order) with an open item.
        phase_order=_per_onboarding(Min("phase__order", filter=open_q)),
        next_mark_date=_next_mark_date(today=today),
        status_rank=Case(
            *[When(ob_status=s, then=Value(r)) for s, r in STATUS_RANK.items()],
            default=Value(len(STATUS_RANK) + 1),
            output_field=IntegerField(),
        ),
        **{
            f"open_{actor}": _count(open_q & Q(actor=actor))
            for actor in BLOCKING_ACTORS
        },
    )
    return qs.annotate(
        progress_ratio=Case(
            When(total=0, then=Value(0.0)),
            default=Cast(F("finished"), FloatField()) / Cast(F("total"), FloatField()),
            output_field=FloatField(),
        )
    )


@dataclass(frozen=True)
class PortfolioRow:
    """One court of the portfolio, ready to show or export."""

    court: Court
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

    @property
    def status_label(self) -> str:
        if self.ob_status == Onboarding.Status.CANCELLED:
            return "Cancelled"
        if self.ob_status == Onboarding.Status.CLOSED:
            return "Live (closed out)"
        return PortfolioStatus.LABELS[self.status]

    @property
    def health_label(self) -> str:
        return Health.LABELS.get(self.health, "")

    @property
    def type_label(self) -> str:
        """A superior court's district ("3rd District"), else its type."""
        if self.court.district:
            return DISTRICT_LABELS[self.court.district]
        return self.court.get_court_type_display()

    @property
    def short_name(self) -> str:
        """The county for a superior court ("Alameda"), else the court's name."""
        if self.court.court_type == Court.CourtType.SUPERIOR and self.court.county:
            return self.court.county
        return self.court.name

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


def portfolio_rows(
    courts: Iterable[Court], *, today: datetime.date, phases_by_order: dict[int, Phase]
) -> list[PortfolioRow]:
    """Turn annotated courts (from `portfolio_courts`) into rows; no queries."""
    rows = []
    for court in courts:
        is_open = court.go_live is not None  # only an open onboarding is measured
        rows.append(
            PortfolioRow(
                court=court,
                status=PortfolioStatus.of(court.ob_status),
                ob_status=court.ob_status,
                go_live=court.go_live,
                days_to_go_live=(court.go_live - today).days if is_open else None,
                next_mark=(
                    next_mark(court.go_live, today=today)
                    if court.ob_status == Onboarding.Status.ACTIVE
                    else None
                ),
                phase=phases_by_order.get(getattr(court, "phase_order", None)),
                progress=Progress(
                    finished=getattr(court, "finished", 0),
                    total=getattr(court, "total", 0),
                ),
                overdue=getattr(court, "overdue", 0),
                blocked=getattr(court, "blocked", 0),
                health=HEALTH_BY_RANK.get(court.health_rank, ""),
                open_by_actor={
                    actor: getattr(court, f"open_{actor}", 0)
                    for actor in BLOCKING_ACTORS
                },
            )
        )
    return rows


@dataclass(frozen=True)
class PortfolioSummary:
    total: int
    live: int
    onboarding: int
    not_started: int
    go_lives_soon: int
    overdue_by_actor: dict[str, int]

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue_by_actor.values())


def _open_overdue_items(*, today: datetime.date) -> QuerySet[ChecklistItem]:
    """Open items, due before today, of the open onboardings of active courts."""
    return ChecklistItem.objects.filter(
        status__in=ChecklistItem.OPEN_STATUSES,
        due_date__lt=today,
        onboarding__status__in=Onboarding.OPEN_STATUSES,
        onboarding__court__is_active=True,
    )


def portfolio_summary(*, today: datetime.date) -> PortfolioSummary:
    """The programme in numbers: courts live / onboarding / not started out of all
    active courts, Go-Lives in the next 90 days (today included),
    and overdue items by actor. Two queries."""
    counts = portfolio_base().aggregate(
        total=Count("id"),
        **{
            status: Count("id", filter=PortfolioStatus.q(status))
            for status in PortfolioStatus.LABELS
        },
        go_lives_soon=Count("id", filter=go_live_window_q(SOON, today=today)),
    )
    overdue = dict(
        _open_overdue_items(today=today)
        .order_by()
        .values_list("actor")
        .annotate(n=Count("id"))
    )
    return PortfolioSummary(
        total=counts["total"],
        live=counts[PortfolioStatus.LIVE],
        onboarding=counts[PortfolioStatus.ONBOARDING],
        not_started=counts[PortfolioStatus.NOT_STARTED],
        go_lives_soon=counts["go_lives_soon"],
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


def go_live_window_q(window: str, *, today: datetime.date) -> Q:
    """Courts whose open onboarding goes live in this window (see GO_LIVE_WINDOWS)."""
    _, start, end = GO_LIVE_WINDOWS[window]
    q = Q(ob_status__in=Onboarding.OPEN_STATUSES)
    if start is not None:
        q &= Q(go_live__gte=today + datetime.timedelta(days=start))
    if end is not None:
        q &= Q(go_live__lte=today + datetime.timedelta(days=end))
    return q


def statewide_courts(*, today: datetime.date) -> QuerySet[Court]:
    """Every active court with `ob_status`, `go_live` and `health_rank`, by district
    (tribal courts, which have none, last) then name. One query."""
    return with_health(portfolio_base(), today=today).order_by(
        F("district").asc(nulls_last=True), "court_type", "name"
    )


OVERDUE_GROUPINGS = {
    "actor": ("actor", "due_date", "onboarding__court__name", "order"),
    "court": ("onboarding__court__name", "due_date", "order"),
}


def overdue_items_across_courts(
    *, today: datetime.date, group: str = "actor", actor: str | None = None
) -> QuerySet[ChecklistItem]:
    """Every overdue item of every open onboarding, with its court and phase, in
    the order of the chosen grouping ("actor" or "court"); optionally one actor's."""
    items = _open_overdue_items(today=today).select_related(
        "onboarding__court", "phase"
    )
    if actor:
        items = items.filter(actor=actor)
    return items.order_by(*OVERDUE_GROUPINGS[group])
