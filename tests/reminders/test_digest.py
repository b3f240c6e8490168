import datetime

import pytest
from django.core import mail
from django.utils import timezone

from checklists.models import ChecklistItem
from courts.models import Membership
from reminders import selectors
from reminders.models import DigestLog, SendStatus
from reminders.selectors import week_start
from reminders.services import Outcome, digest_send_weekly
from tests.factories import (
    CourtFactory,
    MembershipFactory,
    UserFactory,
    cancel_onboarding,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 9)


@pytest.fixture
def two_courts(start, court, other_court):
    """Court A and Court B, both started on TODAY (March 4) with Go-Live on July 4,
    so by MONDAY every item due in the first days is overdue, for every actor."""
    return start(court, go_live_in=122), start(other_court, go_live_in=122)


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_one_mail_per_person_listing_their_organisation_overdue_items_in_each_court(
    two_courts, court, other_court
):
    person = UserFactory(username="both", first_name="Bo")
    MembershipFactory(user=person, court=court, organisation="court")
    MembershipFactory(user=person, court=other_court, organisation="court")

    digest_send_weekly(today=MONDAY)

    [message] = mails_to(person.email)
    assert "overdue item" in message.subject
    body = message.body
    assert "Hello Bo," in body
    assert "Court A (Court)" in body and "Court B (Court)" in body
    # Court items overdue on March 9 (due March 6): item 4, in each court.
    assert body.count("4. Court confirms participation and names a project lead") == 2
    # Not the CCPOR Team's nor the sheriff's items.
    assert "Awareness presentation" not in body  # CCPOR Team, overdue
    assert "https://ccpor-onboard.test/courts/court-a/" in body
    assert "https://ccpor-onboard.test/accounts/profile/" in body
    assert "https://ccpor-onboard.test/courts/court-b/" in message.alternatives[0][0]
    row = DigestLog.objects.get(user=person)
    assert (row.status, row.week_start, row.item_count) == (SendStatus.SENT, MONDAY, 2)


def test_the_sheriffs_liaison_gets_the_sheriffs_items(two_courts, court, today):
    liaison = UserFactory(username="so")
    MembershipFactory(user=liaison, court=court, organisation="so", role="liaison")
    item = two_courts[0].items.get(order=8)  # SO confirms its role, due -100
    ChecklistItem.objects.filter(pk=item.pk).update(
        due_date=today - datetime.timedelta(days=1)
    )

    digest_send_weekly(today=MONDAY)

    [message] = mails_to(liaison.email)
    assert "8. SO confirms its role" in message.body
    assert "4. Court confirms participation" not in message.body


def test_people_who_opted_out_get_no_digest(two_courts, court):
    MembershipFactory(court=court, user__username="in")
    MembershipFactory(court=court, user__username="out", user__weekly_digest=False)

    result = digest_send_weekly(today=MONDAY)

    assert [m.to for m in mail.outbox] == [["in@example.org"]]
    assert result.count(Outcome.SENT) == 1
    assert not DigestLog.objects.filter(user__username="out").exists()


def test_nobody_is_mailed_when_nothing_of_theirs_is_overdue(start, court, today):
    start(court, go_live_in=200)  # first item due in 50 days
    MembershipFactory(court=court)

    assert digest_send_weekly(today=today).lines == []
    assert mail.outbox == []


def test_at_most_one_digest_a_week(two_courts, court):
    MembershipFactory(court=court, user__username="weekly")

    digest_send_weekly(today=MONDAY)
    second = digest_send_weekly(today=MONDAY + datetime.timedelta(days=3))
    assert len(mail.outbox) == 1
    assert second.count(Outcome.ALREADY) == 1

    digest_send_weekly(today=MONDAY + datetime.timedelta(days=7))
    assert len(mail.outbox) == 2
    assert sorted(DigestLog.objects.values_list("week_start", flat=True)) == [
        MONDAY,
        MONDAY + datetime.timedelta(days=7),
    ]


def test_internal_items_and_closed_onboardings_are_left_out(
    two_courts, court, other_court, staff_user
):
    a, b = two_courts
    person = UserFactory(username="both")
    MembershipFactory(user=person, court=court, organisation="court")
    MembershipFactory(user=person, court=other_court, organisation="court")
    cancel_onboarding(b, by=staff_user)
    item = a.items.get(order=4)
    ChecklistItem.objects.filter(pk=item.pk).update(internal_only=True)

    digest_send_weekly(today=MONDAY)

    assert mail.outbox == []  # A's only overdue court item is internal; B cancelled


def test_a_dry_run_sends_and_records_nothing(two_courts, court):
    MembershipFactory(court=court, user__username="dry")

    result = digest_send_weekly(today=MONDAY, dry_run=True)

    assert [line.outcome for line in result.lines] == [Outcome.WOULD_SEND]
    assert "1 overdue item in 1 court" in result.lines[0].detail
    assert mail.outbox == []
    assert not DigestLog.objects.exists()


def test_inactive_people_and_people_without_address_get_nothing(two_courts, court):
    MembershipFactory(court=court, user__username="gone", user__is_active=False)
    MembershipFactory(court=court, user__username="noaddr", user__email="")
    MembershipFactory(court=court, role=Membership.Role.VIEWER, user__username="v")

    digest_send_weekly(today=MONDAY)

    # Viewers get the digest too: it is about their organisation, and they can opt out.
    assert [m.to for m in mail.outbox] == [["v@example.org"]]


def test_the_digest_runs_in_a_fixed_number_of_queries(
    start, today, django_assert_max_num_queries
):
    for i in range(5):
        c = CourtFactory()
        start(c, go_live_in=122)
        MembershipFactory(court=c, user__username=f"p{i}")
    # People (with their courts), overdue items, this week's rows, notifications
    # waiting for the digest, roster people whose certification expires soon, the
    # insert, the rows to send (+ a savepoint pair in tests), then a claim and a
    # result per mail, then earlier weeks' stranded rows (none) and the run's
    # heartbeat.
    with django_assert_max_num_queries(11 + 2 * 5):
        result = digest_send_weekly(today=MONDAY)
    assert result.count(Outcome.SENT) == 5


def test_week_start_is_monday():
    assert week_start(datetime.date(2026, 3, 15)) == MONDAY  # a Sunday
    assert week_start(MONDAY) == MONDAY


def test_a_member_without_an_email_address_gets_no_digest(two_courts, court):
    nomail = UserFactory(username="nomail", email="")
    MembershipFactory(user=nomail, court=court, organisation="court")

    result = digest_send_weekly(today=MONDAY)

    assert result.lines == []
    assert not DigestLog.objects.filter(user=nomail).exists()


def test_a_digest_left_claimed_by_a_dead_worker_is_sent_after_the_timeout(
    two_courts, court
):
    person = MembershipFactory(court=court, user__username="claimed").user
    row = DigestLog.objects.create(
        user=person,
        week_start=MONDAY,
        status=SendStatus.CLAIMED,
        claimed_at=timezone.now() - datetime.timedelta(days=1),
        attempts=1,
    )

    digest_send_weekly(today=MONDAY)

    assert [m.to for m in mail.outbox] == [[person.email]]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (SendStatus.SENT, 2)


def test_a_digest_sent_by_another_sweep_meanwhile_is_not_sent_again(
    two_courts, court, monkeypatch
):
    """Another sweep sends the digest between this one reading who is owed one and
    recording it: this sweep says so and sends nothing."""
    person = MembershipFactory(court=court, user__username="raced").user
    read = selectors.digest_entries

    def entries_then_the_other_sweep_sends(*, today):
        entries = read(today=today)
        DigestLog.objects.create(
            user=person, week_start=MONDAY, status=SendStatus.SENT, attempts=1
        )
        return entries

    monkeypatch.setattr(selectors, "digest_entries", entries_then_the_other_sweep_sends)

    result = digest_send_weekly(today=MONDAY)

    assert mail.outbox == []
    assert [(line.outcome, line.detail) for line in result.lines] == [
        (Outcome.TAKEN, "already sent this week")
    ]


def test_a_digest_recorded_meanwhile_by_another_sweep_is_sent_once(
    two_courts, court, monkeypatch
):
    """Two sweeps both find no row for the week and both record one: the database
    keeps one, the second insert is ignored, and the mail goes out once."""
    person = MembershipFactory(court=court, user__username="twice").user
    read = selectors.digest_entries

    def entries_then_the_other_sweep_records(*, today):
        entries = read(today=today)
        DigestLog.objects.create(user=person, week_start=MONDAY)
        return entries

    monkeypatch.setattr(
        selectors, "digest_entries", entries_then_the_other_sweep_records
    )

    result = digest_send_weekly(today=MONDAY)

    assert [m.to for m in mail.outbox] == [[person.email]]
    assert result.count(Outcome.SENT) == 1
    assert DigestLog.objects.get(user=person).status == SendStatus.SENT


def test_last_weeks_unsent_digest_does_not_stand_in_for_this_weeks(two_courts, court):
    person = MembershipFactory(court=court, user__username="late").user
    this_week = DigestLog.objects.create(user=person, week_start=MONDAY)
    last_week = DigestLog.objects.create(
        user=person, week_start=MONDAY - datetime.timedelta(days=7)
    )

    digest_send_weekly(today=MONDAY)

    assert len(mail.outbox) == 1
    this_week.refresh_from_db()
    last_week.refresh_from_db()
    # This week's row is the one sent; last week's is closed as sent late with it.
    assert (this_week.status, this_week.error) == (SendStatus.SENT, "")
    assert last_week.status == SendStatus.SENT
    assert last_week.error.startswith("Sent late, with the digest of the week of")
