"""The claim protocol's building blocks (reminders/services.py), row by row: a claim
or an outcome touches exactly the rows it names and still holds, and says so."""

import datetime

import pytest
from django.utils import timezone

from reminders import services
from reminders.models import ReminderLog, SendStatus
from tests.factories import CourtFactory

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


def test_a_batch_claim_takes_the_rows_asked_for_and_no_other(rows):
    now = timezone.now()
    # Another batch of this sweep took this row at the same moment: not this call's.
    ReminderLog.objects.filter(pk=rows[3].pk).update(
        status=SendStatus.CLAIMED, claim_token=T, claimed_at=now, attempts=1
    )
    won = services._claim_batch(ReminderLog, [rows[0].pk, rows[1].pk], now=now, token=T)
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
    assert services._claim_batch(ReminderLog, pks, now=now, token=T) == {rows[0].pk: 1}


def test_a_sweep_never_claims_again_what_it_has_sent(rows):
    ReminderLog.objects.filter(pk=rows[0].pk).update(
        status=SendStatus.SENT, claim_token=T, claimed_at=timezone.now()
    )
    assert not services._claim(ReminderLog, rows[0].pk, now=timezone.now(), token=T)
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

    services._record(ReminderLog, rows[0].pk, token=T, status=SendStatus.FAILED)
    services._record(ReminderLog, rows[2].pk, token=T, status=SendStatus.FAILED)

    assert _state(rows[0])[0] == SendStatus.FAILED
    assert rows[0].updated_at > earlier
    assert _state(rows[1])[0] == SendStatus.CLAIMED  # another row of the same sweep
    assert _state(rows[2])[0] == SendStatus.SENT  # no longer held: left alone


def test_a_batch_outcome_dates_only_the_sent_rows(rows):
    now = timezone.now()
    services._claim_batch(ReminderLog, [r.pk for r in rows], now=now, token=T)
    services._record_batch(
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
