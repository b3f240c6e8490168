from collaboration.models import Comment, CommentRevision, Evidence, TeamDocument  # noqa

"""Reads of onboardings and checklists, with what is derived from them.

Nothing derived is stored: the current phase, progress, overdue count and next mark are
computed here for a whole list of onboardings in a fixed number of queries.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lag

from courts.access import courts_for_user, is_ccpor_staff
from courts.models import Court

from . import access
from .health import health_for
from .marks import Mark, marks_for, next_mark
from .models import (
    ACTOR_ORDER,
    Actor,
    ChecklistItem,
    GoLiveChange,
    Onboarding,
    Phase,
    overdue_q,
    visible_items_q,
)


@dataclass(frozen=True)
class Progress:
    finished: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.finished == self.total


class PercentSQL(Func):
    """`Progress.percent` in SQL, for `finished` and `total` expressions: rounded
    as Python's round() does (halves to even), in integer arithmetic so that every
    database gives the same answer."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        (f, f_params), (t, t_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        scaled = f"(100 * {f})"
        # quotient q = scaled / t, remainder r = scaled %% t: up when 2r > t, to
        # even when 2r = t.
        twice_r = f"(2 * ({scaled} %% {t}))"
        q = f"({scaled} / {t})"
        sql = (
            f"(CASE WHEN {t} = 0 THEN 0 "
            f"WHEN {twice_r} > {t} THEN {q} + 1 "
            f"WHEN {twice_r} = {t} THEN {q} + ({q} %% 2) "
            f"ELSE {q} END)"
        )
        if f_params or t_params:
            raise ValueError("PercentSQL takes columns, not expressions with values")
        return sql, []


@dataclass
class OnboardingStatus:
    """What is derived for one onboarding on a given day."""

    progress: Progress
    phases: list[tuple[Phase, Progress]] = field(default_factory=list)
    current_phase: Phase | None = None
    overdue_count: int = 0
    blocked_count: int = 0
    next_mark: Mark | None = None
    days_to_go_live: int = 0
    oldest_overdue: datetime.date | None = None
    health: str = ""
    # Closed or cancelled: the onboarding reads as history, with no next mark, days
    # to go or overdue count to show.
    is_history: bool = False


def phases() -> list[Phase]:
    return list(Phase.objects.order_by("order"))


def onboardings_with_status(
    onboardings: Iterable[Onboarding],
    *,
    today: datetime.date,
    include_internal: bool = True,
) -> list[Onboarding]:
    """Attach an `OnboardingStatus` as `.state` to each onboarding; two queries in all.

    Progress is finished (done + N/A) over applicable items; the current phase is the
    first phase with open items; overdue items are open and due before today.
    `include_internal=False` leaves CCPOR-internal items out, as court members see it.
    """
    onboardings = list(onboardings)
    if not onboardings:
        return onboardings
    items = ChecklistItem.objects.filter(onboarding__in=[o.pk for o in onboardings])
    if not include_internal:
        items = items.filter(internal_only=False)
    rows = items.values("onboarding_id", "phase_id").annotate(
        total=Count("id"),
        finished=Count("id", filter=Q(status__in=ChecklistItem.FINISHED_STATUSES)),
        overdue=Count("id", filter=overdue_q(today)),
        blocked=Count("id", filter=Q(status=ChecklistItem.Status.BLOCKED)),
        oldest_overdue=Min("due_date", filter=overdue_q(today)),
    )
    by_onboarding: dict[int, dict[int, dict]] = defaultdict(dict)
    for row in rows.order_by():
        by_onboarding[row["onboarding_id"]][row["phase_id"]] = row
    ordered_phases = phases()
    for onboarding in onboardings:
        _attach_state(
            onboarding, by_onboarding.get(onboarding.pk, {}), ordered_phases, today
        )
    return onboardings


def onboarding_with_status_from_items(
    onboarding: Onboarding, items: list[ChecklistItem], *, today: datetime.date
) -> Onboarding:
    """`onboardings_with_status` for one onboarding whose items (all that the
    person sees, with `phase`) are already loaded: the same `.state` from those
    items, with no query (the phases are the items' own, in order; a phase with
    no item the person sees is left out). The court page uses it."""
    per_phase: dict[int, dict] = {}
    for item in items:
        row = per_phase.setdefault(
            item.phase_id,
            {"total": 0, "finished": 0, "overdue": 0, "blocked": 0},
        )
        row["total"] += 1
        row["finished"] += item.status in ChecklistItem.FINISHED_STATUSES
        row["blocked"] += item.status == ChecklistItem.Status.BLOCKED
        if item.is_overdue_on(today):
            row["overdue"] += 1
            oldest = row.get("oldest_overdue")
            if oldest is None or item.due_date < oldest:
                row["oldest_overdue"] = item.due_date
    for row in per_phase.values():
        row.setdefault("oldest_overdue", None)
    item_phases = {item.phase_id: item.phase for item in items}
    ordered = sorted(item_phases.values(), key=lambda phase: (phase.order, phase.pk))
    _attach_state(onboarding, per_phase, ordered, today)
    return onboarding


def _attach_state(
    onboarding: Onboarding,
    per_phase: dict[int, dict],
    ordered_phases: list[Phase],
    today: datetime.date,
) -> None:
    """Derive `onboarding.state` from per-phase counts (total, finished, overdue,
    blocked, oldest_overdue): the one place that turns counts into a status."""
    phase_progress = []
    current = None
    for phase in ordered_phases:
        row = per_phase.get(phase.pk, {"total": 0, "finished": 0})
        progress = Progress(finished=row["finished"], total=row["total"])
        phase_progress.append((phase, progress))
        if current is None and progress.finished < progress.total:
            current = phase
    rows_here = per_phase.values()
    overdue_dates = [r["oldest_overdue"] for r in rows_here if r["oldest_overdue"]]
    state = OnboardingStatus(
        progress=Progress(
            finished=sum(r["finished"] for r in rows_here),
            total=sum(r["total"] for r in rows_here),
        ),
        phases=phase_progress,
        current_phase=current,
        overdue_count=sum(r["overdue"] for r in rows_here),
        blocked_count=sum(r["blocked"] for r in rows_here),
        next_mark=next_mark(onboarding.go_live_date, today=today),
        days_to_go_live=(onboarding.go_live_date - today).days,
        oldest_overdue=min(overdue_dates, default=None),
        is_history=not onboarding.is_open,
    )
    state.health = health_for(
        status=onboarding.status,
        days_to_go_live=state.days_to_go_live,
        overdue_count=state.overdue_count,
        blocked_count=state.blocked_count,
        oldest_overdue=state.oldest_overdue,
        today=today,
    )
    onboarding.state = state


def overdue_items(
    onboarding: Onboarding, *, today: datetime.date
) -> QuerySet[ChecklistItem]:
    """Open items of an onboarding that were due before today, earliest first."""
    return (
        onboarding.items.overdue(today)
        .select_related("phase")
        .order_by("due_date", "order")
    )


def group_by_actor(items: Iterable[ChecklistItem]) -> list[tuple[str, list]]:
    """Items grouped by who must act, in ACTOR_ORDER (Court, Sheriff's Office, CCPOR
    Team, DOJ), keeping the items' order; empty groups left out. Returns
    (Actor, items) pairs; templates show `actor.label`."""
    groups: dict[str, list] = {actor: [] for actor in ACTOR_ORDER}
    for item in items:
        groups.setdefault(item.actor, []).append(item)
    return [(Actor(actor), its) for actor, its in groups.items() if its]


def courts_with_current_onboarding(user, *, today: datetime.date) -> list[Court]:
    """The courts a user may see, each with `.onboarding` (the open one, else the
    latest, else None) carrying its derived `.state`. A fixed number of queries,
    whatever the number of courts.
    """
    courts = list(
        courts_for_user(user)
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "onboardings",
                queryset=Onboarding.objects.order_by("-created_at", "-id"),
                to_attr="onboarding_history",
            )
        )
    )
    current = []
    for court in courts:
        history = court.onboarding_history
        open_ones = [o for o in history if o.is_open]
        court.onboarding = (open_ones or history or [None])[0]
        if court.onboarding is not None:
            current.append(court.onboarding)
    onboardings_with_status(current, today=today, include_internal=is_ccpor_staff(user))
    return courts


def calendar_onboardings(courts: QuerySet[Court]) -> QuerySet[Onboarding]:
    """Onboardings of these courts that belong in a calendar (all but cancelled),
    with their court and how many times Go-Live has moved (the events' SEQUENCE)."""
    return (
        Onboarding.objects.filter(court__in=courts)
        .exclude(status=Onboarding.Status.CANCELLED)
        .select_related("court")
        .annotate(reschedules=Count("go_live_changes"))
        .order_by("go_live_date", "court__name", "pk")
    )


# --- The court page and the item page --------------------------------------------


def court_current_onboarding(court) -> Onboarding | None:
    """The court's open onboarding, else its latest one, else None (one query)."""
    return (
        court.onboardings.annotate(
            is_open_rank=Case(
                When(status__in=Onboarding.OPEN_STATUSES, then=Value(0)),
                default=Value(1),
            )
        )
        .order_by("is_open_rank", "-created_at", "-id")
        .first()
    )


def _count_of(model) -> Coalesce:
    """A correlated COUNT of `model` rows per item, without multiplying join rows."""
    return Coalesce(
        Subquery(
            model.objects.filter(item=OuterRef("pk"))
            .order_by()
            .values("item")
            .annotate(n=Count("id"))
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
        .annotate(evidence_count=_count_of(Evidence), comment_count=_count_of(Comment))
        .order_by("phase__order", "due_date", "order")
    )
    for item in items:
        item.onboarding = onboarding
        item.is_overdue = item.is_overdue_on(today)
        item.can_update = access.can_update_item(user, item)
    return items


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


# What the activity feed and the item history describe, in this order.
_TRACKED = (
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
            for name in _TRACKED
            if getattr(record, name) != prev[name]
        },
        reason=record.history_change_reason or "",
    )


@dataclass
class Activity:
    """One line of an onboarding's activity: an item's change, an evidence upload or
    a comment (worded by `checklists.presenters.describe_activity`)."""

    when: datetime.datetime
    who: object  # a user or None
    item_order: int
    item_title: str
    item_pk: int
    change: Change | None = None
    evidence_name: str = ""
    comment: str = ""


def activity_feed(
    user,
    onboarding: Onboarding,
    *,
    limit: int = 15,
    since: datetime.datetime | None = None,
    exclude_by=None,
) -> list[Activity]:
    """The latest changes across an onboarding's items that the user may see: status
    and detail changes (from the item history), evidence uploads and comments, newest
    first. Three queries whatever the number of items.

    With `since`, only what happened after it, leaving out the due dates moved by a
    Go-Live move (the move is one change: see `what_changed`); with `exclude_by`,
    not that person's own changes.
    """
    visible = visible_items_q(user)
    lagged = {
        f"prev_{name}": Window(
            Lag(name),
            partition_by=[F("id")],
            order_by=[F("history_date").asc(), F("history_id").asc()],
        )
        for name in _TRACKED
    }
    history = ChecklistItem.history.filter(visible, onboarding_id=onboarding.pk)
    narrowed = since is not None or exclude_by is not None
    # Query 1: the latest history records, each with its predecessor's values. The
    # window needs every record, so narrowing happens here in Python, on a larger
    # slice of the newest ones.
    records = list(
        history
        # Only what the feed shows: a historical item has every column of an item.
        .only(
            "history_id",
            "history_date",
            "history_type",
            "history_change_reason",
            "history_user",
            "id",
            "order",
            *_TRACKED,
        )
        .annotate(**lagged)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit * 4 if narrowed else limit]
    )
    if narrowed:
        records = [
            r
            for r in records
            if (since is None or r.history_date > since)
            and (exclude_by is None or r.history_user_id != exclude_by.pk)
            and not (r.history_change_reason or "").startswith(GO_LIVE_MOVED_REASON)
        ][:limit]
    feed = [
        Activity(
            when=r.history_date,
            who=r.history_user,
            change=change_of(
                r,
                # The first record of an item has no predecessor (Lag is NULL).
                None
                if r.prev_status is None
                else {name: getattr(r, f"prev_{name}") for name in _TRACKED},
            ),
            item_order=r.order,
            item_title=r.title,
            item_pk=r.id,
        )
        for r in records
    ]
    item_visible = visible_items_q(user, prefix="item__")
    evidence = Evidence.objects.filter(item_visible, item__onboarding_id=onboarding.pk)
    comments = Comment.objects.filter(item_visible, item__onboarding_id=onboarding.pk)
    if since is not None:
        evidence = evidence.filter(uploaded_at__gt=since)
        comments = comments.filter(created_at__gt=since)
    if exclude_by is not None:
        evidence = evidence.exclude(uploaded_by=exclude_by)
        comments = comments.exclude(author=exclude_by)
    # Query 2: the latest evidence uploads.
    for e in evidence.select_related("item", "uploaded_by").order_by(
        "-uploaded_at", "-id"
    )[:limit]:
        feed.append(
            Activity(
                when=e.uploaded_at,
                who=e.uploaded_by,
                evidence_name=e.original_name,
                item_order=e.item.order,
                item_title=e.item.title,
                item_pk=e.item_id,
            )
        )
    # Query 3: the latest comments.
    for c in comments.select_related("item", "author").order_by("-created_at", "-id")[
        :limit
    ]:
        feed.append(
            Activity(
                when=c.created_at,
                who=c.author,
                comment=c.body,
                item_order=c.item.order,
                item_title=c.item.title,
                item_pk=c.item_id,
            )
        )
    feed.sort(key=lambda a: a.when, reverse=True)
    return feed[:limit]


@dataclass
class WhatChanged:
    """What others changed in an onboarding since a person's last visit."""

    since: datetime.datetime
    go_live_changes: list[GoLiveChange]
    activities: list[Activity]
    limit: int

    @property
    def count(self) -> int:
        return len(self.go_live_changes) + len(self.activities)

    @property
    def maybe_more(self) -> bool:
        return len(self.activities) >= self.limit


def what_changed(
    user, onboarding: Onboarding, *, since: datetime.datetime, limit: int = 20
) -> WhatChanged:
    """Since `since` (the person's previous visit), what others did: Go-Live moves,
    then the items' changes, evidence and comments the person may see, newest
    first, at most `limit` of them. Four queries."""
    moves = list(
        onboarding.go_live_changes.filter(changed_at__gt=since)
        .exclude(changed_by=user)
        .select_related("changed_by")
    )
    return WhatChanged(
        since=since,
        go_live_changes=moves,
        activities=activity_feed(
            user, onboarding, limit=limit, since=since, exclude_by=user
        ),
        limit=limit,
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
        prev = {name: getattr(r, name) for name in _TRACKED}
    entries.reverse()
    return entries


def item_evidence(item: ChecklistItem) -> QuerySet[Evidence]:
    """The item's evidence, newest first (one query)."""
    return item.evidence.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def item_comments(item: ChecklistItem) -> QuerySet[Comment]:
    """The thread, oldest first, each comment with its earlier texts (edits)."""
    return (
        item.comments.select_related("author")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=CommentRevision.objects.select_related("edited_by"),
            )
        )
        .order_by("created_at", "id")
    )


def item_dependencies(user, item: ChecklistItem) -> QuerySet[ChecklistItem]:
    """What the item waits for, as far as the user may see (one query)."""
    return (
        ChecklistItem.objects.filter(dependents=item).visible_to(user).order_by("order")
    )


@dataclass
class DocumentVersions:
    """A CCPOR Team document: its current (newest) version and the older ones."""

    title: str
    current: TeamDocument
    older: list[TeamDocument]


def item_team_documents(item: ChecklistItem) -> list[DocumentVersions]:
    """The CCPOR Team's documents on the item's template item, by title, each with
    its current version first. One query (none for an item without a template)."""
    if item.template_item_id is None:
        return []
    by_title: dict[str, list[TeamDocument]] = {}
    for document in TeamDocument.objects.filter(
        template_item_id=item.template_item_id
    ).order_by("title", "-uploaded_at", "-id"):
        by_title.setdefault(document.title, []).append(document)
    return [
        DocumentVersions(title=title, current=versions[0], older=versions[1:])
        for title, versions in by_title.items()
    ]


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
