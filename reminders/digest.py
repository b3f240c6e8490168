"""The weekly digest: each person's overdue items, roster expiries and unread
notifications once a week, by the outbox protocol (reminders.services' docstring
says how a sweep records, claims and sends)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ccpor_onboard.lib.emails import templated_message
from notifications import outbox
from notifications.services import notifications_claim_digest, notifications_settle

from . import selectors
from .models import DigestLog, SendStatus, SweepRun
from .results import Outcome, SweepResult, _count, _heartbeat, _report


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
