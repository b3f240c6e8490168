"""An item's recorded changes (the history its services write), what it waits for,
and the meetings of the calendar feeds."""

import datetime
from dataclasses import dataclass, field

from django.db.models import (
    QuerySet,
)

from courts.models import Court

from ..models import (
    ChecklistItem,
    Onboarding,
)

# What the activity feed and the item history describe, in this order.
TRACKED = (
    "status",
    "blocked_reason",
    "na_justification",
    "note",
    "due_date",
    "verified_at",
    "owner_id",
    "meeting_starts_at",
    "title",
)
# The change reason of the due dates moved with Go-Live (onboarding_reschedule).
GO_LIVE_MOVED_REASON = "Go-Live moved"


@dataclass(frozen=True)
class Change:
    """What one history record of an item changed, as data (its wording is
    `checklists.presenters.describe_change`)."""

    kind: str  # "added", "removed" or "edited"
    # Tracked field -> (before, after), for the fields that changed.
    fields: dict = field(default_factory=dict)
    reason: str = ""  # the history record's change reason, if any


def change_of(record, prev: dict | None) -> Change:
    """The Change a history record made, given the previous record's values."""
    if record.history_type == "+" or prev is None:
        return Change(kind="added")
    if record.history_type == "-":
        return Change(kind="removed")
    return Change(
        kind="edited",
        fields={
            name: (prev[name], getattr(record, name))
            for name in TRACKED
            if getattr(record, name) != prev[name]
        },
        reason=record.history_change_reason or "",
    )


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object
    change: Change


def item_history(item: ChecklistItem) -> list[HistoryEntry]:
    """Every recorded change of an item, newest first (one query)."""
    records = (
        ChecklistItem.history.filter(id=item.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries, prev = [], None
    for r in records:
        entries.append(
            HistoryEntry(
                when=r.history_date, who=r.history_user, change=change_of(r, prev)
            )
        )
        prev = {name: getattr(r, name) for name in TRACKED}
    entries.reverse()
    return entries


def item_dependencies(user, item: ChecklistItem) -> QuerySet[ChecklistItem]:
    """What the item waits for, as far as the user may see (one query)."""
    return (
        ChecklistItem.objects.filter(dependents=item).visible_to(user).order_by("order")
    )


def calendar_meetings(user, courts: QuerySet[Court]) -> QuerySet[ChecklistItem]:
    """The scheduled meetings and trainings of these courts' onboardings (all but
    cancelled) that the user may see, with their court, soonest first."""
    return (
        ChecklistItem.objects.visible_to(user)
        .filter(
            onboarding__court__in=courts,
            meeting_starts_at__isnull=False,
        )
        .exclude(onboarding__status=Onboarding.Status.CANCELLED)
        .select_related("onboarding__court")
        .order_by("meeting_starts_at", "pk")
    )
