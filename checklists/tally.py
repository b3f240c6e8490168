"""The facts `PortfolioTally` counts of the portfolio rows, and how to read them.

A portfolio row of an active court contributes one of each of these facts
(`row_facts`), none for an inactive court:
- `stage_fact(stage)`: its stage;
- `unreachable_fact(stage)`: its stage, when nobody can be sent its reminders;
- `go_live_fact(stage)` on its Go-Live date, if it has one (an open onboarding);
- `due_fact(actor)` on each due date of its open items of that actor.

A dated fact is counted by day and by month (the fact + MONTHLY, on the first of the
month): "on or before a day" (`on_or_before_q`) reads the months before that day's
month and the days of its month, a few dozen tally rows however many courts.

Pure functions: the writes are `checklists.services.portfolio`'s; what the tiles
mean is the dashboard's (`dashboard.selectors.portfolio_summary`).
"""

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping

from django.db.models import Q

from .models import ACTOR_ORDER

# The day of a fact that has none.
UNDATED = datetime.date(1, 1, 1)
# Appended to a dated fact: its count by month, on the first of the month.
MONTHLY = "@month"

# What a row's facts are made of.
TALLY_FIELDS = (
    "is_active",
    "stage",
    "reminder_recipients",
    "go_live",
    *(f"open_due_{actor}" for actor in ACTOR_ORDER),
)

Fact = tuple[str, datetime.date]


def key_of(fact: str, day: datetime.date) -> str:
    """The tally row's key (its primary key) of a fact on a day."""
    return f"{fact} {day.isoformat()}"


def stage_fact(stage: int) -> str:
    return f"stage:{int(stage)}"


def unreachable_fact(stage: int) -> str:
    return f"stage:{int(stage)}:no_recipients"


def go_live_fact(stage: int) -> str:
    return f"go_live:{int(stage)}"


def due_fact(actor: str) -> str:
    return f"due:{actor}"


def row_facts(row: Mapping) -> Counter[Fact]:
    """The facts of one portfolio row (its TALLY_FIELDS), each with its count."""
    facts: Counter[Fact] = Counter()
    if not row["is_active"]:
        return facts
    stage = row["stage"]
    facts[stage_fact(stage), UNDATED] += 1
    if row["reminder_recipients"] == 0:
        facts[unreachable_fact(stage), UNDATED] += 1
    if row["go_live"] is not None:
        _count_dated(facts, go_live_fact(stage), row["go_live"])
    for actor in ACTOR_ORDER:
        for day in row[f"open_due_{actor}"] or ():
            _count_dated(facts, due_fact(actor), day)
    return facts


def _count_dated(facts: Counter, fact: str, day: datetime.date) -> None:
    facts[fact, day] += 1
    facts[fact + MONTHLY, day.replace(day=1)] += 1


def rows_facts(rows: Iterable[Mapping]) -> Counter[Fact]:
    """The facts of these rows, added up."""
    facts: Counter[Fact] = Counter()
    for row in rows:
        facts.update(row_facts(row))
    return facts


def difference(before: Counter[Fact], after: Counter[Fact]) -> dict[Fact, int]:
    """What to add to the tally when rows with the facts `before` become rows with
    the facts `after` (no zeros)."""
    return {
        fact: after[fact] - before[fact]
        for fact in sorted(before.keys() | after.keys())
        if after[fact] != before[fact]
    }


# Reading the tally: conditions on PortfolioTally, to sum its `n` over.


def undated_q(*facts: str) -> Q:
    if len(facts) == 1:
        return Q(fact=facts[0], day=UNDATED)
    return Q(fact__in=list(facts), day=UNDATED)


def between_q(facts: Iterable[str], first: datetime.date, last: datetime.date) -> Q:
    """Dated facts on a day from `first` to `last` (both included; a short span:
    it reads one tally row per day)."""
    return Q(fact__in=list(facts), day__gte=first, day__lte=last)


def on_or_before_q(fact: str, last: datetime.date) -> Q:
    """A dated fact on `last` or any day before it: by month before `last`'s month,
    by day within it."""
    first = last.replace(day=1)
    return Q(fact=fact + MONTHLY, day__lt=first) | Q(
        fact=fact, day__gte=first, day__lte=last
    )
