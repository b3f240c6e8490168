"""The back-test: how often finished onboardings were ready by the P85 their
forecast would have given some weeks before Go-Live (`forecast_backtest`)."""

import datetime
from dataclasses import dataclass

from checklists.models import ChecklistItem, Onboarding

from . import forecast, selectors

# The forecast is made as of this many days before the planned Go-Live.
DAYS_BEFORE = 60


@dataclass(frozen=True)
class BacktestLine:
    court: str
    as_of: datetime.date
    p50: datetime.date
    p85: datetime.date
    actual: datetime.date

    @property
    def covered(self) -> bool:
        return self.actual <= self.p85


@dataclass(frozen=True)
class Backtest:
    lines: list[BacktestLine]

    @property
    def covered(self) -> int:
        return sum(line.covered for line in self.lines)

    @property
    def coverage(self) -> float | None:
        return self.covered / len(self.lines) if self.lines else None


def backtest(*, days_before: int = DAYS_BEFORE) -> Backtest:
    """For each onboarding that went live (live or closed), its forecast as of
    `days_before` days before its Go-Live, made from what was known then (items done
    later count as open; other courts' durations as known today), against the day
    its counted work was actually finished. A few queries, however many."""
    finished = list(
        Onboarding.objects.filter(status__in=selectors.FINISHED_STATUSES)
        .select_related("court")
        .order_by("court__name", "pk")
    )
    items = list(
        ChecklistItem.objects.filter(onboarding__in=finished)
        .filter(selectors.counted_items_q())
        .order_by()
        .values_list("pk", "onboarding_id", "order", "due_date", "completed_at")
    )
    needs = selectors.prerequisites(pk for pk, *_ in items)
    by_onboarding: dict[int, list] = {o.pk: [] for o in finished}
    for row in items:
        by_onboarding[row[1]].append(row)
    pooled = selectors.item_durations()
    lines = []
    for onboarding in finished:
        rows = by_onboarding[onboarding.pk]
        done = {
            pk: selectors.local_day(at) for pk, _, _, _, at in rows if at is not None
        }
        if not rows or len(done) < len(rows):
            continue  # its counted work was never all done: nothing to compare
        as_of = onboarding.go_live_date - datetime.timedelta(days=days_before)
        known = {pk: day for pk, day in done.items() if day <= as_of}
        work = [
            forecast.Work(
                pk=pk,
                order=order,
                due=due,
                finished_on=known.get(pk),
                depends_on=tuple(needs.get(pk, ())),
            )
            for pk, _, order, due, _ in rows
        ]
        outcome = forecast.simulate(
            work=work,
            lateness=forecast.pace(
                finished=[(w.due, w.finished_on) for w in work if w.finished_on],
                open_dues=[w.due for w in work if w.finished_on is None],
                today=as_of,
            ),
            durations=selectors.durations_without(pooled, onboarding.court_id),
            started_on=selectors.local_day(onboarding.created_at),
            today=as_of,
            seed=onboarding.pk,
        )
        lines.append(
            BacktestLine(
                court=onboarding.court.name,
                as_of=as_of,
                p50=outcome.p50,
                p85=outcome.p85,
                actual=max(done.values()),
            )
        )
    return Backtest(lines=lines)
