import smtplib

import pytest
from django.conf import settings
from django.core import mail

from notifications.outbox import MAX_SEND_ATTEMPTS, retry_countdown
from reminders import tasks
from reminders.models import ReminderLog, SendStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def flaky_smtp(monkeypatch):
    """The locmem backend, failing its first `failures` sends like a mail server."""
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages
    state = {"failures": 0, "calls": 0}

    def send_messages(self, messages):
        state["calls"] += 1
        if state["calls"] <= state["failures"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


@pytest.fixture
def countdowns(monkeypatch):
    """The countdown of every retry the task asks for."""
    asked = []
    real = tasks.send_due_reminders.retry

    def retry(*args, **kwargs):
        asked.append(kwargs["countdown"])
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks.send_due_reminders, "retry", retry)
    return asked


def test_the_task_is_acks_late_and_requeued_if_the_worker_is_lost():
    for task in (tasks.send_due_reminders, tasks.send_weekly_digest):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.max_retries == MAX_SEND_ATTEMPTS - 1


def test_no_message_can_be_handed_out_twice_while_it_runs_and_none_waits_an_hour():
    # A retry is a new message (the one that asked for it is acknowledged), held by
    # the worker unacknowledged until its countdown ends, then run for at most the
    # hard time limit: that whole span must end before Redis would hand the message
    # to another worker. And a message whose worker vanished must not wait an hour.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    waits = [retry_countdown(n) for n in range(tasks.send_due_reminders.max_retries)]
    assert waits == sorted(waits) and waits[0] > 0  # backoff
    assert max(waits) + settings.CELERY_TASK_TIME_LIMIT < visibility
    assert visibility <= 30 * 60
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_an_smtp_error_is_retried_with_backoff_then_sent(
    court, start, members, today, flaky_smtp, countdowns
):
    members(court)
    onboarding = start(court, go_live_in=55)
    flaky_smtp["failures"] = 2

    result = tasks.send_due_reminders.apply(kwargs={"today": today.isoformat()})

    assert result.successful()
    assert result.get() == {"sent": 1}
    assert countdowns == [retry_countdown(0), retry_countdown(1)]
    assert len(mail.outbox) == 1
    row = ReminderLog.objects.get(onboarding=onboarding)
    assert (row.status, row.attempts, row.error) == (SendStatus.SENT, 3, "")


def test_an_smtp_error_that_lasts_is_logged_as_failed_after_bounded_retries(
    court, start, members, today, flaky_smtp, countdowns
):
    members(court)
    onboarding = start(court, go_live_in=55)
    flaky_smtp["failures"] = 100

    result = tasks.send_due_reminders.apply(kwargs={"today": today.isoformat()})

    assert result.successful()  # the failure is recorded, not raised
    assert flaky_smtp["calls"] == MAX_SEND_ATTEMPTS
    assert len(countdowns) == MAX_SEND_ATTEMPTS - 1
    assert mail.outbox == []
    row = ReminderLog.objects.get(onboarding=onboarding)
    assert row.status == SendStatus.FAILED
    assert row.attempts == MAX_SEND_ATTEMPTS
    assert row.error.startswith("Gave up. Attempt 4 of 4: SMTPServerDisconnected")

    # Failed is final: tomorrow's sweep does not try again (an admin can re-arm it).
    tasks.send_due_reminders.apply(kwargs={"today": "2026-03-05"})
    assert flaky_smtp["calls"] == MAX_SEND_ATTEMPTS


def test_the_retry_keeps_the_day_of_the_first_run(monkeypatch, countdowns):
    days_seen = []

    def sweep(*, today, dry_run=False, claim_token=""):
        from reminders.services import Outcome, SweepResult

        days_seen.append(today)
        result = SweepResult(today=today)
        if len(days_seen) == 1:
            result.add(Outcome.RETRY, "x", "SMTP down")
        return result

    monkeypatch.setattr(tasks.services, "reminders_send_due", sweep)
    tasks.send_due_reminders.apply(kwargs={"today": "2026-03-04"})

    assert [d.isoformat() for d in days_seen] == ["2026-03-04", "2026-03-04"]


def test_the_digest_task_runs_the_digest_sweep(monkeypatch):
    seen = []

    def sweep(*, today, dry_run=False, claim_token=""):
        from reminders.services import SweepResult

        seen.append((today.isoformat(), claim_token))
        return SweepResult(today=today)

    monkeypatch.setattr(tasks.services, "digest_send_weekly", sweep)
    result = tasks.send_weekly_digest.apply(kwargs={"today": "2026-03-09"})
    assert result.get() == {}
    # The task's id is the sweep's claim token: a redelivery resumes its claims.
    assert seen == [("2026-03-09", result.id)]
