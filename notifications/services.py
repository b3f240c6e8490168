"""Writes: queue notifications, send them in batches, each person's choices, court
visits, invitations.

Batching. `notify` records one row per recipient in the caller's transaction and,
once it commits, schedules the batch task for each address a short while later
(NOTIFICATION_BATCH_SECONDS; at once for an invitation). The task sends everything
pending for that address in one mail, so a burst of changes within a few minutes
makes one mail, never one per keystroke. A cache key keeps it to one scheduled task
per address per window; the periodic sweep (`notifications_send_pending`, also
`python manage.py send_notifications`) sends any batch whose task was lost.

Exactly once. A batch is claimed, sent and settled by the outbox protocol that every
mail follows (notifications/outbox.py): two workers, or a worker and the command,
never send a notification twice; a mail-server error puts the rows back to pending
(the task retries with the one back-off) until MAX_SEND_ATTEMPTS, then they are
recorded as failed; a claim left by a dead worker is resumed by its redelivered task
at once, and by anyone after CLAIM_TIMEOUT.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Min, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.services import user_get_or_create_for_invitation
from ccpor_onboard.lib.emails import templated_message
from courts.access import ccpor_staff_users
from courts.models import Court, Membership
from courts.services import membership_add

from . import outbox, reach, selectors
from .answer_links import answer_urls
from .models import (
    ALWAYS_IMMEDIATE,
    CourtVisit,
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

# Two page views closer together than this are one visit: "What changed" keeps
# listing the same changes while the person works, instead of emptying on reload.
VISIT_GAP = datetime.timedelta(minutes=30)
# A view this soon after the last recorded one is not written down: the visit's end
# moves by a minute at most, and a page read again and again (a reload, a return
# from an item) costs no write and no commit.
VISIT_RESOLUTION = datetime.timedelta(minutes=1)


def absolute_link(link: str) -> str:
    """A path on the site as an absolute URL where the app runs (SITE_URL)."""
    return (
        link if link.startswith(("http://", "https://")) else settings.SITE_URL + link
    )


def _may_see_court(users: dict[int, object], court: Court) -> set[int]:
    """Which of these people may see the court: its members and CCPOR staff."""
    ids = list(users)
    members = set(
        Membership.objects.filter(court=court, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    return members | set(_staff_ids(ids))


def _staff_ids(user_ids: Iterable[int]) -> list[int]:
    return list(
        ccpor_staff_users().filter(pk__in=list(user_ids)).values_list("pk", flat=True)
    )


def notify(
    *,
    kind: str,
    court: Court,
    subject: str,
    link: str,
    recipients: Iterable = (),
    text: str = "",
    by=None,
    data: dict | None = None,
    team: bool = False,
    internal_only: bool = False,
    about=None,
    still_if: dict | None = None,
    void_if: dict | None = None,
) -> list[Notification]:
    """Queue a notification of `kind` about `court` for each recipient; the mail is
    sent once the caller's transaction commits, batched with the person's other
    notifications of the next few minutes.

    What the mail shows comes from the caller: `subject` (one line), `text` (the
    comment, the reason...), `link` (a path on the site, or an absolute URL), `data`
    (whatever the kind's template shows besides). Promises:
    - the author of the change (`by`) is never notified of it;
    - only people who may see the court (its members, CCPOR staff) are notified,
      and only CCPOR staff about an `internal_only` item (or an `about` object,
      the item it is about, whose `internal_only` is true);
    - each is checked again when it is sent (notifications.reach): someone who has
      lost access to the court, or to `about` since it became internal-only, is not
      mailed;
    - what it says is checked again when it is sent: with `still_if` (a filter on
      `about`, e.g. {"status": "blocked"}) it is dropped once `about` no longer
      matches; with `void_if` ({"model": "app.Model", "filter": {...}, "says":
      why}) once such a row exists (the sign-off it asks for has been given);
    - inactive people and people without an e-mail address are left out;
    - each person's choice for the kind applies (immediately, in the weekly digest,
      never), except for the kinds in ALWAYS_IMMEDIATE;
    - `team` also reaches the CCPOR Team: its shared mailbox (CCPOR_TEAM_EMAIL),
      or every CCPOR staff member when no mailbox is configured.
    Returns the queued notifications.
    """
    kind = Kind(kind)
    internal_only = internal_only or bool(getattr(about, "internal_only", False))
    by_pk = getattr(by, "pk", None)
    users = {
        u.pk: u
        for u in recipients
        if u is not None and u.pk != by_pk and u.is_active and u.email
    }
    if team and not settings.CCPOR_TEAM_EMAIL:
        users.update(
            {u.pk: u for u in ccpor_staff_users().exclude(pk=by_pk).exclude(email="")}
        )
    if users:
        allowed = (
            set(_staff_ids(users)) if internal_only else _may_see_court(users, court)
        )
        users = {pk: u for pk, u in users.items() if pk in allowed}
    if kind in ALWAYS_IMMEDIATE:
        deliveries = dict.fromkeys(users, Delivery.IMMEDIATE)
    else:
        deliveries = selectors.deliveries_for(kind, users)
    common = {
        "kind": kind,
        "court": court,
        "by": by,
        "subject": subject[:300],
        "text": text[: Notification._meta.get_field("text").max_length],
        "url": absolute_link(link),
        "data": {
            **(data or {}),
            **({"still_if": still_if} if still_if else {}),
            **({"void_if": void_if} if void_if else {}),
        },
        "about": about,
    }
    rows = [
        Notification(recipient=u, address=u.email, delivery=deliveries[pk], **common)
        for pk, u in users.items()
        if deliveries[pk] != Delivery.NEVER
    ]
    mailbox = settings.CCPOR_TEAM_EMAIL
    if team and mailbox and mailbox.lower() not in {r.address.lower() for r in rows}:
        rows.append(Notification(recipient=None, address=mailbox, **common))
    if not rows:
        return []
    Notification.objects.bulk_create(rows)
    countdown = 0 if kind in ALWAYS_IMMEDIATE else settings.NOTIFICATION_BATCH_SECONDS
    for address in sorted(
        {r.address for r in rows if r.delivery == Delivery.IMMEDIATE}
    ):
        transaction.on_commit(partial(_schedule_batch, address, countdown), robust=True)
    return rows


def _schedule_batch(address: str, countdown: int) -> None:
    """Run the batch task for `address` in `countdown` seconds, unless one is
    already scheduled in this window (it will send this notification too)."""
    from .tasks import send_batch

    if countdown:
        try:
            first = cache.add(f"notifications:batch:{address}", 1, timeout=countdown)
        except Exception:  # noqa: BLE001 - without the cache, schedule anyway
            logger.warning("Cache unavailable; scheduling a batch for %s", address)
            first = True
        if not first:
            return
    send_batch.apply_async(kwargs={"address": address}, countdown=countdown)


# --- Sending --------------------------------------------------------------------


class Outcome:
    SENT = "sent"
    NOTHING = "nothing to send"
    RETRY = "will retry"
    FAILED = "failed"


@dataclass(frozen=True)
class BatchResult:
    address: str
    outcome: str
    count: int = 0
    detail: str = ""


def notifications_settle(*, claim: outbox.Claim | None, sent: bool) -> None:
    """Record the outcome of the digest's mail on the notifications it claimed
    (`notifications_claim_digest`): sent with it; or, when it was not sent, back to
    pending for the next digest (whatever became of the digest itself)."""
    if claim is not None:
        status = Notification.Status.SENT if sent else Notification.Status.PENDING
        claim.settle(status=status, error="")


def _add_set_password_links(rows: list[Notification]) -> None:
    """Give each invitation to a new account that has never signed in its one-time
    link to set a password (`set_password_url`, on the row in memory only). Made as
    the mail is sent and stored nowhere: the row keeps the court's address, so
    neither the outbox nor the admin holds a working link."""
    for row in rows:
        recipient = row.recipient
        if (
            row.kind == Kind.INVITATION
            and row.data.get("new_account")
            and recipient is not None
            and recipient.last_login is None
        ):
            row.set_password_url = absolute_link(set_password_path(recipient))


def _add_answer_links(rows: list[Notification]) -> None:
    """Give each notification about an item its recipient may answer from the mail
    (`answerable_by`: its owner, as the service that notified says) its one-click links
    (`answer_links`, on the row in memory only: made as the mail is sent, stored
    nowhere, working for this recipient only)."""
    wanted = [
        row
        for row in rows
        if row.recipient_id is not None
        and row.about_id is not None
        and row.recipient_id in (row.data or {}).get("answerable_by", ())
        and not row.recipient.is_staff
    ]
    # Never for CCPOR staff: they act on the site, behind its second factor.
    staff = set(_staff_ids({row.recipient_id for row in wanted})) if wanted else set()
    for row in wanted:
        if row.recipient_id not in staff:
            row.answer_links = answer_urls(user=row.recipient, item_id=row.about_id)


def batch_context(rows: list[Notification]) -> dict:
    """What the batch mail shows: the notifications grouped by court."""
    _add_set_password_links(rows)
    _add_answer_links(rows)
    courts: dict[int, dict] = {}
    for row in rows:
        courts.setdefault(row.court_id, {"court": row.court, "notifications": []})[
            "notifications"
        ].append(row)
    recipient = rows[0].recipient
    return {
        "recipient": recipient,
        "is_team": recipient is None,
        "notifications": rows,
        "count": len(rows),
        "courts": list(courts.values()),
        "profile_url": settings.SITE_URL + reverse("portal:profile"),
        "answer_links_days": (
            settings.EMAIL_ANSWER_LINK_DAYS
            if any(hasattr(row, "answer_links") for row in rows)
            else 0
        ),
    }


def batch_message(rows: list[Notification]) -> EmailMultiAlternatives:
    """One mail with every notification of a batch, to their address."""
    return templated_message(
        "notifications", batch_context(rows), to=[rows[0].address], cc=[]
    )


def notifications_send_batch(*, address: str, claim_token: str = "") -> BatchResult:
    """Send, in one mail, every immediate notification pending for this address.

    Claims them first (see the module's docstring), so that a notification is sent
    once however many tasks or commands run at the same time, then drops those the
    person may no longer be told (notifications.reach: skipped, with the reason).
    A mail-server error puts them back for a retry (Outcome.RETRY) until
    MAX_SEND_ATTEMPTS; any other error fails them, with the error kept on each row.
    `claim_token` names the claim (the task id, so that a redelivered task resumes
    it); a random one by default.
    """
    token = claim_token or outbox.new_claim_token()
    delivery = outbox.deliver(
        Notification.objects.filter(address=address, delivery=Delivery.IMMEDIATE),
        token=token,
        target=f"notifications to {address}",
        load=lambda claimed: reach.drop_unreachable(_batch_rows(claimed), token=token),
        send=_send_batch_mail,
    )
    if delivery.attempt is None or not delivery.loaded:
        return BatchResult(address, Outcome.NOTHING)
    count = len(delivery.loaded)
    if delivery.sent:
        return BatchResult(address, Outcome.SENT, count)
    outcome = Outcome.RETRY if delivery.retry_later else Outcome.FAILED
    return BatchResult(address, outcome, count, delivery.attempt.recorded_error)


def _send_batch_mail(rows: list[Notification]) -> int:
    if not rows:
        raise outbox.NothingToSend("Nobody may still be told any of it.")
    return batch_message(rows).send()


def _batch_rows(claimed: QuerySet) -> list[Notification]:
    return list(
        claimed.select_related("court", "by", "recipient").order_by(
            "court__name", "created_at", "id"
        )
    )


def notifications_send_pending(
    *, everything: bool = False, claim_token: str = ""
) -> list[BatchResult]:
    """Send the batches that are due: each address whose oldest pending immediate
    notification has waited NOTIFICATION_BATCH_SECONDS (its task was lost or is
    late), or, with `everything`, every address with one pending now. Each batch
    goes through `notifications_send_batch`, the function the task runs, under
    this run's `claim_token` (the task id: a redelivered sweep resumes its claims).
    """
    token = claim_token or outbox.new_claim_token()
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.NOTIFICATION_BATCH_SECONDS)
    addresses = (
        Notification.objects.filter(
            outbox.claimable(now, token), delivery=Delivery.IMMEDIATE
        )
        .values("address")
        .annotate(oldest=Min("created_at"))
        .order_by("address")
    )
    if not everything:
        addresses = addresses.filter(oldest__lte=cutoff)
    return [
        notifications_send_batch(address=row["address"], claim_token=token)
        for row in list(addresses)
    ]


def notifications_claim_digest(
    *, user, claim_token: str
) -> tuple[outbox.Claim | None, list[Notification]]:
    """Take the person's pending digest notifications for the weekly digest that is
    being sent, under the digest's own claim token (the caller has claimed the
    digest itself with it, so that a redelivered digest resumes both). Those the
    person may no longer be told are dropped (notifications.reach) and left out of
    what is returned. Settle the claim with `notifications_settle` once the mail is
    sent or has failed."""
    claim = outbox.take(
        Notification.objects.filter(recipient=user, delivery=Delivery.DIGEST),
        token=claim_token,
    )
    if claim is None:
        return None, []
    return claim, reach.drop_unreachable(_batch_rows(claim.rows), token=claim_token)


# --- Each person's choices ------------------------------------------------------


@transaction.atomic
def notification_preferences_set(*, user, choices: dict[str, str]) -> None:
    """Record how the person wants each kind of notification (kinds left out keep
    their current choice). ValidationError for a kind that cannot be chosen (an
    invitation is always sent) or a delivery that does not exist."""
    errors = {}
    for kind, delivery in choices.items():
        if kind not in Kind.values or kind in ALWAYS_IMMEDIATE:
            errors[kind] = f"“{kind}” is not a notification one can choose."
        elif delivery not in Delivery.values:
            errors[kind] = f"“{delivery}” is not a way to be notified."
    if errors:
        raise ValidationError(errors)
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=user, kind=kind, delivery=delivery)
            for kind, delivery in choices.items()
        ],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["delivery", "updated_at"],
    )


# --- Court visits ("What changed") -------------------------------------------


def court_visit_record(*, user, court: Court, at: datetime.datetime):
    """Record that the person opened the court's page at `at`; return the time from
    which "What changed" lists changes (the end of their previous visit), or None on
    a first visit. Views within VISIT_GAP of each other count as one visit. Two
    queries (one when the last view was recorded less than VISIT_RESOLUTION ago)."""
    visit = (
        CourtVisit.objects.filter(user=user, court=court)
        .values("pk", "seen_at", "since")
        .first()
    )
    if visit is None:
        CourtVisit.objects.bulk_create(
            [CourtVisit(user=user, court=court, seen_at=at)], ignore_conflicts=True
        )
        return None
    since = visit["seen_at"] if at - visit["seen_at"] > VISIT_GAP else visit["since"]
    if at - visit["seen_at"] >= VISIT_RESOLUTION:
        CourtVisit.objects.filter(pk=visit["pk"]).update(seen_at=at, since=since)
    return since


# --- Invitations ----------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    membership: Membership
    created: bool  # a new account, which sets its password through the link


def set_password_path(user) -> str:
    """The one-time link (Django's password reset machinery) that lets a person set
    their password; it stops working once the password is set."""
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def person_invite(
    *,
    court: Court,
    email: str,
    first_name: str,
    last_name: str,
    organisation: str,
    role: str,
    by,
) -> Invitation:
    """Invite a person to a court's onboarding: the membership exists at once, and
    the person is e-mailed at once (whatever their choices).

    A new address gets a new account and a one-time link to set its password (made
    when the mail is sent, never stored: the notification keeps the court's
    address); an address that already has an account just gets the membership (and
    a mail saying so, with a link to the court). ValidationError if the person is
    already a member of the court (also when two invitations race), or the address
    is shared by several accounts.
    """
    with transaction.atomic():
        user, created = user_get_or_create_for_invitation(
            email=email, first_name=first_name, last_name=last_name
        )
        membership = membership_add(
            court=court, user=user, organisation=organisation, role=role
        )
        notify(
            kind=Kind.INVITATION,
            court=court,
            recipients=[user],
            by=by,
            subject=f"You are invited to {court.everyday_name}'s CCPOR onboarding",
            link=court.get_absolute_url(),
            data={
                "new_account": created,
                "username": user.get_username(),
                "organisation": membership.get_organisation_display(),
                "role": membership.get_role_display(),
                "court_url": settings.SITE_URL + court.get_absolute_url(),
                "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            },
        )
    return Invitation(membership=membership, created=created)
