"""End to end: the task goes through the real Redis broker to a real worker process,
which sends the mail (to files) and writes the log row in the test database."""

import pathlib

import pytest

from reminders.models import ReminderLog, SendStatus
from reminders.tasks import send_due_reminders
from tests.factories import CourtFactory

# The worker is another process: it sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_real_worker_sends_the_reminder_and_logs_it(
    celery_worker_process, start, members, today
):
    court = CourtFactory(name="Worker court", slug="worker-court")
    cast = members(court, prefix="w")
    onboarding = start(court, go_live_in=25)
    mail_dir = pathlib.Path(celery_worker_process.mail_dir)
    before = set(mail_dir.iterdir())

    result = send_due_reminders.delay(today=today.isoformat())

    assert result.get(timeout=60) == {"sent": 1, "skipped": 1}
    assert celery_worker_process.poll() is None  # the worker did it, and lives on
    files = set(mail_dir.iterdir()) - before
    assert len(files) == 1
    text = files.pop().read_text()
    assert "Subject: CCPOR 30-day reminder: Worker court goes live" in text
    assert cast["lead"].email in text and cast["so"].email in text
    assert "https://ccpor-onboard.test/courts/worker-court/" in text
    row = ReminderLog.objects.get(onboarding=onboarding, mark="30-day")
    assert row.status == SendStatus.SENT
    assert row.go_live_date == onboarding.go_live_date
    assert cast["lead"].email in row.recipients
    skipped = ReminderLog.objects.get(onboarding=onboarding, mark="60-day")
    assert skipped.status == SendStatus.SKIPPED


def test_a_real_worker_sends_an_expiry_reminder_exactly_once(
    celery_worker_process, members, today
):
    import datetime

    from roster.models import RosterPerson, RosterReminder

    court = CourtFactory(name="Roster court", slug="roster-court")
    cast = members(court, prefix="r")
    RosterPerson.objects.create(
        court=court,
        name="Ann Lee",
        email="ann.lee@example.org",
        organisation="court",
        ccpor_role="query",
        clets_level="ltfa",
        clets_certified_on=today - datetime.timedelta(days=700),
        clets_expires_on=today + datetime.timedelta(days=45),
    )
    mail_dir = pathlib.Path(celery_worker_process.mail_dir)
    before = set(mail_dir.iterdir())

    first = send_due_reminders.delay(today=today.isoformat())
    assert first.get(timeout=60) == {"sent": 1}
    second = send_due_reminders.delay(today=today.isoformat())
    assert second.get(timeout=60) == {}
    files = set(mail_dir.iterdir()) - before
    assert len(files) == 1
    text = files.pop().read_text()
    assert "60-day reminder: Ann Lee's CLETS certification expiry" in text
    assert "ann.lee@example.org" in text and cast["lead"].email in text
    row = RosterReminder.objects.get()
    assert (row.status, row.mark) == (SendStatus.SENT, "60-day")
