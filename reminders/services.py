"""The reminder sweep and the weekly digest (reminders.digest): what is owed is
recorded, claimed, sent.

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

from . import roster_reminders, selectors
from .digest import digest_context, digest_send_weekly
from .models import SKIP_REASON, ReminderLog, SendStatus, SweepRun
from .results import Line, Outcome, SweepResult, _count, _heartbeat, _report
from .selectors import Action, DueReminder, Recipient

logger = logging.getLogger(__name__)

__all__ = [
    "Line",
    "Outcome",
    "SweepResult",
    "digest_context",
    "digest_send_weekly",
    "reminder_context",
    "reminders_send_due",
]

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
