"""Reads for planning: the history a forecast is made from, the stored forecasts,
the statewide forecast and the burn-up of courts live over time."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from checklists.models import ChecklistItem, Onboarding

from .forecast import Work, lead_time
from .models import Forecast, StatewideForecast

# The onboardings whose finished items teach how long each item takes: those that
# went live (live, or closed after going live).
FINISHED_STATUSES = (Onboarding.Status.LIVE, Onboarding.Status.CLOSED)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def counted_items_q(prefix: str = "") -> Q:
    """The items a forecast counts: due on or before their onboarding's Go-Live,
    and not "not applicable"."""
    return Q(**{f"{prefix}due_date__lte": F(f"{prefix}onboarding__go_live_date")}) & ~Q(
        **{f"{prefix}status": ChecklistItem.Status.NOT_APPLICABLE}
    )


def prerequisites(item_ids: Iterable[int]) -> dict[int, list[int]]:
    """{item pk: [pks of the items it depends on]}; one query."""
    through = ChecklistItem.depends_on.through
    rows = through.objects.filter(from_checklistitem_id__in=list(item_ids))
    result: dict[int, list[int]] = defaultdict(list)
    for src, dst in rows.values_list("from_checklistitem_id", "to_checklistitem_id"):
        result[src].append(dst)
    return result


def item_durations() -> dict[int, dict[int, list[int]]]:
    """How long each item took at finished onboardings, in days from when it could
    start (`forecast.lead_time`) to done: {court id: {item number: [days, …]}}, so a
    forecast can leave its own court out. Two queries."""
    done = ChecklistItem.objects.filter(
        onboarding__status__in=FINISHED_STATUSES,
        status=ChecklistItem.Status.DONE,
        completed_at__isnull=False,
    )
    rows = list(
        done.order_by().values_list(
            "pk",
            "order",
            "completed_at",
            "onboarding__court_id",
            "onboarding__created_at",
        )
    )
    finished = {pk: local_day(at) for pk, _, at, _, _ in rows}
    needs = prerequisites(finished)
    result: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for pk, order, _, court_id, started in rows:
        could_start = lead_time(
            started_on=local_day(started),
            prerequisites_done=(
                finished[d] for d in needs.get(pk, ()) if d in finished
            ),
        )
        result[court_id][order].append(max((finished[pk] - could_start).days, 0))
    return result


def durations_without(
    pooled: dict[int, dict[int, list[int]]], court_id: int
) -> dict[int, list[int]]:
    """Other courts' durations by item number: `item_durations` less one court's."""
    result: dict[int, list[int]] = defaultdict(list)
    for other, by_order in pooled.items():
        if other == court_id:
            continue
        for order, taken in by_order.items():
            result[order].extend(taken)
    return {order: sorted(taken) for order, taken in result.items()}


def forecast_history(onboarding_ids: Iterable[int]) -> dict[int, dict]:
    """What the forecast of each active onboarding is made from: {onboarding pk:
    {"onboarding", "work" (counted items as `forecast.Work`), "finished" ((due,
    done) of every finished item), "open_dues" (due dates of its open items)}}.
    Three queries, however many onboardings."""
    onboardings = {
        o.pk: o
        for o in Onboarding.objects.filter(
            pk__in=list(onboarding_ids), status=Onboarding.Status.ACTIVE
        )
    }
    items = list(
        ChecklistItem.objects.filter(onboarding__in=list(onboardings))
        .exclude(status=ChecklistItem.Status.NOT_APPLICABLE)
        .order_by()
        .values_list(
            "pk", "onboarding_id", "order", "due_date", "status", "completed_at"
        )
    )
    needs = prerequisites(pk for pk, *_ in items)
    history = {
        pk: {"onboarding": o, "work": [], "finished": [], "open_dues": []}
        for pk, o in onboardings.items()
    }
    for pk, ob_id, order, due, status, completed_at in items:
        entry = history[ob_id]
        done_on = local_day(completed_at) if completed_at else None
        if status == ChecklistItem.Status.DONE and done_on is not None:
            entry["finished"].append((due, done_on))
        elif status in ChecklistItem.OPEN_STATUSES:
            entry["open_dues"].append(due)
        if due <= entry["onboarding"].go_live_date:
            # A done item without its time (older data) counts as done on its due
            # date.
            finished_on = (
                None if status in ChecklistItem.OPEN_STATUSES else done_on or due
            )
            entry["work"].append(
                Work(
                    pk=pk,
                    order=order,
                    due=due,
                    finished_on=finished_on,
                    depends_on=tuple(needs.get(pk, ())),
                )
            )
    return history


def forecasts() -> QuerySet[Forecast]:
    """The stored forecasts of active onboardings, with their court."""
    return Forecast.objects.filter(
        onboarding__status=Onboarding.Status.ACTIVE
    ).select_related("onboarding__court")


@dataclass(frozen=True)
class CourtForecast:
    slug: str
    target: datetime.date
    p50: datetime.date | None
    p85: datetime.date | None
    as_of: datetime.date | None

    @property
    def slipping(self) -> bool | None:
        """`Forecast.slipping` (None before the first forecast)."""
        return None if self.p85 is None else self.p85 > self.target


def forecasts_by_court() -> list[CourtForecast]:
    """Every active onboarding of an active court, by court name, with its forecast
    (the dates are None before its first). One query."""
    rows = (
        Onboarding.objects.filter(
            status=Onboarding.Status.ACTIVE, court__is_active=True
        )
        .order_by("court__name", "pk")
        .values_list(
            "court__slug",
            "go_live_date",
            "forecast__target",
            "forecast__p50",
            "forecast__p85",
            "forecast__as_of",
        )
    )
    return [
        CourtForecast(
            slug=slug, target=target or go_live, p50=p50, p85=p85, as_of=as_of
        )
        for slug, go_live, target, p50, p85, as_of in rows
    ]


def forecast_of(onboarding: Onboarding | None) -> Forecast | None:
    """The stored forecast of an active onboarding, or None; one query."""
    if onboarding is None or onboarding.status != Onboarding.Status.ACTIVE:
        return None
    return Forecast.objects.filter(onboarding=onboarding).first()


def statewide_forecast() -> StatewideForecast | None:
    """The latest statewide forecast, or None before the first."""
    return StatewideForecast.objects.first()
