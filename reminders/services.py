"""The reminder sweep and the weekly digest: what is owed is recorded, claimed, sent.

Both record every mail owed as a `pending` log row first (the database's unique
constraint keeps one row per reminder, and per person and week, however many sweeps
insert it), then claim, send and settle each row by the outbox protocol that every
mail of the product follows (notifications/outbox.py): two sweeps running at once
(two beats, a beat and a manual command, a redelivered task) still send each mail
once; a sweep resumes its own claims under its token (the Celery task id, which a
redelivered or retried task keeps; a random one for a command run) and anyone
else's after CLAIM_TIMEOUT; a mail-server error leaves the row pending for the
task's retry until MAX_SEND_ATTEMPTS.

A sweep is deliberately not one transaction: each claim must be committed before its
mail leaves, or a racing sweep could not see it.
"""

import copy
import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.emails import team_addresses, templated_message
from checklists import access
from checklists.selectors import group_by_actor
from notifications import outbox
from notifications.answer_links import answer_urls
from notifications.services import notifications_claim_digest, notifications_settle

from . import roster_reminders, selectors
from .models import SKIP_REASON, DigestLog, ReminderLog, SendStatus, SweepRun
from .selectors import Action, DueReminder, Recipient

logger = logging.getLogger(__name__)

# Reminders claimed together (one UPDATE), sent, then recorded together (one UPDATE):
# a worker that dies mid-batch leaves at most this many mails sent but unrecorded,
# which its redelivered task sends again.
SEND_BATCH_SIZE = 25

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


def _report(
    result: SweepResult,
    target: str,
    sent: outbox.Attempt | None,
    *,
    to: Sequence[str] = (),
    note: str = "",
) -> None:
    """Say what became of one mail (None: another sweep had claimed it)."""
    if sent is None:
        result.add(Outcome.TAKEN, target, "another sweep is sending it or has sent it")
    elif sent.sent:
        detail = "to " + ", ".join(to)
        result.add(Outcome.SENT, target, f"{detail} ({note})" if note else detail)
    elif sent.retry_later:
        result.add(Outcome.RETRY, target, sent.error)
    elif sent.status == SendStatus.SKIPPED:
        result.add(Outcome.SKIPPED, target, sent.error)
    else:
        detail = f"gave up. {sent.error}" if sent.gave_up else sent.error
        result.add(Outcome.FAILED, target, detail)


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


def _with_answer_links(items: list, *, user, onboarding) -> tuple[list, int]:
    """Copies of the items, those this person owns and may answer from a mail
    carrying their own one-click links (`answer_links`), and how many do."""
    linked, count = [], 0
    for item in items:
        item = copy.copy(item)
        item.onboarding = onboarding
        if (
            user is not None
            and item.owner_id == user.pk
            and not access.email_answer_refusal(user, item)
        ):
            item.answer_links = answer_urls(user=user, item_id=item.pk)
            count += 1
        linked.append(item)
    return linked, count


def reminder_messages(
    due: DueReminder, *, items: list, recipients: list[Recipient], today: datetime.date
) -> list[EmailMultiAlternatives]:
    """The reminder's mails. Each court or sheriff's office person who owns items
    of the mail gets a mail of their own, with one-click answer links for those
    items (notifications.answer_links) that work for them only; the others get one
    mail together, the CCPOR Team in copy, or, when everyone got their own, the
    team gets its copy (without links) alone. When the court has nobody to mail: to the
    CCPOR Team, saying so, so that the team acts."""
    context = reminder_context(due, items=items, today=today)
    if not recipients:
        context["team_only_reason"] = TEAM_ONLY
        # The team's way to give the court someone to remind.
        context["invite_url"] = settings.SITE_URL + reverse(
            "portal:invite", kwargs={"slug": context["court"].slug}
        )
        return [templated_message("reminder", context, to=team_addresses(), cc=[])]
    messages, together = [], []
    for recipient in recipients:
        linked, count = _with_answer_links(
            items, user=recipient.user, onboarding=due.onboarding
        )
        if not count:
            together.append(recipient.email)
            continue
        personal = reminder_context(due, items=linked, today=today)
        personal["answer_links_days"] = settings.EMAIL_ANSWER_LINK_DAYS
        messages.append(
            templated_message("reminder", personal, to=[recipient.email], cc=[])
        )
    if together:
        messages.append(
            templated_message("reminder", context, to=together, cc=team_addresses())
        )
    elif team_addresses():
        messages.append(
            templated_message("reminder", context, to=team_addresses(), cc=[])
        )
    return messages


def _send_all(messages: list[EmailMultiAlternatives]) -> int:
    """Send the reminder's mails (at least once: a retry sends them all again)."""
    return sum(message.send() for message in messages)


def _heartbeat(kind: str, *, today: datetime.date, result: SweepResult) -> None:
    """Record that a sweep ran to the end (what /healthz reads)."""
    SweepRun.objects.create(
        kind=kind, today=today, finished_at=timezone.now(), summary=result.summary()
    )


def reminders_send_due(
    *, today: datetime.date, dry_run: bool = False, claim_token: str = ""
) -> SweepResult:
    """The daily sweep: the Go-Live reminders (`golive_reminders_send_due`), then
    the roster's (expiring certifications and training, the quarterly access
    review: reminders.roster_reminders), under one claim token, in one result; a
    finished run is recorded as the sweep's heartbeat. `dry_run` writes and sends
    nothing and says what would be done."""
    token = claim_token or outbox.new_claim_token()
    result = golive_reminders_send_due(today=today, dry_run=dry_run, claim_token=token)
    roster_reminders.send_due(
        today=today,
        dry_run=dry_run,
        token=token,
        line=result.add,
        delivered=lambda target, sent, to: _report(result, target, sent, to=to),
    )
    if not dry_run:
        _heartbeat(SweepRun.Kind.REMINDERS, today=today, result=result)
    return result


def golive_reminders_send_due(
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
    that a redelivered task resumes them); a random one by default. `dry_run`
    writes and sends nothing and says what would be done.
    """
    token = claim_token or outbox.new_claim_token()
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
            ReminderLog.objects.filter(
                outbox.claimable(now), pk__in=stale_skips
            ).update(status=SendStatus.SKIPPED, error=SKIP_REASON, updated_at=now)
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
        taken = outbox.take(
            ReminderLog.objects.filter(pk__in=[row.pk for _, row, _ in batch]),
            token=token,
        )
        claimed = dict(taken.rows.values_list("pk", "attempts")) if taken else {}
        outcomes: dict[int, dict] = {}
        for d, row, people in batch:
            if row.pk not in claimed:
                _report(result, _target(d), None)
                continue
            to = [r.email for r in people] + team_addresses()
            team_only = not people
            note = TEAM_ONLY if team_only else ""
            if not to:
                sent = outbox.Attempt.nobody(NO_RECIPIENTS)
                outcomes[row.pk] = sent.fields()
            else:
                if team_only:
                    logger.warning("%s: %s", _target(d), TEAM_ONLY)
                sent, _ = outbox.attempt(
                    lambda d=d, people=people: _send_all(
                        reminder_messages(
                            d,
                            items=items.get(d.onboarding.pk, []),
                            recipients=people,
                            today=today,
                        )
                    ),
                    attempts=lambda n=claimed[row.pk]: n,
                    target=_target(d),
                )
                outcomes[row.pk] = sent.fields(
                    note=note, recipients=to, team_only=team_only
                )
            _report(result, _target(d), sent, to=to, note=note)
        outbox.settle_each(ReminderLog, outcomes, token=token)
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
                "expiring": c.expiring,
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
    token = claim_token or outbox.new_claim_token()
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

        def send(_row, entry=entry, claims=claims):
            if entry.notifications:  # take them, so that they are sent once
                # (those the person may no longer be told are dropped there)
                claim, entry.notifications = notifications_claim_digest(
                    user=entry.user, claim_token=token
                )
                claims.append(claim)
                if not (entry.notifications or entry.item_count):
                    raise outbox.NothingToSend(DigestLog.NOTHING_LEFT)
            templated_message(
                "digest",
                digest_context(entry, today=today),
                to=[entry.user.email],
                cc=[],
            ).send()

        delivery = outbox.deliver(
            DigestLog.objects.filter(pk=row.pk),
            token=token,
            target=_digest_target(entry),
            send=send,
            facts={"recipients": [entry.user.email]},
        )
        _report(result, _digest_target(entry), delivery.attempt, to=[entry.user.email])
        for claim in filter(None, claims):
            notifications_settle(claim=claim, sent=delivery.sent)
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
        outbox.claimable(now, token),
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
            outbox.claimable(now, token),
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
