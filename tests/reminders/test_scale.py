"""The sweep over 5,000 onboardings: a fixed number of queries plus the per-mail
claim (and its outcome), and the due query on an index."""

import datetime
import math

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.models import Onboarding
from courts.models import Court, Membership
from reminders.models import ReminderLog, SendStatus
from reminders.selectors import onboardings_in_reminder_window
from reminders.services import SEND_BATCH_SIZE, Outcome, reminders_send_due
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOTAL = 5_000
DUE_60 = 30  # onboardings at the 60-day mark today
DUE_30 = 20  # onboardings at the 30-day mark today (their 60-day one is skipped)


@pytest.fixture
def portfolio(default_template, today):
    """5,000 courts, each with one onboarding: most far from Go-Live, live, closed or
    cancelled; DUE_60 + DUE_30 in a reminder window, each with a project lead."""
    courts = Court.objects.bulk_create(
        Court(name=f"Scale court {i:05d}", slug=f"scale-{i:05d}", district=1)
        for i in range(TOTAL)
    )
    statuses = ["active", "live", "closed", "cancelled"]
    onboardings = []
    for i, court in enumerate(courts):
        if i < DUE_60:
            go_live_in, status = 45, "active"
        elif i < DUE_60 + DUE_30:
            go_live_in, status = 20, "active"
        else:
            # Outside every window, or not active (inside a window or not).
            go_live_in = 61 + i % 300 if i % 2 else i % 60 + 1
            status = "active" if i % 2 else statuses[1 + i % 3]
        onboardings.append(
            Onboarding(
                court=court,
                template=default_template,
                go_live_date=today + datetime.timedelta(days=go_live_in),
                court_enters_carpos=True,
                so_participates=True,
                status=status,
            )
        )
    Onboarding.objects.bulk_create(onboardings)
    lead = UserFactory(username="scale-lead")
    Membership.objects.bulk_create(
        Membership(user=lead, court=court, organisation="court", role="project_lead")
        for court in courts[: DUE_60 + DUE_30]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return courts


def sql_of(context, prefix):
    return [q["sql"] for q in context.captured_queries if q["sql"].startswith(prefix)]


def test_the_sweep_runs_in_fixed_queries_plus_three_per_batch_of_mails(
    portfolio, today
):
    with CaptureQueriesContext(connection) as first:
        result = reminders_send_due(today=today)

    sent = DUE_60 + DUE_30
    assert result.count(Outcome.SENT) == sent == len(mail.outbox)
    assert result.count(Outcome.SKIPPED) == DUE_30
    # Fixed: 1 due onboardings with their log statuses, 2 recipients, 3 which of
    # them are CCPOR staff (no answer links for them), 4 open items, 5 insert of
    # the new log rows, 6 the open rows just inserted; plus a SAVEPOINT and its
    # RELEASE that only exist because the test runs inside a transaction; and at
    # the end the run's heartbeat (SweepRun, read by /healthz). The roster's
    # reminders (reminders.roster_reminders): the people whose certification
    # expires soon, the courts owing their quarterly review (in a quarter's last
    # 30 days, as on March 4th), the roster reminders still open.
    fixed = 6 + 2 + 1 + 3
    # Per batch of SEND_BATCH_SIZE mails: the claims (one conditional UPDATE), the
    # rows it won (read back by claim time and token), then the outcomes (one
    # UPDATE); never a statement per mail.
    batches = math.ceil(sent / SEND_BATCH_SIZE)
    assert batches > 1
    claims = [
        sql
        for sql in sql_of(first, 'UPDATE "reminders_reminderlog"')
        if '"attempts" = ("reminders_reminderlog"."attempts" + 1)' in sql
    ]
    assert len(claims) == batches
    assert len(first) == fixed + 3 * batches

    # The next day's sweep has nothing to send: a single query over all 5,000, the
    # roster's three, and its heartbeat.
    with CaptureQueriesContext(connection) as second:
        again = reminders_send_due(today=today + datetime.timedelta(days=1))
    assert again.count(Outcome.SENT) == 0
    assert len(second) == 2 + 3
    assert ReminderLog.objects.filter(status=SendStatus.SENT).count() == sent


def test_the_due_query_uses_the_indexes(portfolio, today):
    reminders_send_due(today=today)  # some log rows for the subqueries to find
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        # Honest plan on 5,000 rows, with sequential scans discouraged so that the
        # planner shows which index can answer (on a table this small it may prefer
        # to read everything otherwise).
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = onboardings_in_reminder_window(today=today).explain()

    # Active onboardings by Go-Live date: the (status, go_live_date) index.
    assert "onboarding_status_golive" in plan
    # What was already done per mark and Go-Live date: the unique index, on all three
    # of its columns.
    assert "Index Scan using one_reminder_per_onboarding_mark_golive" in plan
    assert "Sort Key: u0" not in plan  # no sorting inside the subqueries
