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
mail leaves, or a racing sweep could not see it. A claim carries its sweep's token (the
Celery task id, which a redelivered or retried task keeps; a random one for a command
run): when a worker dies mid-send and the broker hands the task to another worker, that
sweep resumes its *own* claims at once. A row left `claimed` by any other sweep that
died is claimed again after CLAIM_TIMEOUT (longer than the task's hard time limit, so a
live sender is never overtaken). A reminder is never lost to a crash, at the price of a
duplicate only if the worker died between the mail server accepting the mail and the
next statement.
"""

import datetime
import json
import logging
import smtplib
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Case, F, Model, Q, Value, When
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.emails import team_addresses, templated_message
from checklists.selectors import group_by_actor
from notifications.services import notifications_claim_digest, notifications_settle

from . import selectors
from .models import SKIP_REASON, DigestLog, ReminderLog, SendStatus, SweepRun
from .selectors import Action, DueReminder, Recipient

logger = logging.getLogger(__name__)

# Reminders claimed together (one UPDATE), sent, then recorded together (one UPDATE):
# a worker that dies mid-batch leaves at most this many mails sent but unrecorded,
# which its redelivered task sends again.
SEND_BATCH_SIZE = 25
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
TEAM_ONLY = (
    "Nobody at the court to mail (no active project lead, IT contact, executive "
    "officer or liaison with an e-mail address): sent to the CCPOR Team only."
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


def new_claim_token() -> str:
    """A token for a sweep run that has no task id (a command, a test)."""
    return uuid.uuid4().hex


def _claimable(now: datetime.datetime, token: str = "") -> Q:
    """Rows nobody else is working on: pending, failed for want of recipients (never
    attempted), claimed by this very sweep (`token`: a redelivered task resuming
    what its dead worker had claimed), or claimed by a sweep that died."""
    q = (
        Q(status=SendStatus.PENDING)
        | Q(status=SendStatus.FAILED, attempts=0)
        | Q(status=SendStatus.CLAIMED, claimed_at__lt=now - CLAIM_TIMEOUT)
    )
    if token:
        q |= Q(status=SendStatus.CLAIMED, claim_token=token)
    return q


def _claim(model: type[Model], pk: int, *, now: datetime.datetime, token: str) -> bool:
    """Take the row for sending: True for exactly one caller, however many race.

    PostgreSQL re-checks the WHERE clause of a concurrent UPDATE once the row lock is
    released, so the loser sees the row already claimed and updates nothing.
    """
    updated = model.objects.filter(_claimable(now, token), pk=pk).update(
        status=SendStatus.CLAIMED,
        claimed_at=now,
        claim_token=token,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    return updated == 1


def _record(model: type[Model], pk: int, *, token: str, **fields) -> None:
    """Record the outcome of a row this sweep claimed (and still holds)."""
    model.objects.filter(pk=pk, status=SendStatus.CLAIMED, claim_token=token).update(
        updated_at=timezone.now(), **fields
    )


def _claim_batch(
    model: type[Model], pks: list[int], *, now: datetime.datetime, token: str
) -> dict[int, int]:
    """`_claim` for a batch of rows in one UPDATE: returns {pk: attempts} of the rows
    this sweep won (a racing sweep wins the others). Each claim is stamped with this
    call's `now` and the sweep's token, so one more statement reads back exactly the
    rows this UPDATE took. Runs outside any transaction: the claims are committed
    before a mail of the batch is sent."""
    if not pks:
        return {}
    model.objects.filter(_claimable(now, token), pk__in=pks).update(
        status=SendStatus.CLAIMED,
        claimed_at=now,
        claim_token=token,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    return dict(
        model.objects.filter(
            pk__in=pks,
            status=SendStatus.CLAIMED,
            claim_token=token,
            claimed_at=now,
        ).values_list("pk", "attempts")
    )


def _record_batch(model: type[Model], outcomes: dict[int, dict], *, token: str) -> None:
    """`_record` for a batch, on the rows this sweep still holds: one UPDATE per kind
    of outcome in the batch (usually one: all sent), setting what those rows share
    as such and what differs (the recipients) row by row (`_each_row`), all of
    them committed together. A sent row's `sent_at` is when its batch is recorded
    (within the batch's few seconds of its sending)."""
    if not outcomes:
        return
    now = timezone.now()
    groups: dict[tuple, dict[int, dict]] = {}
    for pk, fields in outcomes.items():
        if fields.get("status") == SendStatus.SENT:
            fields["sent_at"] = now
        shape = tuple(
            sorted((k, repr(v)) for k, v in fields.items() if k != "recipients")
        )
        groups.setdefault(shape, {})[pk] = fields
    # Several kinds of outcome: one commit for them all (one flush to disk).
    with transaction.atomic() if len(groups) > 1 else nullcontext():
        for group in groups.values():
            shared = dict(next(iter(group.values())))
            updates: dict = {k: v for k, v in shared.items() if k != "recipients"}
            if "recipients" in shared:
                updates["recipients"] = _each_row(
                    model,
                    "recipients",
                    {pk: fields["recipients"] for pk, fields in group.items()},
                )
            model.objects.filter(
                pk__in=list(group), status=SendStatus.CLAIMED, claim_token=token
            ).update(updated_at=now, **updates)


def _each_row(model: type[Model], name: str, values: dict[int, object]):
    """For an UPDATE of the rows `values` names (by pk): each row's own value of the
    JSON field `name`. On PostgreSQL one parameter (a JSON object by pk) however
    many rows, instead of a CASE branch and a parameter per row."""
    field = model._meta.get_field(name)
    if connection.vendor != "postgresql":
        return Case(
            *[
                When(pk=pk, then=Value(value, output_field=field))
                for pk, value in values.items()
            ],
            default=F(name),
            output_field=field,
        )
    pk = connection.ops.quote_name(model._meta.pk.column)
    return RawSQL(  # noqa: S611 - a quoted column name and one parameter
        f"(%s::jsonb -> ({pk})::text)",
        (json.dumps({str(key): value for key, value in values.items()}),),
        output_field=field,
    )


def _send_claimed(
    row_pk: int,
    *,
    attempts: int,
    target: str,
    recipients: list[str],
    build: Callable[[], EmailMultiAlternatives],
    result: SweepResult,
    no_recipients: str = "No recipients.",
    note: str = "",
    extra: dict | None = None,
) -> dict:
    """Send the mail of a row this sweep has claimed and say what to record for it
    (the outcome fields of `_deliver`). Never raises for a mail that fails."""
    if not recipients:
        result.add(Outcome.FAILED, target, no_recipients)
        # Not a sending attempt: attempts back to 0.
        return {"status": SendStatus.FAILED, "error": no_recipients, "attempts": 0}
    try:
        build().send()
    except TRANSIENT_ERRORS as exc:
        error = (
            f"Attempt {attempts} of {MAX_SEND_ATTEMPTS}: {type(exc).__name__}: {exc}"
        )
        logger.warning("Sending %s failed: %s", target, error)
        if attempts >= MAX_SEND_ATTEMPTS:
            result.add(Outcome.FAILED, target, f"gave up. {error}")
            return {
                "status": SendStatus.FAILED,
                "error": f"Gave up. {error}",
                "recipients": recipients,
            }
        result.add(Outcome.RETRY, target, error)
        return {"status": SendStatus.PENDING, "error": error}
    except Exception as exc:  # noqa: BLE001 - isolate one broken mail from the others
        logger.exception("Sending %s failed", target)
        error = f"{type(exc).__name__}: {exc}"
        result.add(Outcome.FAILED, target, error)
        return {"status": SendStatus.FAILED, "error": error}
    detail = "to " + ", ".join(recipients)
    result.add(Outcome.SENT, target, f"{detail} ({note})" if note else detail)
    return {
        "status": SendStatus.SENT,
        "recipients": recipients,
        "error": note,
        **(extra or {}),
    }


def _deliver(
    model: type[Model],
    row,
    *,
    target: str,
    recipients: list[str],
    build: Callable[[], EmailMultiAlternatives],
    result: SweepResult,
    token: str,
    no_recipients: str = "No recipients.",
    note: str = "",
    extra: dict | None = None,
) -> bool:
    """Claim `row`, build and send its mail, record what happened (`note` and the
    `extra` fields with a success). True if the mail went out. Never raises: one
    failing mail must not stop the sweep for the others."""
    if not _claim(model, row.pk, now=timezone.now(), token=token):
        result.add(Outcome.TAKEN, target, "another sweep is sending it or has sent it")
        return False
    if not recipients:
        # Not a sending attempt: attempts back to 0 keeps it open for the next sweep.
        _record(
            model,
            row.pk,
            token=token,
            status=SendStatus.FAILED,
            error=no_recipients,
            attempts=0,
        )
        result.add(Outcome.FAILED, target, no_recipients)
        return False
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
                token=token,
                status=SendStatus.FAILED,
                error=f"Gave up. {error}",
                recipients=recipients,
            )
            result.add(Outcome.FAILED, target, f"gave up. {error}")
        else:
            _record(model, row.pk, token=token, status=SendStatus.PENDING, error=error)
            result.add(Outcome.RETRY, target, error)
    except Exception as exc:  # noqa: BLE001 - isolate one broken mail from the others
        logger.exception("Sending %s failed", target)
        error = f"{type(exc).__name__}: {exc}"
        _record(model, row.pk, token=token, status=SendStatus.FAILED, error=error)
        result.add(Outcome.FAILED, target, error)
    else:
        _record(
            model,
            row.pk,
            token=token,
            status=SendStatus.SENT,
            sent_at=timezone.now(),
            recipients=recipients,
            error=note,
            **(extra or {}),
        )
        detail = "to " + ", ".join(recipients)
        result.add(Outcome.SENT, target, f"{detail} ({note})" if note else detail)
        return True
    return False


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
    """One mail for all of the court's recipients, the CCPOR Team in copy; when the
    court has nobody to mail, to the CCPOR Team, saying so, so that the team acts."""
    context = reminder_context(due, items=items, today=today)
    if not recipients:
        context["team_only_reason"] = TEAM_ONLY
        return templated_message("reminder", context, to=team_addresses(), cc=[])
    return templated_message(
        "reminder", context, to=[r.email for r in recipients], cc=team_addresses()
    )


def _heartbeat(kind: str, *, today: datetime.date, result: SweepResult) -> None:
    """Record that a sweep ran to the end (what /healthz reads)."""
    SweepRun.objects.create(
        kind=kind, today=today, finished_at=timezone.now(), summary=result.summary()
    )


def reminders_send_due(
    *, today: datetime.date, dry_run: bool = False, claim_token: str = ""
) -> SweepResult:
    """Send every reminder that is due today and was not sent for this Go-Live date.

    Promises: at most one mail per onboarding, mark and Go-Live date, whatever the
    number of sweeps running; when both marks are due only the 30-day one is sent and
    the 60-day one is recorded as skipped; a mail that fails for lack of recipients or
    any other lasting reason is recorded as failed and the sweep goes on; a mail that
    fails on the mail server is left pending for a retry (see MAX_SEND_ATTEMPTS). A
    court with nobody to mail gets its reminder sent to the CCPOR Team only, and the
    log row says so (`team_only`). A fixed number of queries, plus a claim and an
    outcome write per mail. `claim_token` names this sweep's claims (the task id, so
    that a redelivered task resumes them); a random one by default. A finished run is
    recorded as the sweep's heartbeat (`SweepRun`). `dry_run` writes and sends
    nothing and says what would be done.
    """
    token = claim_token or new_claim_token()
    result = SweepResult(today=today, dry_run=dry_run)
    due = selectors.reminders_due(today=today)
    to_send = [d for d in due if d.action == Action.SEND]
    to_skip = [d for d in due if d.action == Action.SKIP]
    for d in due:
        if d.action == Action.DONE:
            label = SendStatus(d.status).label.lower()
            result.add(Outcome.ALREADY, _target(d), f"{label} earlier")
    recipients = selectors.reminder_recipients({d.onboarding.court_id for d in to_send})

    if dry_run:
        counts = selectors.reminder_item_counts(to_send, today=today)
        for d in to_skip:
            result.add(Outcome.WOULD_SKIP, _target(d), SKIP_REASON)
        for d in to_send:
            people = recipients.get(d.onboarding.court_id, [])
            if not people and not team_addresses():
                result.add(Outcome.WOULD_FAIL, _target(d), NO_RECIPIENTS)
                continue
            count = counts[_key(d)]
            to = ", ".join([r.email for r in people] + team_addresses())
            if not people:
                to += " (the CCPOR Team only: nobody at the court to mail)"
            result.add(
                Outcome.WOULD_SEND,
                _target(d),
                f"{_count(count.by_mark, 'open item')} due by the mark "
                f"({count.overdue} overdue), "
                f"{count.upcoming} due next; to {to}",
            )
        return result
    items = selectors.reminder_items({d.onboarding.pk for d in to_send})
    if not (to_send or to_skip):
        _heartbeat(SweepRun.Kind.REMINDERS, today=today, result=result)
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

    sendable = []
    for d in to_send:
        row = rows.get(_key(d))
        if row is None:
            result.add(Outcome.TAKEN, _target(d), "another sweep has already sent it")
            continue
        people = recipients.get(d.onboarding.court_id, [])
        if not people and not team_addresses() and row.status == SendStatus.FAILED:
            # Nobody to mail, as at the last sweep: nothing to claim until the court
            # gains a recipient (its row stays open for that sweep).
            result.add(Outcome.FAILED, _target(d), NO_RECIPIENTS)
            continue
        sendable.append((d, row, people))
    for start in range(0, len(sendable), SEND_BATCH_SIZE):
        batch = sendable[start : start + SEND_BATCH_SIZE]
        claimed = _claim_batch(
            ReminderLog,
            [row.pk for _, row, _ in batch],
            now=timezone.now(),
            token=token,
        )
        outcomes: dict[int, dict] = {}
        for d, row, people in batch:
            if row.pk not in claimed:
                result.add(
                    Outcome.TAKEN,
                    _target(d),
                    "another sweep is sending it or has sent it",
                )
                continue
            team_only = not people
            if team_only:
                logger.warning("%s: %s", _target(d), TEAM_ONLY)
            outcomes[row.pk] = _send_claimed(
                row.pk,
                attempts=claimed[row.pk],
                target=_target(d),
                recipients=[r.email for r in people] + team_addresses(),
                build=lambda d=d, people=people: reminder_message(
                    d,
                    items=items.get(d.onboarding.pk, []),
                    recipients=people,
                    today=today,
                ),
                result=result,
                no_recipients=NO_RECIPIENTS,
                note=TEAM_ONLY if team_only else "",
                extra={"team_only": team_only},
            )
        _record_batch(ReminderLog, outcomes, token=token)
    _heartbeat(SweepRun.Kind.REMINDERS, today=today, result=result)
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


def digest_send_weekly(
    *, today: datetime.date, dry_run: bool = False, claim_token: str = ""
) -> SweepResult:
    """Send this week's digest to every member who wants it and whose organisation
    has overdue items, and to everyone with notifications waiting for the digest: one
    mail per person listing all their courts and those notifications, at most one a
    week (a second run in the same week sends nothing new). Same claim protocol and
    failure handling as the reminders (`claim_token` as there); the notifications
    are claimed with the digest and marked sent with it (or left waiting if it
    fails).

    A digest of an earlier week that was recorded or claimed but never sent (its
    worker died and nothing resumed it) is not lost: this run's mail, which lists
    the person's overdue items as of today, is recorded as its late sending too; if
    nothing is overdue for them any more it is closed as skipped, saying why.
    `dry_run` sends and writes nothing.
    """
    token = claim_token or new_claim_token()
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

        sent = _deliver(
            DigestLog,
            row,
            target=_digest_target(entry),
            recipients=[entry.user.email],
            build=build,
            result=result,
            token=token,
        )
        for claim in filter(None, claims):
            notifications_settle(claim=claim, sent=sent)
    _digest_catch_up(week=week, entries=entries, token=token, result=result)
    _heartbeat(SweepRun.Kind.DIGEST, today=today, result=result)
    return result


def _digest_catch_up(
    *,
    week: datetime.date,
    entries: list[selectors.DigestEntry],
    token: str,
    result: SweepResult,
) -> None:
    """Close the digests of earlier weeks that were owed but never sent."""
    now = timezone.now()
    stranded = DigestLog.objects.filter(
        _claimable(now, token),
        week_start__lt=week,
        status__in=(SendStatus.PENDING, SendStatus.CLAIMED),
    ).select_related("user")
    if not stranded:
        return
    wanted = {entry.user.pk for entry in entries}
    sent_now = {
        row.user_id: row
        for row in DigestLog.objects.filter(
            week_start=week,
            status=SendStatus.SENT,
            user_id__in=[row.user_id for row in stranded],
        )
    }
    for row in stranded:
        target = f"digest for {row.user} of the week of {row.week_start:%Y-%m-%d}"
        owed = DigestLog.objects.filter(
            _claimable(now, token),
            pk=row.pk,
            status__in=(SendStatus.PENDING, SendStatus.CLAIMED),
        )
        current = sent_now.get(row.user_id)
        if current is not None:
            note = f"Sent late, with the digest of the week of {week:%Y-%m-%d}."
            if owed.update(
                status=SendStatus.SENT,
                sent_at=current.sent_at,
                recipients=current.recipients,
                error=note,
                updated_at=now,
            ):
                result.add(Outcome.SENT, target, note)
        elif row.user_id not in wanted:
            note = (
                "Nothing overdue for this person any more when the run of the "
                f"week of {week:%Y-%m-%d} came: not sent."
            )
            if owed.update(status=SendStatus.SKIPPED, error=note, updated_at=now):
                result.add(Outcome.SKIPPED, target, note)


def _digest_target(entry: selectors.DigestEntry) -> str:
    return f"digest for {entry.user} <{entry.user.email}>"
