"""The forecast from pace: a seeded Monte Carlo over one onboarding's remaining work.

Plain functions over plain values (no database): planning.services reads the
history and stores what these return; tests feed them simulated histories.

The method, in words (docs/planning.md says the same for a reader):
- The work that counts is every item due on or before Go-Live that is not "not
  applicable", the Go-Live item and the readiness gates included; items due after
  Go-Live do not count.
- The court's pace: how many days after (or before) its due date the court
  finished each item it finished, and how overdue its open overdue items already
  are. At least MIN_PACE_SAMPLES figures: missing ones count as "on time".
- Other courts' durations: for each item (by its number in the checklist), how
  many days it took at other courts' finished onboardings from when it could start
  (its onboarding's start, or the day its last prerequisite was done) to done.
- One run draws one lateness from the court's pace (a court's pace is a habit of
  the court, not of each item) and, for each open item, one duration from the other
  courts'; an open item then finishes on the latest of: today, its due date plus
  the lateness, and the day it could start plus the duration. The onboarding is
  ready when its last counted item is finished. SIMULATIONS runs, seeded by the
  onboarding, give P50 and P85 of that day.
"""

import datetime
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SIMULATIONS = 400
# The simulated ready dates are kept as this many + 1 quantiles (0 %, 5 %, … 100 %).
QUANTILE_STEPS = 20
# With fewer figures of its own pace than this, a court is taken to be on time for
# the rest (a new onboarding is forecast on its plan).
MIN_PACE_SAMPLES = 3


@dataclass(frozen=True)
class Work:
    """One counted item of the onboarding being forecast."""

    pk: int
    order: int
    due: datetime.date
    finished_on: datetime.date | None = None
    depends_on: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Outcome:
    p50: datetime.date
    p85: datetime.date
    remaining: int
    quantiles: list[int]  # days after today, sorted


def percentile(sorted_values: Sequence, q: float):
    """The nearest-rank percentile `q` (0 < q ≤ 1) of sorted values."""
    rank = max(math.ceil(q * len(sorted_values)), 1)
    return sorted_values[min(rank, len(sorted_values)) - 1]


def pace(
    *,
    finished: Iterable[tuple[datetime.date, datetime.date]],
    open_dues: Iterable[datetime.date],
    today: datetime.date,
) -> list[int]:
    """The court's lateness figures, in days: (due, finished on) of its finished
    items, and how overdue each open item due before today already is; padded
    with zeros ("on time") up to MIN_PACE_SAMPLES."""
    figures = [(done - due).days for due, done in finished]
    figures += [(today - due).days for due in open_dues if due < today]
    return figures + [0] * max(MIN_PACE_SAMPLES - len(figures), 0)


def simulate(
    *,
    work: Sequence[Work],
    lateness: Sequence[int],
    durations: dict[int, Sequence[int]],
    started_on: datetime.date,
    today: datetime.date,
    seed: int,
    runs: int = SIMULATIONS,
) -> Outcome:
    """P50 and P85 of the day the counted `work` will be finished (see the module's
    docstring). The same arguments always give the same answer."""
    rng = random.Random(seed)  # noqa: S311 - a forecast, not a secret
    ordered = sorted(work, key=lambda w: w.order)
    remaining = [w for w in ordered if w.finished_on is None]
    fixed = {w.pk: w.finished_on for w in ordered if w.finished_on is not None}
    lateness = list(lateness) or [0]
    ready: list[int] = []
    for _ in range(runs):
        late = datetime.timedelta(days=rng.choice(lateness))
        finish = dict(fixed)
        last = today
        for w in remaining:
            start = max([started_on, *(finish[d] for d in w.depends_on if d in finish)])
            day = max(today, w.due + late)
            taken = durations.get(w.order)
            if taken:
                day = max(day, start + datetime.timedelta(days=rng.choice(taken)))
            finish[w.pk] = day
            last = max(last, day)
        ready.append((last - today).days)
    ready.sort()
    step = datetime.timedelta
    return Outcome(
        p50=today + step(days=percentile(ready, 0.5)),
        p85=today + step(days=percentile(ready, 0.85)),
        remaining=len(remaining),
        quantiles=[
            percentile(ready, i / QUANTILE_STEPS) for i in range(QUANTILE_STEPS + 1)
        ],
    )


def all_live(
    quantiles: Sequence[tuple[datetime.date, Sequence[int]]],
    *,
    seed: int,
    runs: int = SIMULATIONS,
) -> tuple[datetime.date, datetime.date] | None:
    """P50 and P85 of the day every onboarding is ready, given each one's forecast
    as (as of, its quantiles): each run draws one quantile of each (independently)
    and takes the latest. None without any."""
    drawn = [(as_of, list(q)) for as_of, q in quantiles if q]
    if not drawn:
        return None
    rng = random.Random(seed)  # noqa: S311 - a forecast, not a secret
    latest = sorted(
        max(as_of + datetime.timedelta(days=rng.choice(q)) for as_of, q in drawn)
        for _ in range(runs)
    )
    return percentile(latest, 0.5), percentile(latest, 0.85)


def lead_time(
    *, started_on: datetime.date, prerequisites_done: Iterable[datetime.date]
) -> datetime.date:
    """When an item could start: its onboarding's start, or the day its last
    prerequisite was done if later."""
    return max([started_on, *prerequisites_done])
