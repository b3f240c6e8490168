"""Two sweeps at once on the real PostgreSQL: each reminder is sent once."""

import threading

import pytest
from django.core import mail
from django.db import connections

from notifications import outbox
from reminders import services
from reminders.models import ReminderLog, SendStatus
from reminders.services import Outcome
from tests.factories import CourtFactory

# Committed rows and one connection per thread: a transactional test. Serialized
# rollback brings back the phases and the template of the data migrations.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_together(n, target):
    """Run `target` in n threads released at the same moment; return the results."""
    start_line = threading.Barrier(n, timeout=30)
    results, errors = [None] * n, []

    def run(i):
        try:
            start_line.wait()
            results[i] = target()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_two_racing_sweeps_send_one_mail_per_mark(start, members, today, monkeypatch):
    courts = [CourtFactory(name=f"Race {i}", slug=f"race-{i}") for i in range(4)]
    for i, court in enumerate(courts):
        members(court, prefix=f"r{i}")
    # Two courts at the 60-day mark, two at the 30-day mark (with a skipped 60-day).
    for court, go_live_in in zip(courts, (55, 50, 25, 20), strict=True):
        start(court, go_live_in=go_live_in)

    # Make the race real: both sweeps read what is due, then both reach their first
    # claim at the same moment, so they fight over the same rows.
    at_first_claim = threading.Barrier(2, timeout=30)
    claimed_once = threading.local()
    real_claim = outbox.claim

    def claim(rows, *, token, now):
        if not getattr(claimed_once, "done", False):
            claimed_once.done = True
            at_first_claim.wait()
        return real_claim(rows, token=token, now=now)

    monkeypatch.setattr(outbox, "claim", claim)

    results = run_together(2, lambda: services.reminders_send_due(today=today))

    assert len(mail.outbox) == 4
    subjects = sorted(m.subject.split(":")[1].split(" goes")[0] for m in mail.outbox)
    assert subjects == [" Race 0", " Race 1", " Race 2", " Race 3"]
    assert sum(r.count(Outcome.SENT) for r in results) == 4
    # Each sweep saw every reminder: what one sent, the other found taken.
    assert sum(r.count(Outcome.TAKEN) for r in results) == 4
    statuses = sorted(ReminderLog.objects.values_list("mark", "status"))
    assert statuses == [
        ("30-day", SendStatus.SENT),
        ("30-day", SendStatus.SENT),
        ("60-day", SendStatus.SENT),
        ("60-day", SendStatus.SENT),
        ("60-day", SendStatus.SKIPPED),
        ("60-day", SendStatus.SKIPPED),
    ]
    assert set(ReminderLog.objects.values_list("attempts", flat=True)) <= {0, 1}


def test_many_racing_sweeps_still_send_once(start, members, today):
    court = CourtFactory(name="Crowded", slug="crowded")
    members(court)
    start(court, go_live_in=55)

    run_together(6, lambda: services.reminders_send_due(today=today))

    assert len(mail.outbox) == 1
    row = ReminderLog.objects.get()
    assert (row.status, row.attempts) == (SendStatus.SENT, 1)
