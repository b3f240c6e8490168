"""The Go-Live baseline: the date first planned and every move since (the
`GoLiveChange` records the reschedule service keeps), with the slip in days."""

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from ..models import GoLiveChange, Onboarding, slip_label


@dataclass(frozen=True)
class Baseline:
    """Where Go-Live was first planned and how far it has moved since."""

    original: datetime.date
    current: datetime.date
    moves: list[GoLiveChange]  # oldest first, with who moved it

    @property
    def slip_days(self) -> int:
        return (self.current - self.original).days

    @property
    def slip_label(self) -> str:
        return slip_label(self.slip_days)


def go_live_baseline(onboarding: Onboarding) -> Baseline:
    """One onboarding's baseline and moves (one query)."""
    moves = list(
        onboarding.go_live_changes.select_related("changed_by").order_by(
            "changed_at", "id"
        )
    )
    return Baseline(
        original=moves[0].old_date if moves else onboarding.go_live_date,
        current=onboarding.go_live_date,
        moves=moves,
    )


def go_live_baselines(onboardings) -> dict[int, Baseline]:
    """The baselines of several onboardings, by pk (one query)."""
    by_onboarding: dict[int, list[GoLiveChange]] = {}
    onboardings = list(onboardings)
    for move in (
        GoLiveChange.objects.filter(onboarding__in=[o.pk for o in onboardings])
        .select_related("changed_by")
        .order_by("onboarding_id", "changed_at", "id")
    ):
        by_onboarding.setdefault(move.onboarding_id, []).append(move)
    result = {}
    for onboarding in onboardings:
        moves = by_onboarding.get(onboarding.pk, [])
        result[onboarding.pk] = Baseline(
            original=moves[0].old_date if moves else onboarding.go_live_date,
            current=onboarding.go_live_date,
            moves=moves,
        )
    return result


def first_planned_go_live(onboarding_ref: str = "pk"):
    """SQL: the Go-Live first planned for the onboarding `onboarding_ref` names (the
    old date of its first move), NULL if it never moved. A scalar subquery, run for
    the rows read only, by the index on the move's onboarding."""
    return Subquery(
        GoLiveChange.objects.filter(onboarding=OuterRef(onboarding_ref))
        .order_by("changed_at", "id")
        .values("old_date")[:1]
    )
