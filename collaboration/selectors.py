"""Reads of what people add around items: the activity feed of an onboarding (item
changes, evidence uploads, comments), what changed since a person's last visit, an
item's evidence, thread and the CCPOR Team's documents."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Prefetch, QuerySet, Window
from django.db.models.functions import Lag

from checklists.models import (
    ChecklistItem,
    GoLiveChange,
    Onboarding,
    visible_items_q,
)
from checklists.selectors import GO_LIVE_MOVED_REASON, TRACKED, Change, change_of

from .models import Comment, CommentRevision, Evidence, TeamDocument


@dataclass
class Activity:
    """One line of an onboarding's activity: an item's change, an evidence upload or
    a comment (worded by `checklists.presenters.describe_activity`)."""

    when: datetime.datetime
    who: object  # a user or None
    item_order: int = 0
    item_title: str = ""
    item_pk: int | None = None
    change: Change | None = None
    evidence_name: str = ""
    comment: str = ""
    # A Go-Live move: one line, whatever number of items' due dates followed it.
    go_live_change: GoLiveChange | None = None


def activity_feed(
    user,
    onboarding: Onboarding,
    *,
    limit: int = 15,
    since: datetime.datetime | None = None,
    exclude_by=None,
    go_live_moves: list[GoLiveChange] | None = None,
) -> list[Activity]:
    """The latest changes of an onboarding that the user may see: Go-Live moves (one
    line each, not one per item whose due date followed), the items' status and
    detail changes (from their history), evidence uploads and comments, newest
    first. Four queries whatever the number of items.

    With `since`, only what happened after it, and no Go-Live moves (`what_changed`
    lists those apart); with `exclude_by`, not that person's own changes.
    `go_live_moves` (with who moved) spares the fourth query when the caller has
    them already.
    """
    visible = visible_items_q(user)
    lagged = {
        f"prev_{name}": Window(
            Lag(name),
            partition_by=[F("id")],
            order_by=[F("history_date").asc(), F("history_id").asc()],
        )
        for name in TRACKED
    }
    history = ChecklistItem.history.filter(visible, onboarding_id=onboarding.pk)
    shown = history.exclude(history_change_reason__startswith=GO_LIVE_MOVED_REASON)
    if since is not None:
        shown = shown.filter(history_date__gt=since)
    if exclude_by is not None:
        shown = shown.exclude(history_user=exclude_by)
    newest = shown.order_by("-history_date", "-history_id")
    # Query 1: every record of the items the newest `limit` shown records belong to
    # (the window needs each record's predecessor, a due date moved by a Go-Live
    # move included), each with its predecessor's values; the shown ones are picked
    # here. Those items have a few dozen records at most.
    records = list(
        history.filter(id__in=newest.values("id")[:limit])
        # Only what the feed shows: a historical item has every column of an item.
        .only(
            "history_id",
            "history_date",
            "history_type",
            "history_change_reason",
            "history_user",
            "id",
            "order",
            *TRACKED,
        )
        .annotate(**lagged)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    records = [
        r
        for r in records
        if not (r.history_change_reason or "").startswith(GO_LIVE_MOVED_REASON)
        and (since is None or r.history_date > since)
        and (exclude_by is None or r.history_user_id != exclude_by.pk)
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
                else {name: getattr(r, f"prev_{name}") for name in TRACKED},
            ),
            item_order=r.order,
            item_title=r.title,
            item_pk=r.id,
        )
        for r in records
    ]
    if since is None:
        # Query 4: the latest Go-Live moves, one line each.
        if go_live_moves is None:
            go_live_moves = onboarding.go_live_changes.select_related(
                "changed_by"
            ).order_by("-changed_at", "-id")[:limit]
        feed += [
            Activity(when=m.changed_at, who=m.changed_by, go_live_change=m)
            for m in go_live_moves
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
