"""Exactly once, with a real worker killed by SIGKILL in the middle of sending.

The worker's mail backend (tests/faults/blocking_mail.py) blocks inside the send, so
the test kills the worker after the mail is claimed and before it leaves. Whoever
runs the message next runs it with the same task id, resumes the claim at once (it
is not "taken by another sweep"), and the mail goes out exactly once: for each kind
of outgoing mail, since they all follow the one outbox protocol.
"""

import os
import signal

import pytest

from ccpor_onboard.celery import app
from golive.models import IncidentMail
from notifications.models import Kind, Notification
from notifications.services import notify
from reminders.models import ReminderLog, SendStatus
from reminders.tasks import send_due_reminders
from tests.factories import CourtFactory, incident_owing_mail

from .conftest import wait_for

# The workers are other processes: they see committed rows only.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def due(start, members):
    """A court whose 60-day reminder is due today."""
    court = CourtFactory(name="Killed court", slug="killed-court")
    members(court, prefix="k")
    return start(court, go_live_in=55)


def _mails(workers) -> list:
    return sorted(workers.mail_dir.glob("*.log"))


def _entered(workers) -> list:
    return sorted(workers.mail_dir.glob("entered-*"))


def _reminder(onboarding, today):
    """(the task's name and arguments, the row, the result the task keeps, the
    mail's subject) for the 60-day reminder that is due."""
    task = ("reminders.send_due_reminders", {"today": today.isoformat()})

    def row():
        return ReminderLog.objects.get(onboarding=onboarding)

    return task, row, {"sent": 1}, "60-day reminder: Killed court"


def _incident_mail(onboarding, today):
    incident = incident_owing_mail(onboarding)
    task = ("golive.send_incident_mail", {"incident_id": incident.pk})

    def row():
        return IncidentMail.objects.get(incident=incident)

    # None: the task keeps no result (only the sweeps' summaries are kept).
    return task, row, None, f"CCPOR incident #{incident.pk} (P3)"


def _notification(onboarding, today):
    lead = onboarding.court.memberships.get(user__username="k-lead").user
    notify(
        kind=Kind.COMMENT,
        court=onboarding.court,
        recipients=[lead],
        subject="A comment on Killed court",
        link="/",
    )
    task = ("notifications.send_batch", {"address": lead.email})

    def row():
        return Notification.objects.get(recipient=lead, kind=Kind.COMMENT)

    return task, row, None, "CCPOR: A comment on Killed court"


# Every kind of outgoing mail, since they all follow the one outbox protocol.
KINDS = (_reminder, _incident_mail, _notification)


def test_a_worker_killed_mid_send_then_a_new_worker_send_each_mail_once(
    workers, due, today
):
    """One worker with a send of each kind in flight (a pool of three processes,
    each blocked inside its send), killed; the next worker sends each once."""
    kinds = [kind(due, today) for kind in KINDS]
    first = workers.start(pool="prefork", concurrency=len(kinds))
    results = [
        app.send_task(name, kwargs=kwargs, queue=workers.queue)
        for (name, kwargs), *_ in kinds
    ]
    wait_for(
        lambda: len(_entered(workers)) == len(kinds),
        timeout=60,
        what="every send to begin",
    )
    rows = [get_row() for _, get_row, _, _ in kinds]
    for row, result in zip(rows, results, strict=True):
        assert (row.status, row.claim_token) == (SendStatus.CLAIMED, result.id)

    os.killpg(first.pid, signal.SIGKILL)  # the whole worker, no goodbye
    first.wait()
    (workers.mail_dir / "release").touch()
    # The messages were never acknowledged: the next worker gets them back (here
    # after a 3 s visibility timeout; 20 minutes in production) and resumes each
    # claim.
    workers.start(pool="solo")

    def all_sent():
        for row in rows:
            row.refresh_from_db()
        return all(row.status == SendStatus.SENT for row in rows)

    wait_for(all_sent, timeout=60, what="every mail to be sent")
    mails = [mail.read_text() for mail in _mails(workers)]
    assert len(mails) == len(kinds)
    for (_, _, returned, subject), row, result in zip(
        kinds, rows, results, strict=True
    ):
        if returned is not None:
            assert result.get(timeout=30) == returned
        assert sum(subject in mail for mail in mails) == 1, subject
        assert (row.attempts, row.claim_token) == (2, result.id)


def test_a_pool_process_killed_mid_send_is_replaced_and_sends_once_at_once(
    workers, due, today
):
    """Only the process running the task dies (as under the out-of-memory killer):
    its parent requeues the message at once (reject_on_worker_lost), no visibility
    timeout (an hour here) is waited for."""
    workers.start(pool="prefork", visibility_timeout=3600)
    result = send_due_reminders.apply_async(
        kwargs={"today": today.isoformat()}, queue=workers.queue
    )
    [entered] = wait_for(lambda: _entered(workers), timeout=60, what="the send")
    child = int(entered.read_text())
    os.kill(child, signal.SIGKILL)
    (workers.mail_dir / "release").touch()  # for the next pool process
    row = ReminderLog.objects.get(onboarding=due)

    def sent():
        row.refresh_from_db()
        return row.status == SendStatus.SENT

    wait_for(sent, timeout=60, what="the reminder to be sent")
    assert len(_mails(workers)) == 1
    assert row.claim_token == result.id and row.attempts == 2
