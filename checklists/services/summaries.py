"""The stored summary of each onboarding's items (`OnboardingSummary`).

Every service that adds, changes or removes items calls
`onboarding_summaries_refresh` inside its own transaction, so the summary commits (or
rolls back) with the change. It recomputes the whole row from the items each time:
never an increment that could drift.

An app above this one keeps its own figures in the same row, computed by its own
rule (the Go-Live phase: readiness to go live, `golive.selectors.readiness_figures`):
it registers a `SummaryPart` once, from its `AppConfig.ready`, and every refresh
computes it too; its own writes (sign-offs, decisions) call the same refresh.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..models import ACTOR_ORDER, ChecklistItem, Onboarding, OnboardingSummary
from .portfolio import portfolio_rows_refresh

# Onboardings refreshed per statement pair (seed_scale refreshes thousands).
BATCH_SIZE = 1000
# The columns a refresh writes (everything but the key).
SUMMARY_FIELDS = [
    "total",
    "finished",
    "blocked",
    *(f"open_{actor}" for actor in ACTOR_ORDER),
    "phase_order",
    "oldest_open_due",
    *(f"open_due_{actor}" for actor in ACTOR_ORDER),
    "refreshed_at",
]


@dataclass(frozen=True)
class SummaryPart:
    """Columns of the summary that an app above checklists computes: `compute`
    takes onboarding ids and returns {id: {field: value}} (a missing id keeps the
    fields' defaults), in a fixed number of queries however many ids."""

    fields: tuple[str, ...]
    compute: Callable[[list[int]], dict[int, dict]]


_parts: dict[str, SummaryPart] = {}


def summary_part_register(*, name: str, part: SummaryPart) -> None:
    """Add (or replace) the part `name` to every refresh from now on."""
    _parts[name] = part


def summarise(
    items: Iterable[tuple[str, str, datetime.date, int]],
) -> dict:
    """The summary values of one onboarding's items, given as (status, actor, due
    date, phase order) tuples. The same rules as
    `checklists.selectors.onboardings_with_status` (tests compare the two)."""
    total = finished = blocked = 0
    open_due: dict[str, list[datetime.date]] = {actor: [] for actor in ACTOR_ORDER}
    phase_order = None
    for status, actor, due_date, order in items:
        total += 1
        if status in ChecklistItem.FINISHED_STATUSES:
            finished += 1
            continue
        if status == ChecklistItem.Status.BLOCKED:
            blocked += 1
        open_due[actor].append(due_date)
        phase_order = order if phase_order is None else min(phase_order, order)
    for dates in open_due.values():
        dates.sort()
    return {
        "total": total,
        "finished": finished,
        "blocked": blocked,
        **{f"open_{actor}": len(dates) for actor, dates in open_due.items()},
        "phase_order": phase_order,
        "oldest_open_due": min(
            (dates[0] for dates in open_due.values() if dates), default=None
        ),
        **{f"open_due_{actor}": dates for actor, dates in open_due.items()},
    }


def onboarding_summaries_refresh(*, onboarding_ids: Iterable[int]) -> None:
    """Recompute the stored summary of these onboardings from their items and the
    registered parts (two statements per thousand onboardings, and each part's
    own), and the portfolio rows of their courts (`portfolio_rows_refresh`). Call
    it inside the transaction that changed the items, or what a part reads."""
    ids = sorted(set(onboarding_ids))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        rows = (
            ChecklistItem.objects.filter(onboarding_id__in=batch)
            .order_by()
            .values_list("onboarding_id", "status", "actor", "due_date", "phase__order")
        )
        items: dict[int, list] = defaultdict(list)
        for onboarding_id, *item in rows:
            items[onboarding_id].append(item)
        parts = [part.compute(batch) for part in _parts.values()]
        OnboardingSummary.objects.bulk_create(
            [
                OnboardingSummary(
                    onboarding_id=pk,
                    **summarise(items.get(pk, ())),
                    **{k: v for values in parts for k, v in values.get(pk, {}).items()},
                )
                for pk in batch
            ],
            update_conflicts=True,
            unique_fields=["onboarding"],
            update_fields=[
                *SUMMARY_FIELDS,
                *(field for part in _parts.values() for field in part.fields),
            ],
        )
        # The portfolio's rows copy the summaries of open onboardings.
        portfolio_rows_refresh(
            court_ids=Onboarding.objects.filter(pk__in=batch).values_list(
                "court_id", flat=True
            )
        )
