"""Reads for the reminder sweep, the weekly digest and the court page's reminder log."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from ccpor_onboard.lib.dates import DaysBetween
from checklists.marks import MARKS, REMINDER_MARKS, Mark, marks_for
from checklists.models import ACTOR_FOR_ORGANISATION, ChecklistItem, Onboarding
from courts.access import ccpor_staff_users
from courts.models import Court, Membership
from notifications import outbox
from notifications.selectors import pending_digest_notifications
from roster.access import ROSTER_KEEPERS
from roster.models import RosterPerson

from .models import DigestLog, ReminderLog, SweepRun

# Court members who get the 60- and 30-day reminders. Viewers are left out: they follow
# the onboarding but own none of its work (they still get the weekly digest).
REMINDER_ROLES = (
    Membership.Role.PROJECT_LEAD,
    Membership.Role.IT_CONTACT,
    Membership.Role.EXECUTIVE_OFFICER,
    Membership.Role.LIAISON,
)
_MARK_NAMES = [name for name, _ in REMINDER_MARKS]
MARKS_DAYS = [(name, days) for name, days in MARKS]
# The mark after each reminder mark ("60-day" -> "30-day", "30-day" -> "Go-Live").
_FOLLOWING = {
    name: after for (name, _), (after, _) in zip(MARKS, MARKS[1:], strict=False)
}
_WIDEST = max(days for _, days in REMINDER_MARKS)
_LATEST_MARK = min(REMINDER_MARKS, key=lambda mark: mark[1])[0]  # "30-day"


class Action:
    SEND = "send"
    SKIP = "skip"
    DONE = "done"  # already sent, skipped, failed or being sent: nothing to do


@dataclass
class DueReminder:
    """What the sweep should do about one mark of one onboarding on a given day."""

    onboarding: Onboarding
    mark: str
    mark_date: datetime.date
    action: str
    status: str | None  # the existing log row's status, None if there is none
    next_mark: str = ""  # the guide's mark after this one ("30-day", "Go-Live")
    next_mark_date: datetime.date | None = None


def _mark_status_annotations() -> dict[str, Subquery]:
    annotations = {}
    for name in _MARK_NAMES:
        row = ReminderLog.objects.filter(
            onboarding=OuterRef("pk"), go_live_date=OuterRef("go_live_date"), mark=name
        ).order_by()  # unique: nothing to sort
        annotations[f"log_{name[:2]}"] = Subquery(row.values("status")[:1])
        annotations[f"log_{name[:2]}_attempts"] = Subquery(row.values("attempts")[:1])
    return annotations


def onboardings_in_reminder_window(*, today: datetime.date) -> QuerySet[Onboarding]:
    """Active onboardings whose Go-Live is after today and at most 60 days away, each
    annotated with the status and attempts of its log row per mark for its current
    Go-Live date (`log_60`, `log_60_attempts`, `log_30`...; None when there is none).

    One query; backed by the index on Onboarding (status, go_live_date) and, for the
    annotations, by the unique index on ReminderLog (onboarding, mark, go_live_date).
    """
    return (
        Onboarding.objects.filter(
            status=Onboarding.Status.ACTIVE,
            go_live_date__gt=today,
            go_live_date__lte=today + datetime.timedelta(days=_WIDEST),
        )
        .select_related("court")
        .annotate(**_mark_status_annotations())
        .order_by("go_live_date", "court__name")
    )


def reminders_due(*, today: datetime.date) -> list[DueReminder]:
    """Every mark that has come for an active onboarding, with what to do about it.

    A mark is due when Go-Live − N days ≤ today < Go-Live. When the 30-day mark is due,
    a 60-day reminder not yet sent is skipped: only the latest mark is sent. A row
    that is pending (recorded, never claimed) or claimed (a sweep is sending it, or
    died sending it) is offered again: the claim decides what happens to it.
    """
    due: list[DueReminder] = []
    for onboarding in onboardings_in_reminder_window(today=today):
        marks = marks_for(onboarding.go_live_date, today=today)
        dates = {mark.name: mark.date for mark in marks}
        following = {m.name: after for m, after in zip(marks, marks[1:], strict=False)}
        come = [name for name in _MARK_NAMES if dates[name] <= today]
        latest_come = _LATEST_MARK in come
        for name in come:
            status = getattr(onboarding, f"log_{name[:2]}")
            attempts = getattr(onboarding, f"log_{name[:2]}_attempts")
            if not outbox.is_open(status, attempts):
                action = Action.DONE
            elif name != _LATEST_MARK and latest_come:
                action = Action.SKIP  # only the latest mark's reminder is sent
            else:
                action = Action.SEND
            due.append(
                DueReminder(
                    onboarding=onboarding,
                    mark=name,
                    mark_date=dates[name],
                    action=action,
                    status=status,
                    next_mark=following[name].name,
                    next_mark_date=following[name].date,
                )
            )
    return due


def reminder_logs_open(due: Iterable[DueReminder]) -> dict[tuple, ReminderLog]:
    """The open log rows (`outbox.OPEN`) for these reminders, keyed by
    (onboarding id, mark, Go-Live date). One query."""
    due = list(due)
    if not due:
        return {}
    rows = ReminderLog.objects.filter(
        outbox.OPEN, onboarding_id__in={d.onboarding.pk for d in due}
    )
    return {(r.onboarding_id, r.mark, r.go_live_date): r for r in rows}


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    # The person (their membership of the court known, whether they are CCPOR
    # staff known), for their one-click answer links (reminders.services).
    user: object = field(default=None, compare=False, repr=False)


def reminder_recipient_memberships() -> QuerySet[Membership]:
    """The memberships the 60- and 30-day reminders go to: active people with an
    e-mail address, in a reminder role. A court with none has no one to remind
    (its reminders fail; the dashboard flags it)."""
    return Membership.objects.filter(
        role__in=REMINDER_ROLES, user__is_active=True
    ).exclude(user__email="")


def reminder_recipients(court_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Per court, the active members with an e-mail address in a reminder role,
    ordered by organisation and role. Two queries.

    Each recipient's user carries what courts.access would otherwise ask the
    database for, item by item, when their answer links are made: their membership
    of that court and whether they are CCPOR staff."""
    by_court: dict[int, list[Recipient]] = defaultdict(list)
    memberships = list(
        reminder_recipient_memberships()
        .filter(court_id__in=set(court_ids))
        .select_related("user")
        .order_by("court_id", "organisation", "role", "user__username")
    )
    staff = set(
        ccpor_staff_users()
        .filter(pk__in={m.user_id for m in memberships})
        .values_list("pk", flat=True)
    )
    for membership in memberships:
        user = membership.user
        user._memberships_by_court = {membership.court_id: membership}
        user._is_ccpor_staff = user.pk in staff
        by_court[membership.court_id].append(
            Recipient(name=str(user), email=user.email, user=user)
        )
    return by_court


# What the reminder mails (templates/emails/reminder_*) and their grouping show of
# an item.
REMINDER_ITEM_FIELDS = (
    "onboarding_id",
    "order",
    "title",
    "actor",
    "status",
    "due_date",
    "blocked_reason",
    "owner",
    # Whether a court member may still update it (their answer links).
    "verified_at",
)


def reminder_items(
    onboarding_ids: Iterable[int],
) -> dict[int, list[ChecklistItem]]:
    """Per onboarding, its open items that court members may see (internal-only items
    left out), by due date, with what a reminder shows of them (REMINDER_ITEM_FIELDS;
    the sweep reads thousands). One query."""
    by_onboarding: dict[int, list[ChecklistItem]] = defaultdict(list)
    items = (
        ChecklistItem.objects.open()
        .filter(onboarding_id__in=set(onboarding_ids), internal_only=False)
        .select_related("owner")
        .only(*REMINDER_ITEM_FIELDS)
        .order_by("onboarding_id", "due_date", "order")
    )
    for item in items:
        by_onboarding[item.onboarding_id].append(item)
    return by_onboarding


@dataclass(frozen=True)
class ItemCounts:
    """What a reminder would list, counted: open items due by the mark (or by
    today, when the mail goes out after the mark), of those the overdue ones, and
    those due after that and by the next mark."""

    by_mark: int = 0
    overdue: int = 0
    upcoming: int = 0


def reminder_item_counts(
    due: Iterable[DueReminder], *, today: datetime.date
) -> dict[tuple, ItemCounts]:
    """`reminder_context`'s counts for these reminders, keyed by (onboarding id,
    mark, Go-Live date), counted in the database (the dry run): one query, no item
    read. Internal-only items left out, as in the mail."""
    due = list(due)
    if not due:
        return {}
    days = dict(MARKS_DAYS)
    # lead: days from an item's due date to its onboarding's Go-Live.
    lead = DaysBetween(F("onboarding__go_live_date"), day=F("due_date"))
    counts = {"overdue": Count("id", filter=Q(due_date__lt=today))}
    for name in _MARK_NAMES:
        this, following = days[name], days[_FOLLOWING[name]]
        counts[f"by_{this}"] = Count(
            "id", filter=Q(lead__gte=this) | Q(due_date__lte=today)
        )
        counts[f"upcoming_{this}"] = Count(
            "id", filter=Q(lead__lt=this, lead__gte=following, due_date__gt=today)
        )
    rows = {
        row["onboarding_id"]: row
        for row in ChecklistItem.objects.open()
        .filter(onboarding_id__in={d.onboarding.pk for d in due}, internal_only=False)
        .alias(lead=lead)
        .values("onboarding_id")
        .annotate(**counts)
        .order_by()
    }
    result = {}
    for d in due:
        row = rows.get(d.onboarding.pk)
        key = (d.onboarding.pk, d.mark, d.onboarding.go_live_date)
        if row is None:
            result[key] = ItemCounts()
            continue
        n = days[d.mark]
        result[key] = ItemCounts(
            by_mark=row[f"by_{n}"],
            overdue=row["overdue"],
            upcoming=row[f"upcoming_{n}"],
        )
    return result


def reminders_awaiting_sweep(
    onboarding: Onboarding, logs: Iterable[ReminderLog], *, today: datetime.date
) -> list[Mark]:
    """The marks that have come for the onboarding's Go-Live date but that no sweep
    has recorded yet (`logs`: its reminder log): the next daily sweep sends the latest
    of them and records any earlier one as skipped. No query."""
    if (
        onboarding.status != Onboarding.Status.ACTIVE
        or onboarding.go_live_date <= today
    ):
        return []
    logged = {log.mark for log in logs if log.go_live_date == onboarding.go_live_date}
    return [
        mark
        for mark in marks_for(onboarding.go_live_date, today=today)
        if mark.name in _MARK_NAMES and mark.date <= today and mark.name not in logged
    ]


def reminder_log_for_onboarding(onboarding: Onboarding) -> QuerySet[ReminderLog]:
    """The reminders of one onboarding, newest first (for the court page; one
    query)."""
    return ReminderLog.objects.filter(onboarding=onboarding).order_by(
        "-created_at", "-id"
    )


# --- Weekly digest ---------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` is in."""
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class DigestCourt:
    court: Court
    organisation: Membership.Organisation  # templates show `.label`
    items: list[ChecklistItem] = field(default_factory=list)
    # Roster people of the organisation whose CLETS certification or CJIS training
    # has expired or expires within EXPIRY_DIGEST_DAYS (for its roster keepers).
    expiring: list = field(default_factory=list)


# How far ahead the digest lists expiring certifications and training.
EXPIRY_DIGEST_DAYS = 60


@dataclass
class DigestEntry:
    """Everything one person's weekly digest lists: per court, their organisation's
    overdue items (if they want that list), and the notifications they chose to get
    in the digest."""

    user: object
    courts: list[DigestCourt] = field(default_factory=list)
    status: str | None = None  # this week's digest row, None if there is none
    notifications: list = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(c.items) for c in self.courts)


def _expiring_by_court_and_organisation(court_ids, *, today: datetime.date) -> dict:
    """(court id, organisation) -> the present roster people whose CLETS
    certification or CJIS training has expired or expires within
    EXPIRY_DIGEST_DAYS. One query."""
    soon = today + datetime.timedelta(days=EXPIRY_DIGEST_DAYS)
    grouped: dict[tuple, list] = defaultdict(list)
    for person in (
        RosterPerson.objects.present()
        .filter(court_id__in=court_ids)
        .filter(Q(clets_expires_on__lte=soon) | Q(cjis_expires_on__lte=soon))
        .order_by("name")
    ):
        grouped[(person.court_id, person.organisation)].append(person)
    return grouped


def digest_entries(*, today: datetime.date) -> list[DigestEntry]:
    """One entry per person who has something for this week's digest: a member who
    wants the list of overdue items (active, with an e-mail address, not opted out)
    and whose organisation has overdue items in an open onboarding of one of their
    courts; or anyone with notifications waiting for the digest. Internal-only items
    are never listed. Four queries, whatever the number of people and courts.
    """
    memberships = list(
        Membership.objects.filter(
            user__is_active=True,
            user__weekly_digest=True,
        )
        .exclude(user__email="")
        .select_related("user", "court")
        .order_by("user__username", "court__name")
    )
    court_ids = {m.court_id for m in memberships}
    overdue: dict[tuple[int, str], list[ChecklistItem]] = defaultdict(list)
    items = (
        ChecklistItem.objects.overdue(today)
        .filter(
            onboarding__court_id__in=court_ids,
            onboarding__status__in=Onboarding.OPEN_STATUSES,
            internal_only=False,
            actor__in=ACTOR_FOR_ORGANISATION.values(),
        )
        .select_related("onboarding", "owner")
        .order_by("due_date", "order")
    )
    for item in items:
        overdue[(item.onboarding.court_id, item.actor)].append(item)
    statuses = dict(
        DigestLog.objects.filter(week_start=week_start(today)).values_list(
            "user_id", "status"
        )
    )
    expiring = _expiring_by_court_and_organisation(court_ids, today=today)
    entries: dict[int, DigestEntry] = {}
    for membership in memberships:
        actor = ACTOR_FOR_ORGANISATION[membership.organisation]
        its = overdue.get((membership.court_id, actor), [])
        people = (
            expiring.get((membership.court_id, membership.organisation), [])
            if membership.role in ROSTER_KEEPERS
            else []
        )
        if not (its or people):
            continue
        entry = entries.setdefault(
            membership.user_id,
            DigestEntry(user=membership.user, status=statuses.get(membership.user_id)),
        )
        entry.courts.append(
            DigestCourt(
                court=membership.court,
                organisation=Membership.Organisation(membership.organisation),
                items=its,
                expiring=people,
            )
        )
    for user_id, notes in pending_digest_notifications().items():
        entry = entries.setdefault(
            user_id,
            DigestEntry(user=notes[0].recipient, status=statuses.get(user_id)),
        )
        entry.notifications = notes
    return sorted(entries.values(), key=lambda e: e.user.get_username())


def last_sweep_run(kind: str) -> SweepRun | None:
    """The latest finished run of the reminder sweep or the digest (the heartbeat
    that /healthz reads; index sweeprun_kind_finished)."""
    return SweepRun.objects.filter(kind=kind).order_by("-finished_at").first()
