"""The sweep at scale (issue 11): a reminder with nobody to mail is not claimed again
until the court gains a recipient, and the dry run counts items in the database."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.models import ChecklistItem
from reminders import selectors
from reminders.models import ReminderLog, SendStatus
from reminders.services import (
    NO_RECIPIENTS,
    Outcome,
    reminder_context,
    reminders_send_due,
)
from tests.factories import CourtFactory

pytestmark = pytest.mark.django_db


def test_nobody_to_mail_is_not_claimed_again_until_someone_is(
    court, start, members, today, settings
):
    settings.CCPOR_TEAM_EMAIL = ""  # no team mailbox to fall back on
    onboarding = start(court, go_live_in=55)
    first = reminders_send_due(today=today)
    assert first.count(Outcome.FAILED) == 1 and mail.outbox == []
    row = ReminderLog.objects.get(onboarding=onboarding)
    assert (row.status, row.error, row.attempts) == (
        SendStatus.FAILED,
        NO_RECIPIENTS,
        0,
    )
    before = (row.status, row.attempts, row.claimed_at, row.updated_at)

    # The next sweeps see the same: the row is not claimed (nor written) again.
    with CaptureQueriesContext(connection) as queries:
        again = reminders_send_due(today=today)
    assert again.count(Outcome.FAILED) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_at, row.updated_at) == before
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]

    # Once the court has someone to mail, the next sweep sends it.
    members(court)
    last = reminders_send_due(today=today)
    assert last.count(Outcome.SENT) == 1 and len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (SendStatus.SENT, 1)


@pytest.mark.parametrize("go_live_in", [55, 45, 25, 10])
def test_the_dry_run_counts_what_the_mail_would_list(start, members, today, go_live_in):
    court = CourtFactory(name="Counted", slug="counted")
    members(court)
    onboarding = start(court, go_live_in=go_live_in)
    # Some finished, one internal-only (never in a mail), some overdue.
    onboarding.items.filter(order__in=[1, 2, 3]).update(status="done")
    onboarding.items.filter(order=23).update(internal_only=True)
    [due] = [
        d
        for d in selectors.reminders_due(today=today)
        if d.action == selectors.Action.SEND
    ]
    items = selectors.reminder_items([onboarding.pk])[onboarding.pk]
    expected = reminder_context(due, items=items, today=today)

    counts = selectors.reminder_item_counts([due], today=today)[
        (onboarding.pk, due.mark, onboarding.go_live_date)
    ]
    assert (counts.by_mark, counts.overdue, counts.upcoming) == (
        expected["item_count"],
        expected["overdue_count"],
        expected["upcoming_count"],
    )
    assert expected["item_count"] > 0

    # The dry run itself reads no item.
    read = []
    original = ChecklistItem.from_db

    def counting(*args, **kwargs):
        read.append(1)
        return original(*args, **kwargs)

    ChecklistItem.from_db = counting
    try:
        result = reminders_send_due(today=today, dry_run=True)
    finally:
        ChecklistItem.from_db = original
    assert read == []
    [line] = [line for line in result.lines if line.outcome == Outcome.WOULD_SEND]
    assert f"({expected['overdue_count']} overdue)" in line.detail
