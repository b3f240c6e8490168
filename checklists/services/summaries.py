"""The stored summary of each onboarding's items (`OnboardingSummary`), the one
stored read model.

Every service that adds, changes or removes items calls
`onboarding_summaries_refresh` inside its own transaction, so the summary commits (or
rolls back) with the change. It recomputes the whole row from the items each time:
never an increment that could drift. Two statements per thousand onboardings.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from .. import signals
from ..models import ACTOR_ORDER, ChecklistItem, OnboardingSummary

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
    "refreshed_at",
]


def summarise(
    items: Iterable[tuple[str, str, datetime.date, int]],
) -> dict:
    """The summary values of one onboarding's items, given as (status, actor, due
    date, phase order) tuples. The same rules as
    `checklists.selectors.onboardings_with_status` (tests compare the two)."""
    total = finished = blocked = 0
    open_by_actor = dict.fromkeys(ACTOR_ORDER, 0)
    phase_order = oldest_open_due = None
    for status, actor, due_date, order in items:
        total += 1
        if status in ChecklistItem.FINISHED_STATUSES:
            finished += 1
            continue
        if status == ChecklistItem.Status.BLOCKED:
            blocked += 1
        open_by_actor[actor] += 1
        phase_order = order if phase_order is None else min(phase_order, order)
        oldest_open_due = (
            due_date if oldest_open_due is None else min(oldest_open_due, due_date)
        )
    return {
        "total": total,
        "finished": finished,
        "blocked": blocked,
        **{f"open_{actor}": n for actor, n in open_by_actor.items()},
        "phase_order": phase_order,
        "oldest_open_due": oldest_open_due,
    }


def onboarding_summaries_refresh(*, onboarding_ids: Iterable[int]) -> None:
    """Recompute the stored summary of these onboardings from their items: one
    read and one upsert per thousand onboardings. Call it inside the transaction
    that changed the items; it announces the change (`signals.items_changed`)."""
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
        OnboardingSummary.objects.bulk_create(
            [
                OnboardingSummary(onboarding_id=pk, **summarise(items.get(pk, ())))
                for pk in batch
            ],
            update_conflicts=True,
            unique_fields=["onboarding"],
            update_fields=SUMMARY_FIELDS,
        )
    if ids:
        signals.items_changed.send(sender=ChecklistItem, onboarding_ids=ids)
