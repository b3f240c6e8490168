import datetime
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from reminders.models import DigestLog, ReminderLog
from tests.factories import CourtFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_send_reminders_prints_what_it_sent_and_skipped_and_why(
    court, start, members, today
):
    members(court)
    start(court, go_live_in=25)
    start(CourtFactory(name="Court N", slug="court-n"), go_live_in=50)

    out = run("send_reminders", "--today", today.isoformat())

    assert out.splitlines()[0] == "Reminders for 2026-03-04"
    assert "sent     Court A, 30-day mark (Go-Live 2026-03-29): to a-" in out
    assert (
        "skipped  Court A, 60-day mark (Go-Live 2026-03-29): The 30-day mark had "
        "also come" in out
    )
    assert (
        "sent     Court N, 60-day mark (Go-Live 2026-04-23): to ccpor-team@example.org "
        "(Nobody at the court to mail" in out
    )
    assert out.splitlines()[-1] == "Summary: 1 skipped, 2 sent."
    assert len(mail.outbox) == 2

    again = run("send_reminders", "--today", today.isoformat())
    assert "already done  Court A, 30-day mark (Go-Live 2026-03-29): sent earlier" in (
        again
    )
    assert len(mail.outbox) == 2  # nothing more


def test_send_reminders_dry_run_sends_and_records_nothing(court, start, members, today):
    members(court)
    start(court, go_live_in=55)

    out = run("send_reminders", "--today", today.isoformat(), "--dry-run")

    assert "(dry run: nothing sent, nothing recorded)" in out
    assert "would send  Court A, 60-day mark (Go-Live 2026-04-28)" in out
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


def test_send_reminders_says_when_nothing_is_due(today):
    out = run("send_reminders", "--today", today.isoformat())
    assert "Nothing is due." in out
    assert "Summary: nothing to do." in out


def test_a_bad_date_is_refused_with_a_clear_message():
    with pytest.raises(
        CommandError, match="“2026-02-30” is not a date; use YYYY-MM-DD"
    ):
        call_command("send_reminders", "--today", "2026-02-30")


def test_send_digest_sends_the_digest_only(court, start, members):
    members(court)
    start(court, go_live_in=122)  # a court item is overdue on March 9
    MembershipFactory(court=court, user__username="digest-reader")

    out = run("send_digest", "--today", "2026-03-09")

    assert out.splitlines()[0] == "Weekly digest for 2026-03-09"
    assert "sent  digest for digest-reader <digest-reader@example.org>" in out
    assert not ReminderLog.objects.exists()  # no reminder is due, none is sent
    assert DigestLog.objects.filter(user__username="digest-reader").exists()
    assert all("weekly digest" in m.subject for m in mail.outbox)


def test_setup_schedules_creates_the_beat_schedules_at_7_pacific():
    out = run("setup_schedules")

    reminders = PeriodicTask.objects.get(task="reminders.send_due_reminders")
    digest = PeriodicTask.objects.get(task="reminders.send_weekly_digest")
    for task in (reminders, digest):
        assert task.enabled
        assert (task.crontab.hour, task.crontab.minute) == ("7", "0")
        assert str(task.crontab.timezone) == "America/Los_Angeles"
    assert reminders.crontab.day_of_week == "*"
    assert digest.crontab.day_of_week == "mon"
    # The backstops of the notifications and of the incident mail: mail whose own
    # task was lost, every 5 minutes.
    for name in (
        "notifications.send_pending",
        "golive.send_pending_incident_mail",
        "webhooks.send_pending",
    ):
        backstop = PeriodicTask.objects.get(task=name)
        assert (backstop.crontab.minute, backstop.crontab.hour) == ("*/5", "*")
    assert out.count("Created:") == 6  # the five above and the nightly forecast


def test_setup_schedules_is_idempotent_and_keeps_admin_edits():
    run("setup_schedules")
    task = PeriodicTask.objects.get(task="reminders.send_due_reminders")
    # Someone moves it to 06:15 in the admin.
    task.crontab = CrontabSchedule.objects.create(
        minute="15", hour="6", timezone="America/Los_Angeles"
    )
    task.save()

    out = run("setup_schedules")

    assert out.count("Kept:") == 6
    assert PeriodicTask.objects.filter(task__startswith="reminders.").count() == 2
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute) == ("6", "15")

    run("setup_schedules", "--reset")
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute) == ("7", "0")


def test_setup_schedules_takes_a_time_and_refuses_a_bad_one():
    run("setup_schedules", "--reminders-at", "05:30", "--digest-day", "fri")
    reminders = PeriodicTask.objects.get(task="reminders.send_due_reminders")
    digest = PeriodicTask.objects.get(task="reminders.send_weekly_digest")
    assert (reminders.crontab.hour, reminders.crontab.minute) == ("5", "30")
    assert digest.crontab.day_of_week == "fri"
    with pytest.raises(CommandError, match="“7h” is not a time; use HH:MM"):
        call_command("setup_schedules", "--reminders-at", "7h")


def test_the_scheduled_tasks_are_registered_with_celery():
    from ccpor_onboard.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    run("setup_schedules")
    for task in PeriodicTask.objects.all():
        assert task.task in app.tasks


def test_a_digest_run_is_one_per_week_whatever_the_day(court, start):
    start(court, go_live_in=122)
    MembershipFactory(court=court, user__username="reader")
    for day in range(9, 16):  # Monday to Sunday
        run("send_digest", "--today", datetime.date(2026, 3, day).isoformat())
    assert len(mail.outbox) == 1
