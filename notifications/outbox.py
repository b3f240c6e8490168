"""The one outbox protocol of every mail the product sends: the 60/30-day reminders
and the weekly digest (reminders), an incident's mail (golive), and notifications.

Each mail owed is a row recorded before it is sent; each kind keeps its own table
(`ReminderLog`, `DigestLog`, `IncidentMail`, `Notification`), made of the same
fields (`OutboxRow`), and every sender goes through the functions below:

1. **claim** (`claim`): a conditional UPDATE (claimable → `claimed`) that only one
   process wins for each row; it is committed before the mail leaves, so that a
   racing sender sees it. A claim carries its sender's token (the Celery task id,
   which a redelivered or retried task keeps; a random one for a command run), so
   that a task whose worker died resumes its *own* claims at once. A row claimed
   by any other sender that died is claimable again after CLAIM_TIMEOUT (longer
   than a task's hard time limit, so that a live sender is never overtaken).
2. **send** (`attempt`): a mail-server error (TRANSIENT_ERRORS) leaves the row
   `pending` for a retry until MAX_SEND_ATTEMPTS claims, then `failed` ("Gave
   up."); any other error fails it at once; a mail with nobody to send to is
   recorded as failed without an attempt, and stays open for a later sender.
3. **settle** (`settle`, `settle_each`): the outcome is written only on rows the
   sender still holds (its token, still `claimed`), never over a claim taken from
   it. The task then retries after `retry_countdown` (1, 2, 4 minutes).

`deliver` runs the three steps for one mail. A mail is never lost to a crash, at
the price of a duplicate only if the worker died between the mail server
accepting it and its outcome being written.

Each kind has a sender that finds what a dead or lost task left owed: the daily
reminder sweep, the weekly digest, and the 5-minute backstops of notifications and
incident mail.

One table per kind rather than one physical outbox: each kind's table states what
makes its mail owed once, as a unique constraint (a reminder per onboarding, mark
and Go-Live date; a digest per person and week; a mail per incident), and keys the
rows the way its pages and sweeps read them (the court page's reminder log, a
person's digest notifications). One table would have to give up those constraints
or hold every kind's keys, and would mean moving every existing row; this way the
rows stay where they are (only a notification's claim id became its claim token).
What the kinds share is this protocol and these fields, not a table.
"""

import datetime
import json
import logging
import smtplib
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from celery import Task
from django.db import connection, models, transaction
from django.db.models import Case, F, Max, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ccpor_onboard.lib.bounds import validate_date_in_window

logger = logging.getLogger(__name__)

# Claims of a row before it is recorded as failed (the first try and 3 retries).
MAX_SEND_ATTEMPTS = 4
# A claim older than this belongs to a sender that died: longer than the hard time
# limit of a task (CELERY_TASK_TIME_LIMIT, 10 minutes).
CLAIM_TIMEOUT = datetime.timedelta(minutes=15)
# Errors worth trying again later: the mail server refused or could not be reached.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)
# Seconds before the first retry; doubled for each further one (1, 2, 4 minutes).
RETRY_BACKOFF = 60


class NothingToSend(Exception):
    """Raised by a sender that finds, once it holds a mail, that nothing in it may
    still be sent (notifications.reach): the mail is recorded as skipped, with the
    reason (the exception's text), and never retried."""


def retry_countdown(retries: int) -> int:
    """Seconds to wait before retry number `retries + 1`."""
    return RETRY_BACKOFF * 2**retries


# What every sending task is: acknowledged only once it has run, so that a worker
# that dies leaves the message to another (which resumes the claims with the same
# task id); retried until MAX_SEND_ATTEMPTS sends in all.
TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": MAX_SEND_ATTEMPTS - 1,
}


def retry_later(task: Task, **retry_kwargs) -> None:
    """Raise the task's retry after the back-off, unless its retries are spent."""
    if task.request.retries < task.max_retries:
        raise task.retry(
            countdown=retry_countdown(task.request.retries), **retry_kwargs
        )


class SendStatus(models.TextChoices):
    # Recorded as owed; any sender may claim it (a conditional update only one wins).
    PENDING = "pending", "Pending"
    # Claimed by a sender that is sending it now.
    CLAIMED = "claimed", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class OutboxRow(models.Model):
    """What every row of an outbox holds: the claim and the outcome."""

    Status = SendStatus

    status = models.CharField(
        max_length=10, choices=SendStatus.choices, default=SendStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a sweep claimed it to send."
    )
    claimed_at = models.DateTimeField(
        null=True, blank=True, validators=[validate_date_in_window]
    )
    # Whose claim it is: the Celery task id (a redelivered task resumes its own
    # claim), or a random token per command run.
    claim_token = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, validators=[validate_date_in_window]
    )
    error = models.TextField(
        "reason or error",
        blank=True,
        help_text="Why it was skipped or failed, or the last sending error.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def new_claim_token() -> str:
    """A token for a sender that has no task id (a command, a test)."""
    return uuid.uuid4().hex


# Rows a sender still has work on: not recorded yet, being sent, or failed for want
# of recipients (no sending attempt: tried again by every sender while owed).
OPEN = Q(status__in=(SendStatus.PENDING, SendStatus.CLAIMED)) | Q(
    status=SendStatus.FAILED, attempts=0
)


def is_open(status: str | None, attempts: int | None) -> bool:
    """The Python twin of OPEN, for a row read with its status (None: no row yet)."""
    return status in (None, SendStatus.PENDING, SendStatus.CLAIMED) or (
        status == SendStatus.FAILED and attempts == 0
    )


def claimable(now: datetime.datetime, token: str = "") -> Q:
    """Rows nobody else is working on: pending, failed for want of recipients (never
    attempted), claimed by this very sender (`token`: a redelivered task resuming
    what its dead worker had claimed), or claimed by a sender that died."""
    q = (
        Q(status=SendStatus.PENDING)
        | Q(status=SendStatus.FAILED, attempts=0)
        | Q(status=SendStatus.CLAIMED, claimed_at__lt=now - CLAIM_TIMEOUT)
    )
    if token:
        q |= Q(status=SendStatus.CLAIMED, claim_token=token)
    return q


def claim(rows: QuerySet, *, token: str, now: datetime.datetime) -> int:
    """Take the claimable rows of `rows` for sending, in one conditional UPDATE;
    how many it took. Two callers racing for a row: PostgreSQL re-checks the WHERE
    clause of the second UPDATE once the first commits, so one of them only takes
    it. Each claim is stamped with `now` and the token, so that `held` reads back
    exactly the rows this call took. Run it outside any transaction: the claims
    must be committed before a mail is sent."""
    return rows.filter(claimable(now, token)).update(
        status=SendStatus.CLAIMED,
        claimed_at=now,
        claim_token=token,
        attempts=F("attempts") + 1,
        updated_at=now,
    )


def held(
    rows: QuerySet, *, token: str, now: datetime.datetime | None = None
) -> QuerySet:
    """The rows of `rows` this token holds (those it claimed at `now`, if given)."""
    mine = rows.filter(status=SendStatus.CLAIMED, claim_token=token)
    return mine if now is None else mine.filter(claimed_at=now)


@dataclass(frozen=True)
class Claim:
    """The rows one claim took (`rows`), and the token they are held under."""

    rows: QuerySet
    token: str

    def settle(self, **fields) -> int:
        return settle(self.rows, token=self.token, **fields)


def take(rows: QuerySet, *, token: str) -> Claim | None:
    """`claim` the claimable rows of `rows` now: the claim, or None if it took
    nothing."""
    now = timezone.now()
    if not claim(rows, token=token, now=now):
        return None
    return Claim(held(rows, token=token, now=now), token)


def settle(rows: QuerySet, *, token: str, **fields) -> int:
    """Record an outcome (`status` and what goes with it) on the rows of `rows` that
    this token still holds; a sent row is dated now unless `sent_at` is given."""
    now = timezone.now()
    if fields.get("status") == SendStatus.SENT:
        fields.setdefault("sent_at", now)
    return held(rows, token=token).update(updated_at=now, **fields)


def settle_each(
    model: type[models.Model], outcomes: dict[int, dict], *, token: str
) -> None:
    """`settle` for a batch of rows (by pk), each with its own outcome: one UPDATE
    per kind of outcome (usually one: all sent), setting what those rows share as
    such and their JSON fields (the recipients) row by row (`_each_row`), all
    committed together. A sent row is dated when its batch is recorded (within the
    batch's few seconds of its sending)."""
    if not outcomes:
        return
    now = timezone.now()
    per_row = {f.name for f in model._meta.fields if isinstance(f, models.JSONField)}
    groups: dict[tuple, dict[int, dict]] = {}
    for pk, fields in outcomes.items():
        if fields.get("status") == SendStatus.SENT:
            fields = {"sent_at": now, **fields}
        # Rows share an UPDATE when they share every value but their JSON fields.
        shape = tuple(
            sorted((k, "" if k in per_row else repr(v)) for k, v in fields.items())
        )
        groups.setdefault(shape, {})[pk] = fields
    # Several kinds of outcome: one commit for them all (one flush to disk).
    with transaction.atomic() if len(groups) > 1 else nullcontext():
        for group in groups.values():
            shared = next(iter(group.values()))
            updates = {
                name: (
                    _each_row(model, name, {pk: f[name] for pk, f in group.items()})
                    if name in per_row
                    else value
                )
                for name, value in shared.items()
            }
            held(model.objects.filter(pk__in=list(group)), token=token).update(
                updated_at=now, **updates
            )


def _each_row(model: type[models.Model], name: str, values: dict[int, object]):
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


@dataclass(frozen=True)
class Attempt:
    """What became of one sending of a claimed mail, and what to record for it."""

    status: str  # SENT; PENDING (try again later); FAILED; SKIPPED (NothingToSend)
    error: str = ""
    gave_up: bool = False  # failed on the mail server MAX_SEND_ATTEMPTS times
    unsent: bool = False  # nobody to send to: no sending attempt was made

    @classmethod
    def nobody(cls, reason: str) -> "Attempt":
        """Nothing sent for want of recipients: failed, but not an attempt (its
        `attempts` back to 0), so that the row stays OPEN for a later sender."""
        return cls(SendStatus.FAILED, reason, unsent=True)

    @property
    def sent(self) -> bool:
        return self.status == SendStatus.SENT

    @property
    def retry_later(self) -> bool:
        return self.status == SendStatus.PENDING

    @property
    def recorded_error(self) -> str:
        return f"Gave up. {self.error}" if self.gave_up else self.error

    def fields(self, *, note: str = "", **facts) -> dict:
        """The row's outcome fields: status and error (`note` when sent), plus the
        caller's `facts` about the mail (its recipients, say)."""
        fields = {
            "status": self.status,
            "error": note if self.sent else self.recorded_error,
            **facts,
        }
        if self.unsent:
            fields["attempts"] = 0
        return fields


def attempt(
    send: Callable[[], Any], *, attempts: Callable[[], int], target: str
) -> tuple[Attempt, Any]:
    """Send a claimed mail (`send()`); never raises for a mail that fails, so that
    one broken mail never stops a sender with others to send. `attempts()` says how
    many claims the mail has had (asked only after a mail-server error). Returns
    what became of it and what `send` returned."""
    try:
        value = send()
    except NothingToSend as exc:
        return Attempt(SendStatus.SKIPPED, str(exc)), None
    except TRANSIENT_ERRORS as exc:
        tries = attempts()
        error = f"Attempt {tries} of {MAX_SEND_ATTEMPTS}: {type(exc).__name__}: {exc}"
        logger.warning("Sending %s failed: %s", target, error)
        if tries >= MAX_SEND_ATTEMPTS:
            return Attempt(SendStatus.FAILED, error, gave_up=True), None
        return Attempt(SendStatus.PENDING, error), None
    except Exception as exc:  # noqa: BLE001 - isolate one broken mail from the others
        logger.exception("Sending %s failed", target)
        return Attempt(SendStatus.FAILED, f"{type(exc).__name__}: {exc}"), None
    return Attempt(SendStatus.SENT), value


@dataclass(frozen=True)
class Delivery:
    """What `deliver` did: `attempt` is None when there was nothing to claim
    (another sender holds the mail, or it is done); `loaded` is what was read of
    the claimed rows to build the mail, `value` what sending it returned."""

    attempt: Attempt | None = None
    loaded: Any = None
    value: Any = None

    @property
    def sent(self) -> bool:
        return self.attempt is not None and self.attempt.sent

    @property
    def retry_later(self) -> bool:
        return self.attempt is not None and self.attempt.retry_later


def deliver(
    rows: QuerySet,
    *,
    token: str,
    target: str,
    send: Callable[[Any], Any],
    load: Callable[[QuerySet], Any] | None = None,
    facts: dict | None = None,
) -> Delivery:
    """Claim the claimable rows of `rows` (one mail), send it, record the outcome on
    them: `send(load(claimed rows))` (the claimed rows' queryset itself without
    `load`). `facts` are recorded with the outcome. Never raises for a mail that
    fails; two statements besides what `load` and `send` run (three after a
    mail-server error)."""
    taken = take(rows, token=token)
    if taken is None:
        return Delivery()
    loaded = load(taken.rows) if load else taken.rows
    result, value = attempt(
        lambda: send(loaded),
        attempts=lambda: (
            taken.rows.aggregate(n=Max("attempts"))["n"] or MAX_SEND_ATTEMPTS
        ),
        target=target,
    )
    taken.settle(**result.fields(**(facts or {})))
    return Delivery(result, loaded, value)
