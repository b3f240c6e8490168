"""The reminder sweep and the weekly digest: what is owed is recorded, claimed, sent.

Both follow the same protocol, so that two sweeps running at once (two beats, a beat
and a manual command, a redelivered task) still send each mail once:

1. record every mail owed as a `pending` log row (the database's unique constraint
   keeps one row per reminder, however many sweeps insert it);
2. claim a row with a conditional update (`pending` → `claimed`) that only one
   process can win, and send only if the claim was won;
3. record the outcome: `sent`, or back to `pending` after a transient SMTP error (the
   task retries with backoff), or `failed` after MAX_SEND_ATTEMPTS or for a reason that
   retrying cannot fix.

A sweep is deliberately not one transaction: each claim must be committed before its
mail leaves, or a racing sweep could not see it. A row left `claimed` by a worker that
died while sending is claimed again after CLAIM_TIMEOUT (longer than the task's hard
time limit, so a live sender is never overtaken): a reminder is never lost to a crash,
at the price of a duplicate only if the worker died between the mail server accepting
the mail and the next statement.
"""

import datetime
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Model, Q
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.emails import team_addresses, templated_message
from checklists.selectors import group_by_actor
from notifications.services import notifications_claim_digest, notifications_settle

from . import selectors
from .models import SKIP_REASON, DigestLog, ReminderLog, SendStatus
from .selectors import Action, DueReminder, Recipient

logger = logging.getLogger(__name__)

# Claims per reminder before it is recorded as failed (the first try and 3 retries).
MAX_SEND_ATTEMPTS = 4
# A claim older than this belongs to a sweep that died: longer than the hard time
# limit of a task (CELERY_TASK_TIME_LIMIT, 10 minutes).
CLAIM_TIMEOUT = datetime.timedelta(minutes=15)
# Errors worth trying again later: the mail server refused or could not be reached.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)

NO_RECIPIENTS = (
    "No recipients: the court has no active member with an e-mail address as "
    "project lead, IT contact, executive officer or liaison."
)


class Outcome:
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RETRY = "will retry"
    ALREADY = "already done"
    TAKEN = "taken by another sweep"
    WOULD_SEND = "would send"
    WOULD_SKIP = "would skip"
    WOULD_FAIL = "would fail"


@dataclass(frozen=True)
class Line:
    """One thing a sweep did (or, in a dry run, would do), and why."""

    outcome: str
    target: str
    detail: str = ""


@dataclass
class SweepResult:
    today: datetime.date
    dry_run: bool = False
    lines: list[Line] = field(default_factory=list)

    def add(self, outcome: str, target: str, detail: str = "") -> None:
        self.lines.append(Line(outcome, target, detail))

    def count(self, outcome: str) -> int:
        return sum(1 for line in self.lines if line.outcome == outcome)

    @property
    def retry_later(self) -> bool:
        """A mail failed for a reason that may pass (the mail server): try again."""
        return self.count(Outcome.RETRY) > 0

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for line in self.lines:
            counts[line.outcome] = counts.get(line.outcome, 0) + 1
        return counts


# --- The claim protocol ----------------------------------------------------------


def _claimable(now: datetime.datetime) -> Q:
    """Rows nobody is working on: pending, failed for want of recipients (never
    attempted), or claimed by a sweep that died."""
    return (
        Q(status=SendStatus.PENDING)
        | Q(status=SendStatus.FAILED, attempts=0)
        | Q(status=SendStatus.CLAIMED, claimed_at__lt=now - CLAIM_TIMEOUT)
    )


def _claim(model: type[Model], pk: int, *, now: datetime.datetime) -> bool:
    """Take the row for sending: True for exactly one caller, however many race.

    PostgreSQL re-checks the WHERE clause of a concurrent UPDATE once the row lock is
    released, so the loser sees the row already claimed and updates nothing.
    """
    updated = model.objects.filter(_claimable(now), pk=pk).update(
        status=SendStatus.CLAIMED,
        claimed_at=now,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    return updated == 1


def _record(model: type[Model], pk: int, **fields) -> None:
    """Record the outcome of a claimed row."""
    model.objects.filter(pk=pk, status=SendStatus.CLAIMED).update(
        updated_at=timezone.now(), **fields
    )


def _deliver(
    model: type[Model],
    row,
    *,
    target: str,
    recipients: list[str],
    build: Callable[[], EmailMultiAlternatives],
    result: SweepResult,
    no_recipients: str = "No recipients.",
) -> None:
    """Claim `row`, build and send its mail, record what happened. Never raises: one
    failing mail must not stop the sweep for the others."""
    if not _claim(model, row.pk, now=timezone.now()):
        result.add(Outcome.TAKEN, target, "another sweep is sending it or has sent it")
        return
    if not recipients:
        # Not a sending attempt: attempts back to 0 keeps it open for the next sweep.
        _record(
            model, row.pk, status=SendStatus.FAILED, error=no_recipients, attempts=0
        )
        result.add(Outcome.FAILED, target, no_recipients)
        return
    try:
        build().send()
    except TRANSIENT_ERRORS as exc:
        attempts = model.objects.filter(pk=row.pk).values_list("attempts", flat=True)
        attempts = attempts.first() or MAX_SEND_ATTEMPTS
        error = (
            f"Attempt {attempts} of {MAX_SEND_ATTEMPTS}: {type(exc).__name__}: {exc}"
        )
        logger.warning("Sending %s failed: %s", target, error)
        if attempts >= MAX_SEND_ATTEMPTS:
            _record(
                model,
                row.pk,
                status=SendStatus.FAILED,
                error=f"Gave up. {error}",
                recipients=recipients,
            )
            result.add(Outcome.FAILED, target, f"gave up. {error}")
        else:
            _record(model, row.pk, status=SendStatus.PENDING, error=error)
            result.add(Outcome.RETRY, target, error)
    except Exception as exc:  # noqa: BLE001 - isolate one broken mail from the others
        logger.exception("Sending %s failed", target)
        error = f"{type(exc).__name__}: {exc}"
        _record(model, row.pk, status=SendStatus.FAILED, error=error)
        result.add(Outcome.FAILED, target, error)
    else:
        _record(
            model,
            row.pk,
            status=SendStatus.SENT,
            sent_at=timezone.now(),
            recipients=recipients,
            error="",
        )
        result.add(Outcome.SENT, target, "to " + ", ".join(recipients))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --- Reminders at the 60-day and 30-day marks ------------------------------------


def _target(due: DueReminder) -> str:
    onboarding = due.onboarding
    return (
        f"{onboarding.court}, {due.mark} mark "
        f"(Go-Live {onboarding.go_live_date:%Y-%m-%d})"
    )


def _key(due: DueReminder) -> tuple:
    return (due.onboarding.pk, due.mark, due.onboarding.go_live_date)


def reminder_context(due: DueReminder, *, items: list, today: datetime.date) -> dict:
    """What the reminder templates show, internal-only items already left out:

    - `groups`: the open items due by the mark, grouped by actor; when the mail goes
      out after the mark (catch-up), also those that fell due since, so that no
      overdue item is ever left out;
    - `upcoming_groups`: the open items due after that and by the next mark (the
      30-day mark, or Go-Live), so that the reminder also says what comes next.
    """
    onboarding = due.onboarding
    court = onboarding.court
    cutoff = max(due.mark_date, today)
    by_mark = [item for item in items if item.due_date <= cutoff]
    upcoming = [item for item in items if cutoff < item.due_date <= due.next_mark_date]
    return {
        "court": court,
        "onboarding": onboarding,
        "mark": due.mark,
        "mark_date": due.mark_date,
        "next_mark": due.next_mark,
        "next_mark_date": due.next_mark_date,
        "go_live_date": onboarding.go_live_date,
        "days_left": (onboarding.go_live_date - today).days,
        "today": today,
        "groups": group_by_actor(by_mark),
        "item_count": len(by_mark),
        "overdue_count": sum(1 for item in by_mark if item.is_overdue_on(today)),
        "upcoming_groups": group_by_actor(upcoming),
        "upcoming_count": len(upcoming),
        "court_url": settings.SITE_URL + court.get_absolute_url(),
    }


def reminder_message(
    due: DueReminder, *, items: list, recipients: list[Recipient], today: datetime.date
) -> EmailMultiAlternatives:
    """One mail for all of the court's recipients, the CCPOR Team in copy."""
    return templated_message(
        "reminder",
        reminder_context(due, items=items, today=today),
        to=[r.email for r in recipients],
        cc=team_addresses(),
    )


def reminders_send_due(*, today: datetime.date, dry_run: bool = False) -> SweepResult:
    """Send every reminder that is due today and was not sent for this Go-Live date.

    Promises: at most one mail per onboarding, mark and Go-Live date, whatever the
    number of sweeps running; when both marks are due only the 30-day one is sent and
    the 60-day one is recorded as skipped; a mail that fails for lack of recipients or
    any other lasting reason is recorded as failed and the sweep goes on; a mail that
    fails on the mail server is left pending for a retry (see MAX_SEND_ATTEMPTS). A
    fixed number of queries, plus a claim and an outcome write per mail. `dry_run`
    writes and sends nothing and says what would be done.
    """
    result = SweepResult(today=today, dry_run=dry_run)
    due = selectors.reminders_due(today=today)
    to_send = [d for d in due if d.action == Action.SEND]
    to_skip = [d for d in due if d.action == Action.SKIP]
    for d in due:
        if d.action == Action.DONE:
            label = SendStatus(d.status).label.lower()
            result.add(Outcome.ALREADY, _target(d), f"{label} earlier")
    recipients = selectors.reminder_recipients({d.onboarding.court_id for d in to_send})
    items = selectors.reminder_items({d.onboarding.pk for d in to_send})

    if not (to_send or to_skip):
        return result
    if dry_run:
        for d in to_skip:
            result.add(Outcome.WOULD_SKIP, _target(d), SKIP_REASON)
        for d in to_send:
            people = recipients.get(d.onboarding.court_id, [])
            if not people:
                result.add(Outcome.WOULD_FAIL, _target(d), NO_RECIPIENTS)
                continue
            context = reminder_context(
                d, items=items.get(d.onboarding.pk, []), today=today
            )
            to = ", ".join([r.email for r in people] + team_addresses())
            result.add(
                Outcome.WOULD_SEND,
                _target(d),
                f"{_count(context['item_count'], 'open item')} due by the mark "
                f"({context['overdue_count']} overdue), "
                f"{context['upcoming_count']} due next; to {to}",
            )
        return result

    with transaction.atomic():
        ReminderLog.objects.bulk_create(
            [
                ReminderLog(
                    onboarding=d.onboarding,
                    mark=d.mark,
                    go_live_date=d.onboarding.go_live_date,
                    status=(
                        SendStatus.SKIPPED
                        if d.action == Action.SKIP
                        else SendStatus.PENDING
                    ),
                    error=SKIP_REASON if d.action == Action.SKIP else "",
                )
                for d in to_send + to_skip
                if d.status is None
            ],
            ignore_conflicts=True,
        )
        rows = selectors.reminder_logs_open(to_send + to_skip)
        stale_skips = [rows[_key(d)].pk for d in to_skip if _key(d) in rows]
        if stale_skips:
            now = timezone.now()
            ReminderLog.objects.filter(_claimable(now), pk__in=stale_skips).update(
                status=SendStatus.SKIPPED, error=SKIP_REASON, updated_at=now
            )
    for d in to_skip:
        result.add(Outcome.SKIPPED, _target(d), SKIP_REASON)

    for d in to_send:
        row = rows.get(_key(d))
        if row is None:
            result.add(Outcome.TAKEN, _target(d), "another sweep has already sent it")
            continue
        people = recipients.get(d.onboarding.court_id, [])
        emails = [r.email for r in people]
        _deliver(
            ReminderLog,
            row,
            target=_target(d),
            recipients=emails + team_addresses() if emails else [],
            build=lambda d=d, people=people: reminder_message(
                d, items=items.get(d.onboarding.pk, []), recipients=people, today=today
            ),
            result=result,
            no_recipients=NO_RECIPIENTS,
        )
    return result


# --- Weekly digest ---------------------------------------------------------------


def digest_context(entry: selectors.DigestEntry, *, today: datetime.date) -> dict:
    return {
        "user": entry.user,
        "courts": [
            {
                "court": c.court,
                "organisation": c.organisation,
                "items": c.items,
                "url": settings.SITE_URL + c.court.get_absolute_url(),
            }
            for c in entry.courts
        ],
        "item_count": entry.item_count,
        "notifications": entry.notifications,
        "today": today,
        "profile_url": settings.SITE_URL + reverse("portal:profile"),
    }


def digest_send_weekly(*, today: datetime.date, dry_run: bool = False) -> SweepResult:
    """Send this week's digest to every member who wants it and whose organisation
    has overdue items, and to everyone with notifications waiting for the digest: one
    mail per person listing all their courts and those notifications, at most one a
    week (a second run in the same week sends nothing new). Same claim protocol and
    failure handling as the reminders; the notifications are claimed with the
    digest and marked sent with it (or left waiting if it fails). `dry_run` sends
    and writes nothing.
    """
    result = SweepResult(today=today, dry_run=dry_run)
    week = selectors.week_start(today)
    entries = selectors.digest_entries(today=today)
    open_statuses = (None, SendStatus.PENDING, SendStatus.CLAIMED)
    for entry in entries:
        if entry.status not in open_statuses:
            label = SendStatus(entry.status).label.lower()
            result.add(Outcome.ALREADY, _digest_target(entry), f"{label} this week")
    to_send = [e for e in entries if e.status in open_statuses]

    if dry_run:
        for entry in to_send:
            result.add(
                Outcome.WOULD_SEND,
                _digest_target(entry),
                f"{_count(entry.item_count, 'overdue item')} in "
                f"{_count(len(entry.courts), 'court')}, "
                f"{_count(len(entry.notifications), 'notification')}",
            )
        return result

    with transaction.atomic():
        DigestLog.objects.bulk_create(
            [
                DigestLog(user=entry.user, week_start=week, item_count=entry.item_count)
                for entry in to_send
                if entry.status is None
            ],
            ignore_conflicts=True,
        )
    rows = {
        row.user_id: row
        for row in DigestLog.objects.filter(
            week_start=week, status__in=(SendStatus.PENDING, SendStatus.CLAIMED)
        )
    }
    for entry in to_send:
        row = rows.get(entry.user.pk)
        if row is None:
            result.add(Outcome.TAKEN, _digest_target(entry), "already sent this week")
            continue
        claims = []

        def build(entry=entry, claims=claims):
            if entry.notifications:  # take them, so that they are sent once
                claim, entry.notifications = notifications_claim_digest(user=entry.user)
                claims.append(claim)
            return templated_message(
                "digest",
                digest_context(entry, today=today),
                to=[entry.user.email],
                cc=[],
            )

        _deliver(
            DigestLog,
            row,
            target=_digest_target(entry),
            recipients=[entry.user.email],
            build=build,
            result=result,
        )
        for claim in filter(None, claims):
            notifications_settle(
                claim=claim, sent=result.lines[-1].outcome == Outcome.SENT
            )
    return result


def _digest_target(entry: selectors.DigestEntry) -> str:
    return f"digest for {entry.user} <{entry.user.email}>"
