"""The roster's reminders in the daily sweep: 60 and 30 days before a CLETS
certification or CJIS training expires, once each, to the person and the court's
lead; the quarterly access review's reminder; the weekly digest; dry runs."""

import datetime

import pytest
from django.core import mail

from reminders.models import SweepRun
from reminders.services import digest_send_weekly, reminders_send_due
from roster.models import RosterPerson, RosterReminder
from roster.services import person_mark_left, review_confirm
from tests.factories import force_status

pytestmark = pytest.mark.django_db


def _person(court, days_left, today, **fields):
    return RosterPerson.objects.create(
        court=court,
        name="Ann Lee",
        email="ann@example.org",
        organisation="court",
        ccpor_role="query",
        clets_level="ltfa",
        clets_certified_on=today - datetime.timedelta(days=600),
        clets_expires_on=today + datetime.timedelta(days=days_left),
        **fields,
    )


def _roster_mail():
    return [m for m in mail.outbox if "Ann Lee" in m.subject]


def test_the_60_day_reminder_goes_once_to_the_person_and_the_lead(
    court, court_lead, today
):
    ann = _person(court, 55, today)
    first = reminders_send_due(today=today)
    again = reminders_send_due(today=today + datetime.timedelta(days=1))
    sent = _roster_mail()
    assert len(sent) == 1
    assert sent[0].to == ["ann@example.org", court_lead.email]
    assert "60-day reminder: Ann Lee's CLETS certification expiry" in sent[0].subject
    assert first.count("sent") == 1 and again.count("sent") == 0
    row = RosterReminder.objects.get(person=ann)
    assert (row.mark, row.status, row.due_on) == (
        "60-day",
        "sent",
        ann.clets_expires_on,
    )
    assert SweepRun.objects.filter(kind="reminders").count() == 2


def test_the_30_day_mark_then_a_renewal_rearms_the_marks(court, court_lead, today):
    ann = _person(court, 25, today)
    reminders_send_due(today=today)
    assert "30-day reminder" in _roster_mail()[0].subject
    ann.clets_expires_on = today + datetime.timedelta(days=700)
    ann.save()
    reminders_send_due(today=today + datetime.timedelta(days=650))
    assert len(_roster_mail()) == 2
    assert RosterReminder.objects.filter(person=ann).count() == 2


def test_the_cjis_expiry_is_reminded_too(court, today):
    _person(court, 200, today, cjis_expires_on=today + datetime.timedelta(days=30))
    reminders_send_due(today=today)
    assert [m.subject for m in _roster_mail()] == [
        "CCPOR 30-day reminder: Ann Lee's CJIS security awareness expiry on "
        + f"{today + datetime.timedelta(days=30):%b %-d, %Y}"
    ]


def test_someone_who_left_before_the_send_is_skipped(court, staff_user, today):
    ann = _person(court, 50, today)
    row = RosterReminder.objects.create(
        kind="clets",
        court=court,
        person=ann,
        mark="60-day",
        due_on=ann.clets_expires_on,
    )
    person_mark_left(person=ann, by=staff_user, left_on=today)
    reminders_send_due(today=today)
    row.refresh_from_db()
    assert (row.status, row.error) == (
        "skipped",
        "The person is no longer on the roster.",
    )
    assert _roster_mail() == []


def test_a_dry_run_says_what_it_would_send_and_writes_nothing(court, court_lead, today):
    _person(court, 55, today)
    result = reminders_send_due(today=today, dry_run=True)
    assert [line.outcome for line in result.lines] == ["would send"]
    assert f"to ann@example.org, {court_lead.email}" in result.lines[0].detail
    assert not RosterReminder.objects.exists() and mail.outbox == []


def test_a_closed_out_court_is_reminded_of_its_quarterly_review(
    court, court_lead, start, today
):
    onboarding = start(court)
    force_status(onboarding, "closed")
    onboarding.went_live_on = today - datetime.timedelta(days=60)
    onboarding.save(update_fields=["went_live_on"])
    ann = _person(court, 400, today)
    reminders_send_due(today=today)  # March 4th: the quarter ends in 27 days
    review = [m for m in mail.outbox if "access review" in m.subject]
    assert len(review) == 1 and review[0].to == [court_lead.email]
    review_confirm(person=ann, by=court_lead, still_needs_access=True, today=today)
    reminders_send_due(today=today + datetime.timedelta(days=1))
    assert len([m for m in mail.outbox if "access review" in m.subject]) == 1


def test_a_live_court_with_nobody_on_its_roster_owes_no_review(
    court, court_lead, start, today
):
    onboarding = start(court)
    force_status(onboarding, "closed")
    onboarding.went_live_on = today - datetime.timedelta(days=60)
    onboarding.save(update_fields=["went_live_on"])

    def reviews():
        result = reminders_send_due(today=today, dry_run=True)
        return [line for line in result.lines if "access review" in line.target]

    assert reviews() == []  # nobody listed
    gone = _person(court, 400, today, left_on=today - datetime.timedelta(days=5))
    assert reviews() == []  # only a leaver
    gone.left_on = None
    gone.save(update_fields=["left_on"])
    assert [line.outcome for line in reviews()] == ["would send"]


def test_the_weekly_digest_lists_expiring_certifications(court, court_lead, today):
    _person(court, 20, today)
    digest_send_weekly(today=today)
    (digest,) = [m for m in mail.outbox if court_lead.email in m.to]
    assert "Ann Lee · CLETS expires" in digest.body


def test_the_roster_part_of_a_dry_run_costs_the_same_for_more_courts(today):
    """A lead's address and a court's name are read for all reminders at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CourtFactory, MembershipFactory

    def add_court(n):
        court = CourtFactory(name=f"Court {n}", slug=f"court-{n}")
        MembershipFactory(court=court, role="project_lead", organisation="court")
        _person(court, 55, today)

    def statements():
        with CaptureQueriesContext(connection) as run:
            result = reminders_send_due(today=today, dry_run=True)
        return len(run), result

    add_court(1)
    few, result = statements()
    for n in range(2, 7):
        add_court(n)
    many, result = statements()
    assert [line.outcome for line in result.lines].count("would send") == 6
    assert many == few
