"""Reads of the court page: the current onboarding, its items as the page lists
them (with their counts of evidence and comments, by relation name: the
collaboration app above owns those models), the phase sections and "your next
actions"."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from .. import access
from ..marks import Mark, marks_for
from ..models import (
    ChecklistItem,
    Onboarding,
    Phase,
)
from .status import Progress


def court_current_onboarding(court) -> Onboarding | None:
    """The court's current onboarding, else None (one query): its open one (at most
    one), else its latest closed one (it went live), else its latest cancelled one.
    The portfolio picks the same one in SQL (`dashboard.selectors.
    current_onboarding_q`; tests/dashboard/test_current_onboarding.py holds the two
    together)."""
    return (
        court.onboardings.annotate(
            current_rank=Case(
                When(status__in=Onboarding.OPEN_STATUSES, then=Value(0)),
                When(status=Onboarding.Status.CLOSED, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("current_rank", "-id")
        .first()
    )


def _count_of(relation: str) -> Coalesce:
    """A correlated COUNT of an item's related rows (`relation`: the reverse name of
    a model above, such as "evidence"), without multiplying the page's join rows."""
    return Coalesce(
        Subquery(
            ChecklistItem.objects.filter(pk=OuterRef("pk"))
            .order_by()
            .values("pk")
            .annotate(n=Count(relation))
            .values("n")[:1]
        ),
        0,
    )


def court_page_items(
    user,
    onboarding: Onboarding,
    *,
    today: datetime.date,
    mine: bool = False,
    owned: bool = False,
    open_only: bool = False,
    overdue_only: bool = False,
    pk: int | None = None,
) -> list[ChecklistItem]:
    """The items of the court page, in one query, each with its owner,
    `evidence_count`, `comment_count`, `is_overdue` and `can_update` (the user may
    change it). `mine`: the user's organisation's items; `owned`: the items the
    user owns.

    Ordered by phase, then due date, so that the guide's marks fall in place.
    """
    items = access.items_for_user(user, onboarding)
    if pk is not None:
        items = items.filter(pk=pk)
    if mine:
        items = items.filter(actor=access.actor_for_user(user, onboarding.court_id))
    if owned:
        items = items.filter(owner=user)
    if overdue_only:
        items = items.overdue(today)
    elif open_only:
        items = items.open()
    items = list(
        items.select_related("phase", "updated_by", "verified_by", "owner")
        .annotate(
            evidence_count=_count_of("evidence"), comment_count=_count_of("comments")
        )
        .order_by("phase__order", "due_date", "order")
    )
    page_url, status_url = _item_url_patterns(onboarding.court.slug)
    for item in items:
        item.onboarding = onboarding
        item.is_overdue = item.is_overdue_on(today)
        item.can_update = access.can_update_item(user, item)
        # Two reverse()s per page, not four per row.
        pk = str(item.pk)
        item.page_url = page_url.replace(_PK_MARKER, pk)
        item.status_url = status_url.replace(_PK_MARKER, pk)
    return items


# A pk no item has: the item URLs are reversed once per page and the pk put in.
_PK_MARKER = "987654321"


def _item_url_patterns(court_slug: str) -> tuple[str, str]:
    """The item page's and the status change's URLs of this court, with a marker
    for the item's pk."""
    kwargs = {"slug": court_slug, "pk": int(_PK_MARKER)}
    return (
        reverse("checklists:item_detail", kwargs=kwargs),
        reverse("checklists:item_status", kwargs=kwargs),
    )


def court_item_row(user, item: ChecklistItem, *, today: datetime.date):
    """One item as the court page shows it (for an inline htmx update)."""
    return court_page_items(user, item.onboarding, today=today, pk=item.pk)[0]


@dataclass
class PhaseSection:
    phase: Phase
    progress: Progress
    rows: list[tuple[str, object]]  # ("item", ChecklistItem) or ("mark", Mark)

    @property
    def is_finished(self) -> bool:
        """Every item of the phase is done or not applicable."""
        return self.progress.is_complete


def checklist_sections(
    onboarding: Onboarding, items: list[ChecklistItem], *, today: datetime.date
) -> list[PhaseSection]:
    """Items grouped by phase (with the phase's progress from `onboarding.state`),
    and the 60-day, 30-day and Go-Live marks placed after the last item due on or
    before each mark. Marks after every listed item close the last phase."""
    marks = marks_for(onboarding.go_live_date, today=today)
    by_phase: dict[int, list[ChecklistItem]] = defaultdict(list)
    for item in items:
        by_phase[item.phase_id].append(item)
    sections = []
    for phase, progress in onboarding.state.phases:
        rows: list[tuple[str, object]] = []
        for item in by_phase.get(phase.pk, []):
            while marks and item.due_date > marks[0].date:
                rows.append(("mark", marks.pop(0)))
            rows.append(("item", item))
        sections.append(PhaseSection(phase=phase, progress=progress, rows=rows))
    if sections and marks:
        # Hang the remaining marks on the last phase that lists something.
        target = next((s for s in reversed(sections) if s.rows), sections[-1])
        target.rows.extend(("mark", m) for m in marks)
    return sections


def next_actions(
    items: Iterable[ChecklistItem],
    *,
    actor: str | None,
    next_mark: Mark | None,
    today: datetime.date,
) -> list[ChecklistItem]:
    """ "Your next actions" on the court page: the open items of the person's
    organisation (`actor`: Court, Sheriff's Office, or the CCPOR Team for staff),
    overdue ones first, then those due by the next mark (every open one once no
    mark is left), each group earliest first. Nothing for someone who answers for
    no organisation's items."""
    if actor is None:
        return []
    mine = [i for i in items if i.actor == actor and i.is_open]
    overdue = [i for i in mine if i.is_overdue_on(today)]
    due_by = None if next_mark is None else next_mark.date
    coming = [
        i
        for i in mine
        if not i.is_overdue_on(today) and (due_by is None or i.due_date <= due_by)
    ]

    def by_due(item):
        return (item.due_date, item.order)

    return sorted(overdue, key=by_due) + sorted(coming, key=by_due)
