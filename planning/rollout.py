"""Reads of the rollout as a whole: the burn-up of courts live over time (actual,
planned, forecast) and each wave's readiness and forecast against its window.
Aggregate queries, the same cost at 58 and at 5,000 courts."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth

from checklists.models import Onboarding

from .models import Wave, slipping_q

LIVE = (Onboarding.Status.LIVE, Onboarding.Status.CLOSED)
ACTIVE = Onboarding.Status.ACTIVE
# The chart shows at most this many months, ending with the last planned or
# forecast Go-Live.
MAX_MONTHS = 36


@dataclass(frozen=True)
class BurnupMonth:
    month: datetime.date  # its first day
    actual: int | None  # None for months still to come
    planned: int
    forecast: int | None  # None for months already past


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _by_month(queryset, field: str) -> dict[datetime.date, int]:
    rows = (
        queryset.annotate(m=TruncMonth(field))
        .order_by()
        .values_list("m")
        .annotate(n=Count("pk"))
    )
    return {
        (m.date() if isinstance(m, datetime.datetime) else m): n for m, n in rows if m
    }


def burnup(*, today: datetime.date) -> list[BurnupMonth]:
    """Courts live by the end of each month: actually (went live, by the day they
    did), as planned (every onboarding that is or was open, by its planned
    Go-Live) and as forecast (live now, plus each active onboarding by its P50).
    Three queries."""
    went = Onboarding.objects.filter(status__in=LIVE, went_live_on__isnull=False)
    actual = _by_month(went, "went_live_on")
    planned = _by_month(
        Onboarding.objects.filter(status__in=(*LIVE, ACTIVE)), "go_live_date"
    )
    forecast = _by_month(
        Onboarding.objects.filter(status=ACTIVE, forecast__isnull=False),
        "forecast__p50",
    )
    months = {*actual, *planned, *forecast}
    if not months:
        return []
    this_month = _month(today)
    last = max(max(months), this_month)
    first = max(min(months), _month(last - datetime.timedelta(days=31 * MAX_MONTHS)))
    live_now = sum(actual.values())
    result = []
    # Counts before the first month shown carry into it.
    done = sum(n for m, n in actual.items() if m < first)
    plan = sum(n for m, n in planned.items() if m < first)
    ahead = sum(n for m, n in forecast.items() if m < first)
    month = first
    while month <= last:
        done += actual.get(month, 0)
        plan += planned.get(month, 0)
        ahead += forecast.get(month, 0)
        result.append(
            BurnupMonth(
                month=month,
                actual=done if month <= this_month else None,
                planned=plan,
                forecast=live_now + ahead if month >= this_month else None,
            )
        )
        month = _next(month)
    return result


@dataclass(frozen=True)
class WaveSummary:
    wave: Wave
    courts: int
    live: int
    active: int
    slipping: int
    finished: int
    total: int
    latest_p85: datetime.date | None

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0

    @property
    def verdict(self) -> str:
        """The wave's forecast against its window, in words."""
        if self.courts and self.live == self.courts:
            return "every court live"
        if self.latest_p85 is None:
            return "no forecast yet"
        end = self.wave.window_end
        if self.latest_p85 <= end:
            return "forecast within the window"
        days = (self.latest_p85 - end).days
        return f"forecast {days} day{'s' if days != 1 else ''} past the window"

    @property
    def late(self) -> bool:
        return self.latest_p85 is not None and self.latest_p85 > self.wave.window_end


def wave_summaries() -> list[WaveSummary]:
    """Each wave with its courts, how many are live and active, how many active
    ones are slipping, the share of their counted items finished, and the latest
    P85 of its active onboardings (slipping: `models.slipping_q`). One query."""
    ob = "courts__court__onboardings__"
    active = Q(**{f"{ob}status": ACTIVE})
    rows = Wave.objects.annotate(
        n_courts=Count("courts", distinct=True),
        n_live=Count("courts", filter=Q(**{f"{ob}status__in": LIVE}), distinct=True),
        n_active=Count("courts", filter=active, distinct=True),
        n_slipping=Count(
            "courts",
            filter=active & slipping_q(f"{ob}forecast__"),
            distinct=True,
        ),
        n_finished=Sum(f"{ob}summary__finished", filter=active),
        n_total=Sum(f"{ob}summary__total", filter=active),
        p85=Max(f"{ob}forecast__p85", filter=active),
    )
    return [
        WaveSummary(
            wave=w,
            courts=w.n_courts,
            live=w.n_live,
            active=w.n_active,
            slipping=w.n_slipping,
            finished=w.n_finished or 0,
            total=w.n_total or 0,
            latest_p85=w.p85,
        )
        for w in rows
    ]
