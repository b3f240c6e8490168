"""The outbox protocol (notifications/outbox.py) that every mail follows.

Its building blocks, row by row (on reminder rows, one of its tables): a claim or an
outcome touches exactly the rows it names and still holds, and says so. Then the
three kinds of outgoing mail (reminders, incident mail, notifications), each run
through its own sender and task: one back-off, one MAX_SEND_ATTEMPTS, one claim
timeout, and a claim left by a dead worker resumed exactly once.
"""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import User
from golive import emails as golive_emails
from golive import tasks as golive_tasks
from golive.models import IncidentMail
from notifications import outbox
from notifications import tasks as notification_tasks
from notifications.models import Kind, Notification
from notifications.services import notifications_send_batch, notify
from reminders import tasks as reminder_tasks
from reminders.models import DigestLog, ReminderLog, SendStatus
from reminders.services import reminders_send_due
from tests.factories import CourtFactory, incident_owing_mail

pytestmark = pytest.mark.django_db

T = "sweep-t"


@pytest.fixture
def rows(start, court):
    """Four reminder rows of four onboardings, pending unless a test says otherwise."""
    made = []
    for n in range(4):
        target = court if n == 0 else CourtFactory(slug=f"claims-{n}")
        onboarding = start(target, go_live_in=55)
        made.append(
            ReminderLog.objects.create(
                onboarding=onboarding,
                mark="60-day",
                go_live_date=onboarding.go_live_date,
            )
        )
    return made


def _state(row):
    row.refresh_from_db()
    return row.status, row.claim_token, row.attempts


def _claim_batch(pks, *, now, token) -> dict[int, int]:
    """Claim these rows at `now`: {pk: attempts} of those this call won."""
    rows = ReminderLog.objects.filter(pk__in=pks)
    outbox.claim(rows, token=token, now=now)
    return dict(outbox.held(rows, token=token, now=now).values_list("pk", "attempts"))


def _rows(*rows):
    return ReminderLog.objects.filter(pk__in=[r.pk for r in rows])


def test_a_batch_claim_takes_the_rows_asked_for_and_no_other(rows):
    now = timezone.now()
    # Another batch of this sweep took this row at the same moment: not this call's.
    ReminderLog.objects.filter(pk=rows[3].pk).update(
        status=SendStatus.CLAIMED, claim_token=T, claimed_at=now, attempts=1
    )
    won = _claim_batch([rows[0].pk, rows[1].pk], now=now, token=T)
    assert won == {rows[0].pk: 1, rows[1].pk: 1}
    assert _state(rows[2]) == (SendStatus.PENDING, "", 0)
    rows[0].refresh_from_db()
    assert (rows[0].claimed_at, rows[0].updated_at) == (now, now)


def test_a_batch_claim_reports_only_what_this_call_took(rows):
    now = timezone.now()
    # Held by another sweep since this very moment: not claimable, not ours.
    ReminderLog.objects.filter(pk=rows[1].pk).update(
        status=SendStatus.CLAIMED, claim_token="other", claimed_at=now
    )
    # Already sent by this sweep at this moment: finished, not won again.
    ReminderLog.objects.filter(pk=rows[2].pk).update(
        status=SendStatus.SENT, claim_token=T, claimed_at=now
    )
    pks = [r.pk for r in rows[:3]]
    assert _claim_batch(pks, now=now, token=T) == {rows[0].pk: 1}


def test_a_sweep_never_claims_again_what_it_has_sent(rows):
    ReminderLog.objects.filter(pk=rows[0].pk).update(
        status=SendStatus.SENT, claim_token=T, claimed_at=timezone.now()
    )
    assert not outbox.claim(_rows(rows[0]), token=T, now=timezone.now())
    assert _state(rows[0]) == (SendStatus.SENT, T, 0)


def test_an_outcome_is_recorded_on_its_row_only_while_this_sweep_holds_it(rows):
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    ReminderLog.objects.filter(pk__in=[r.pk for r in rows[:2]]).update(
        status=SendStatus.CLAIMED, claim_token=T, claimed_at=earlier, updated_at=earlier
    )
    # Taken over and sent by another sweep meanwhile, under this sweep's token.
    ReminderLog.objects.filter(pk=rows[2].pk).update(
        status=SendStatus.SENT, claim_token=T, updated_at=earlier
    )

    outbox.settle(_rows(rows[0]), token=T, status=SendStatus.FAILED)
    outbox.settle(_rows(rows[2]), token=T, status=SendStatus.FAILED)

    assert _state(rows[0])[0] == SendStatus.FAILED
    assert rows[0].updated_at > earlier
    assert _state(rows[1])[0] == SendStatus.CLAIMED  # another row of the same sweep
    assert _state(rows[2])[0] == SendStatus.SENT  # no longer held: left alone


def test_a_batch_outcome_dates_only_the_sent_rows(rows):
    now = timezone.now()
    _claim_batch([r.pk for r in rows], now=now, token=T)
    outbox.settle_each(
        ReminderLog,
        {
            rows[0].pk: {"status": SendStatus.SENT, "recipients": ["a@example.org"]},
            rows[1].pk: {"status": SendStatus.FAILED, "error": "refused"},
            rows[2].pk: {"status": SendStatus.SENT, "recipients": ["c@example.org"]},
            rows[3].pk: {"status": SendStatus.SKIPPED, "error": "nobody"},
        },
        token=T,
    )
    got = {
        r.pk: (r.status, r.recipients, r.sent_at is not None, r.error)
        for r in ReminderLog.objects.all()
    }
    assert got[rows[0].pk] == (SendStatus.SENT, ["a@example.org"], True, "")
    assert got[rows[1].pk] == (SendStatus.FAILED, [], False, "refused")
    assert got[rows[2].pk] == (SendStatus.SENT, ["c@example.org"], True, "")
    assert got[rows[3].pk] == (SendStatus.SKIPPED, [], False, "nobody")


# --- The three kinds of outgoing mail share the protocol ------------------------------


class WorkerDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (not an
    Exception, so that no sender's error handling can catch it)."""


class Reminder:
    """A 60-day reminder, sent by the daily sweep."""

    task = reminder_tasks.send_due_reminders

    def __init__(self, *, start, court, today):
        self.onboarding, self.today = start(court, go_live_in=55), today

    def send(self, token: str) -> None:
        reminders_send_due(today=self.today, claim_token=token)

    def apply(self, **options):
        return self.task.apply(kwargs={"today": self.today.isoformat()}, **options)

    def row(self):
        return ReminderLog.objects.get(onboarding=self.onboarding)


class IncidentNotice:
    """The mail of a new incident (P3: to the court's project lead)."""

    task = golive_tasks.send_incident_mail

    def __init__(self, *, start, court, today):
        self.incident = incident_owing_mail(start(court, go_live_in=55))

    def send(self, token: str) -> None:
        golive_emails.send_incident_mail(self.incident.pk, claim_token=token)

    def apply(self, **options):
        return self.task.apply(args=[self.incident.pk], **options)

    def row(self):
        return IncidentMail.objects.get(incident=self.incident)


class Notice:
    """A notification (a comment on an item the lead owns), sent in its batch."""

    task = notification_tasks.send_batch
    address = "lead-a@example.org"

    def __init__(self, *, start, court, today):
        lead = User.objects.get(email=self.address)
        notify(kind=Kind.COMMENT, court=court, recipients=[lead], subject="A", link="/")

    def send(self, token: str) -> None:
        notifications_send_batch(address=self.address, claim_token=token)

    def apply(self, **options):
        return self.task.apply(kwargs={"address": self.address}, **options)

    def row(self):
        return Notification.objects.get()


@pytest.fixture(
    params=[Reminder, IncidentNotice, Notice], ids=["reminder", "incident", "notice"]
)
def owed(request, start, court, court_lead, today):
    """One mail of each kind, owed to the court's project lead."""
    return request.param(start=start, court=court, today=today)


@pytest.fixture
def mail_server(monkeypatch):
    """The locmem backend, doing what the test says: `refuse` (an SMTP error) every
    send, or `die` (the worker is killed) at the next send only."""
    real = EmailBackend.send_messages
    state = {"calls": 0, "refuse": False, "die": False}

    def send_messages(self, messages):
        state["calls"] += 1
        if state["die"]:
            state["die"] = False
            raise WorkerDied
        if state["refuse"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


def test_every_kind_is_an_outbox_row_sent_by_a_task_of_the_outbox():
    for model in (ReminderLog, DigestLog, IncidentMail, Notification):
        assert issubclass(model, outbox.OutboxRow)
    tasks = [
        reminder_tasks.send_due_reminders,
        reminder_tasks.send_weekly_digest,
        golive_tasks.send_incident_mail,
        golive_tasks.send_pending_incident_mail,
        notification_tasks.send_batch,
        notification_tasks.send_pending,
    ]
    for task in tasks:
        assert (task.acks_late, task.reject_on_worker_lost) == (True, True)
        assert task.max_retries == outbox.MAX_SEND_ATTEMPTS - 1


def test_a_refused_mail_is_retried_with_the_one_back_off_then_given_up(
    owed, mail_server, monkeypatch
):
    countdowns, real_retry = [], owed.task.retry

    def retry(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return real_retry(*args, **kwargs)

    monkeypatch.setattr(owed.task, "retry", retry)
    mail_server["refuse"] = True

    result = owed.apply(task_id="task-1")

    assert result.successful()  # the failure is recorded, not raised
    assert countdowns == [60, 120, 240]
    assert countdowns == [outbox.retry_countdown(n) for n in range(3)]
    assert mail_server["calls"] == outbox.MAX_SEND_ATTEMPTS == 4
    row = owed.row()
    # Every retry of the task resumed the claim under its id.
    assert (row.status, row.attempts, row.claim_token) == ("failed", 4, "task-1")
    assert row.error.startswith("Gave up. Attempt 4 of 4: SMTPServerDisconnected")
    assert mail.outbox == []
    # Failed is final: nobody claims it again.
    mail_server["refuse"] = False
    owed.send("task-2")
    assert mail_server["calls"] == 4 and mail.outbox == []


def test_a_transient_error_then_a_sent_mail(owed, mail_server, monkeypatch):
    """Two refusals, then the mail server takes it: sent once, on the third try."""
    real = EmailBackend.send_messages

    def refuse_twice(self, messages):
        if mail_server["calls"] < 2:
            mail_server["calls"] += 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_twice)

    assert owed.apply(task_id="task-1").successful()

    assert len(mail.outbox) == 1
    row = owed.row()
    assert (row.status, row.attempts, row.error) == ("sent", 3, "")
    assert row.sent_at is not None


def test_a_dead_workers_claim_is_resumed_at_once_by_its_own_task(owed, mail_server):
    mail_server["die"] = True
    with pytest.raises(WorkerDied):
        owed.send("task-1")
    row = owed.row()
    assert (row.status, row.claim_token, row.attempts) == ("claimed", "task-1", 1)

    owed.send("task-2")  # another sender: the claim is fresh, not its to take
    assert mail.outbox == []
    owed.send("task-1")  # the broker hands the task (same id) to the next worker
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.claim_token, row.attempts) == ("sent", "task-1", 2)

    owed.send("task-1")
    owed.send("task-3")
    assert len(mail.outbox) == 1


def test_a_dead_workers_claim_is_taken_over_after_the_one_claim_timeout(
    owed, mail_server
):
    died = datetime.datetime(2026, 3, 4, 15, tzinfo=datetime.UTC)
    mail_server["die"] = True
    with freeze_time(died), pytest.raises(WorkerDied):
        owed.send("task-1")

    with freeze_time(died + outbox.CLAIM_TIMEOUT):  # not a moment before
        owed.send("task-2")
    assert mail.outbox == []
    with freeze_time(died + outbox.CLAIM_TIMEOUT + datetime.timedelta(seconds=1)):
        owed.send("task-2")
    assert len(mail.outbox) == 1
    row = owed.row()
    assert (row.status, row.claim_token, row.attempts) == ("sent", "task-2", 2)

    owed.send("task-1")  # the dead worker's task, redelivered late: nothing left
    assert len(mail.outbox) == 1
