"""The roster's reminders, sent by the daily sweep (`services.reminders_send_due`):

- a CLETS certification or CJIS security-awareness training that expires gets a
  reminder 60 and 30 days before, to the person (as a roster person: they need no
  account here) and the court's project lead; once each, by the table's unique
  constraint (person, kind, mark, expiry date: a renewal re-arms the marks). A
  person first seen inside 30 days gets the 30-day one only;
- a court whose onboarding went live (live or closed out: sustainment) gets, in
  the last REVIEW_NOTICE_DAYS of each quarter, one reminder to its project lead to
  run the quarterly access review, unless that review is complete.

Each row is recorded before it is sent, then claimed, sent and settled by the one
outbox protocol (notifications/outbox.py). At send time the person must still be
on the roster with the same expiry date, and the review still open; otherwise
the row is skipped, saying why.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from ccpor_onboard.lib.emails import templated_message
from checklists.models import Onboarding
from courts.models import Court, Membership
from notifications import outbox
from roster import signals as roster_signals
from roster.models import AccessReview, RosterPerson, RosterReminder
from roster.selectors import quarter_end, quarter_of

MARKS = (("60-day", 60), ("30-day", 30))
REVIEW_NOTICE_DAYS = 30
Kind = RosterReminder.Kind
EXPIRY_FIELDS = {Kind.CLETS: "clets_expires_on", Kind.CJIS: "cjis_expires_on"}


def _mark(days_left: int) -> str | None:
    """The mark a reminder is due at, `days_left` before expiry (None: not yet)."""
    if 0 <= days_left <= 30:
        return "30-day"
    if days_left <= 60:
        return "60-day"
    return None


def due_rows(*, today: datetime.date) -> list[RosterReminder]:
    """The reminders due today, as unsaved rows (those already recorded included:
    the insert ignores them). One query, two in the last REVIEW_NOTICE_DAYS of a
    quarter."""
    rows = []
    window = (today, today + datetime.timedelta(days=60))
    people = (
        RosterPerson.objects.present()
        .filter(
            Q(clets_expires_on__range=window) | Q(cjis_expires_on__range=window),
            court__is_active=True,
        )
        .select_related("court")
    )
    for person in people:
        for kind, name in EXPIRY_FIELDS.items():
            expires = getattr(person, name)
            if expires is None or not window[0] <= expires <= window[1]:
                continue
            rows.append(
                RosterReminder(
                    kind=kind,
                    court=person.court,
                    person=person,
                    mark=_mark((expires - today).days),
                    due_on=expires,
                )
            )
    quarter = quarter_of(today)
    if (quarter_end(quarter) - today).days < REVIEW_NOTICE_DAYS:
        done = AccessReview.objects.filter(quarter=quarter, completed_at__isnull=False)
        owing = (
            Onboarding.objects.filter(went_live_on__isnull=False)
            .exclude(status=Onboarding.Status.CANCELLED)
            .filter(
                # Someone present on the roster: a court with nobody listed (or
                # only leavers) has nothing to review.
                Exists(RosterPerson.objects.present().filter(court=OuterRef("court"))),
                court__is_active=True,
            )
            .exclude(court_id__in=done.values("court_id"))
            .values("court_id")
        )
        rows += [
            RosterReminder(kind=Kind.REVIEW, court=c, mark="quarter", due_on=quarter)
            for c in Court.objects.filter(pk__in=owing).order_by("pk")
        ]
    return rows


def _leads(court_ids: set[int]) -> dict[int, list[str]]:
    """Each court's active project leads' addresses, in one query for all."""
    leads: dict[int, list[str]] = {}
    rows = (
        Membership.objects.filter(
            court_id__in=court_ids,
            organisation=Membership.Organisation.COURT,
            role=Membership.Role.PROJECT_LEAD,
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("court_id", "user__email")
        .values_list("court_id", "user__email")
    )
    for court_id, email in rows:
        leads.setdefault(court_id, []).append(email)
    return leads


def target(row: RosterReminder) -> str:
    if row.kind == Kind.REVIEW:
        return f"{row.court}, access review of the quarter of {row.due_on:%Y-%m-%d}"
    return (
        f"{row.person.name} ({row.court}), {row.get_kind_display()} on "
        f"{row.due_on:%Y-%m-%d}, {row.mark} mark"
    )


def recipients(row: RosterReminder, leads_by_court: dict[int, list[str]]) -> list[str]:
    leads = leads_by_court.get(row.court_id, [])
    if row.kind == Kind.REVIEW:
        return leads
    return list(dict.fromkeys([row.person.email, *leads]))


def _still_owed(row: RosterReminder, today: datetime.date) -> None:
    """The send-time check: NothingToSend when the reminder no longer applies."""
    if row.kind == Kind.REVIEW:
        if AccessReview.objects.filter(
            court_id=row.court_id, quarter=row.due_on, completed_at__isnull=False
        ).exists():
            raise outbox.NothingToSend("The access review was completed meanwhile.")
        return
    person = RosterPerson.objects.filter(pk=row.person_id).first()
    if person is None or person.left_on:
        raise outbox.NothingToSend("The person is no longer on the roster.")
    if getattr(person, EXPIRY_FIELDS[row.kind]) != row.due_on:
        raise outbox.NothingToSend("The expiry date changed (renewed).")


def message(row: RosterReminder, *, to: list[str], today: datetime.date):
    court = row.court
    context = {
        "row": row,
        "court": court,
        "person": row.person,
        "days_left": (row.due_on - today).days,
        "quarter_end": quarter_end(row.due_on) if row.kind == Kind.REVIEW else None,
        "roster_url": settings.SITE_URL
        + reverse(
            "portal:access_review" if row.kind == Kind.REVIEW else "portal:roster",
            kwargs={"slug": court.slug},
        ),
    }
    return templated_message("roster_reminder", context, to=to, cc=[])


def send_due(
    *, today: datetime.date, dry_run: bool, token: str, line, delivered
) -> None:
    """Record, claim and send the roster's reminders due today (every open one:
    those a dead sweep left too). `line(outcome, target, detail)` reports what a
    dry run would do; `delivered(target, attempt, to)` what became of each mail
    (attempt None: another sweep holds it)."""
    due = due_rows(today=today)
    if dry_run:
        recorded = _recorded(due)
        leads = _leads({row.court_id for row in due})
        for row in due:
            if _key(row) in recorded:
                line("already done", target(row), "recorded earlier")
            else:
                line(
                    "would send",
                    target(row),
                    "to " + ", ".join(recipients(row, leads)),
                )
        return
    if due:
        _record(due)
    open_rows = RosterReminder.objects.filter(outbox.OPEN).select_related(
        "court", "person"
    )
    open_rows = list(open_rows)
    leads = _leads({row.court_id for row in open_rows})
    for row in open_rows:
        to = recipients(row, leads)

        def send(_rows, row=row, to=to):
            _still_owed(row, today)
            if not to:
                raise outbox.NothingToSend("Nobody to mail.")
            message(row, to=to, today=today).send()

        delivery = outbox.deliver(
            RosterReminder.objects.filter(pk=row.pk),
            token=token,
            target=target(row),
            send=send,
            facts={"recipients": to},
        )
        delivered(target(row), delivery.attempt, to)


def _record(due: list[RosterReminder]) -> None:
    """Insert the rows not yet recorded and tell the floors above (webhooks) of
    each new expiry notice, in one transaction: a notice is announced once, when
    its reminder is first owed."""
    with transaction.atomic():
        recorded = _recorded(due)
        RosterReminder.objects.bulk_create(due, ignore_conflicts=True)
        for row in due:
            if row.kind == Kind.REVIEW or _key(row) in recorded:
                continue
            roster_signals.person_expiring.send(
                sender=RosterPerson,
                person=row.person,
                certification=row.get_kind_display(),
                expires_on=row.due_on,
                mark=row.mark,
            )


def _key(row: RosterReminder) -> tuple:
    return (row.kind, row.person_id, row.court_id, row.mark, row.due_on)


def _recorded(rows: list[RosterReminder]) -> set[tuple]:
    if not rows:
        return set()
    found = RosterReminder.objects.filter(
        due_on__in={r.due_on for r in rows}
    ).values_list("kind", "person_id", "court_id", "mark", "due_on")
    return set(found)
