"""Claims under worker death: a sweep run again with the same claim token (a
redelivered task keeps its id) resumes its own claims; anyone else waits for the
claim to go stale; a digest week claimed but never sent is not lost.

The same with a real worker killed by SIGKILL: tests/faults/test_worker_death.py."""

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from freezegun import freeze_time

from notifications import outbox
from reminders.models import DigestLog, ReminderLog, SendStatus, SweepRun
from reminders.services import Outcome, digest_send_weekly, reminders_send_due
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 9)


class WorkerDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs (not an
    Exception, so the sweep's own error handling cannot catch it)."""


@pytest.fixture
def dies_while_sending(monkeypatch):
    """The next send kills the "worker"; later sends go through."""
    real = EmailMultiAlternatives.send
    state = {"deaths": 1}

    def send(self, *args, **kwargs):
        if state["deaths"]:
            state["deaths"] -= 1
            raise WorkerDied
        return real(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    return state


def test_a_redelivered_sweep_resumes_its_own_claim_at_once(
    court, start, members, today, dies_while_sending
):
    members(court)
    onboarding = start(court, go_live_in=55)
    with pytest.raises(WorkerDied):
        reminders_send_due(today=today, claim_token="task-1")
    row = ReminderLog.objects.get(onboarding=onboarding)
    assert (row.status, row.claim_token) == (SendStatus.CLAIMED, "task-1")

    # Another sweep (another token) must not send it while the claim is fresh.
    other = reminders_send_due(today=today, claim_token="task-2")
    assert other.count(Outcome.TAKEN) == 1 and mail.outbox == []

    # The broker hands the same task (same id) to the next worker: it sends.
    again = reminders_send_due(today=today, claim_token="task-1")
    assert again.count(Outcome.SENT) == 1
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == SendStatus.SENT

    # And nobody sends it a second time.
    reminders_send_due(today=today, claim_token="task-1")
    reminders_send_due(today=today, claim_token="task-3")
    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_dead_sweep_is_taken_over_after_the_timeout(
    court, start, members, today, dies_while_sending
):
    members(court)
    start(court, go_live_in=55)
    with freeze_time("2026-03-04 15:00:00"):
        with pytest.raises(WorkerDied):
            reminders_send_due(today=today, claim_token="task-1")
    later = datetime.datetime(2026, 3, 4, 15, tzinfo=datetime.UTC)
    with freeze_time(later + outbox.CLAIM_TIMEOUT + datetime.timedelta(seconds=1)):
        result = reminders_send_due(today=today, claim_token="task-9")
    assert result.count(Outcome.SENT) == 1 and len(mail.outbox) == 1


def test_a_stale_sweep_cannot_record_over_a_claim_taken_from_it(
    court, start, members, today
):
    members(court)
    onboarding = start(court, go_live_in=55)
    reminders_send_due(today=today, dry_run=False, claim_token="t")  # sent
    row = ReminderLog.objects.get(onboarding=onboarding)
    ReminderLog.objects.filter(pk=row.pk).update(
        status=SendStatus.CLAIMED, claim_token="new-owner"
    )
    outbox.settle(
        ReminderLog.objects.filter(pk=row.pk),
        token="old-owner",
        status=SendStatus.FAILED,
    )
    row.refresh_from_db()
    assert (row.status, row.claim_token) == (SendStatus.CLAIMED, "new-owner")


def test_every_finished_sweep_leaves_a_heartbeat(court, start, members, today):
    reminders_send_due(today=today)  # nothing due: still a run
    members(court)
    start(court, go_live_in=55)
    reminders_send_due(today=today)
    runs = list(SweepRun.objects.filter(kind="reminders").order_by("finished_at"))
    assert [r.summary for r in runs] == [{}, {"sent": 1}]
    assert all(r.today == today for r in runs)
    digest_send_weekly(today=MONDAY)
    assert SweepRun.objects.filter(kind="digest", today=MONDAY).exists()


def test_a_sweep_that_dies_leaves_no_heartbeat(
    court, start, members, today, dies_while_sending
):
    members(court)
    start(court, go_live_in=55)
    with pytest.raises(WorkerDied):
        reminders_send_due(today=today)
    assert not SweepRun.objects.exists()


# --- The weekly digest ----------------------------------------------------------


@pytest.fixture
def overdue_member(start, court):
    """A court member with overdue Court items from MONDAY on."""
    start(court, go_live_in=122)
    return MembershipFactory(court=court, organisation="court", user__username="m").user


def test_a_redelivered_digest_resumes_its_own_claim(overdue_member, dies_while_sending):
    with pytest.raises(WorkerDied):
        digest_send_weekly(today=MONDAY, claim_token="digest-1")
    assert digest_send_weekly(today=MONDAY, claim_token="digest-2").count(Outcome.TAKEN)
    result = digest_send_weekly(today=MONDAY, claim_token="digest-1")
    assert result.count(Outcome.SENT) == 1
    assert [m.to for m in mail.outbox] == [[overdue_member.email]]


def test_a_digest_week_claimed_but_never_sent_is_sent_by_the_next_run(
    overdue_member, dies_while_sending
):
    with freeze_time("2026-03-09 15:00:00"), pytest.raises(WorkerDied):
        digest_send_weekly(today=MONDAY, claim_token="week-10")
    # Nobody resumed it that week. The next Monday's run:
    next_monday = MONDAY + datetime.timedelta(days=7)
    with freeze_time("2026-03-16 15:00:00"):
        result = digest_send_weekly(today=next_monday, claim_token="week-11")
    assert len(mail.outbox) == 1  # one mail: today's overdue items
    stranded = DigestLog.objects.get(user=overdue_member, week_start=MONDAY)
    current = DigestLog.objects.get(user=overdue_member, week_start=next_monday)
    assert current.status == SendStatus.SENT
    assert stranded.status == SendStatus.SENT
    assert stranded.sent_at == current.sent_at
    assert stranded.error == "Sent late, with the digest of the week of 2026-03-16."
    assert result.count(Outcome.SENT) == 2


def test_a_stranded_digest_with_nothing_overdue_any_more_is_closed_saying_why(
    overdue_member, dies_while_sending
):
    with freeze_time("2026-03-09 15:00:00"), pytest.raises(WorkerDied):
        digest_send_weekly(today=MONDAY, claim_token="week-10")
    overdue_member.weekly_digest = False  # opted out since: nothing to send them
    overdue_member.save()
    with freeze_time("2026-03-16 15:00:00"):
        digest_send_weekly(today=MONDAY + datetime.timedelta(days=7))
    assert mail.outbox == []
    stranded = DigestLog.objects.get(user=overdue_member, week_start=MONDAY)
    assert stranded.status == SendStatus.SKIPPED
    assert stranded.error.startswith("Nothing overdue for this person any more")


def test_a_fresh_claim_of_an_earlier_week_is_left_to_its_sweep(overdue_member):
    DigestLog.objects.create(
        user=overdue_member,
        week_start=MONDAY,
        status=SendStatus.CLAIMED,
        claim_token="alive",
        claimed_at=datetime.datetime(2026, 3, 16, 14, 59, tzinfo=datetime.UTC),
    )
    with freeze_time("2026-03-16 15:00:00"):
        digest_send_weekly(today=MONDAY + datetime.timedelta(days=7))
    row = DigestLog.objects.get(user=overdue_member, week_start=MONDAY)
    assert row.status == SendStatus.CLAIMED
