"""Two senders at once on the real PostgreSQL: each notification is mailed once."""

import threading

import pytest
from django.core import mail

from notifications import outbox, services
from notifications.models import Kind, Notification
from notifications.services import Outcome
from tests.factories import CourtFactory, MembershipFactory
from tests.reminders.test_concurrency import run_together

# Committed rows and one connection per thread: a transactional test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _queue(court, people, n=3):
    for i in range(n):
        services.notify(
            kind=Kind.COMMENT,
            court=court,
            recipients=people,
            subject=f"Change {i}",
            link="/",
        )


def test_two_racing_batches_send_one_mail(monkeypatch):
    court = CourtFactory(name="Race", slug="race")
    person = MembershipFactory(court=court, user__username="racer").user
    _queue(court, [person])

    # Make the race real: both reach their claim at the same moment.
    at_claim = threading.Barrier(2, timeout=30)
    real_claim = outbox.claim

    def claim(rows, *, token, now):
        at_claim.wait()
        return real_claim(rows, token=token, now=now)

    monkeypatch.setattr(outbox, "claim", claim)

    results = run_together(
        2, lambda: services.notifications_send_batch(address="racer@example.org")
    )

    assert sorted(r.outcome for r in results) == [Outcome.NOTHING, Outcome.SENT]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("CCPOR Onboard: 3 updates about")
    assert set(Notification.objects.values_list("status", "attempts")) == {
        (Notification.Status.SENT, 1)
    }


def test_many_racing_sweeps_still_send_each_notification_once():
    court = CourtFactory(name="Crowded", slug="crowded")
    people = [
        MembershipFactory(court=court, user__username=f"c{i}").user for i in range(3)
    ]
    _queue(court, people, n=2)

    run_together(5, lambda: services.notifications_send_pending(everything=True))

    assert sorted(m.to[0] for m in mail.outbox) == [
        "c0@example.org",
        "c1@example.org",
        "c2@example.org",
    ]
    assert all(m.body.count("Change ") == 2 for m in mail.outbox)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
