import datetime
import smtplib

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from checklists import services as checklist_services
from checklists.models import ChecklistItem, Onboarding
from notifications import outbox
from reminders import selectors, services
from reminders.models import SKIP_REASON, ReminderLog, SendStatus, SweepRun
from reminders.services import Outcome, reminders_send_due
from tests.conftest import TODAY
from tests.factories import CourtFactory, days, force_status

pytestmark = pytest.mark.django_db


def logs(onboarding):
    return {
        (row.mark, row.go_live_date): row
        for row in ReminderLog.objects.filter(onboarding=onboarding)
    }


def test_the_60_day_reminder_goes_to_the_court_members_and_the_team(
    court, start, members, today, settings
):
    cast = members(court)
    onboarding = start(court, go_live_in=55)

    result = reminders_send_due(today=today)

    assert result.count(Outcome.SENT) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    # Project lead, IT contact, executive officer and SO liaison; not the viewer nor
    # the member without an address; the CCPOR Team in copy.
    assert sorted(message.to) == sorted(
        cast[key].email for key in ("lead", "it", "eo", "so")
    )
    assert message.cc == [settings.CCPOR_TEAM_EMAIL]
    assert "60-day reminder" in message.subject
    assert "Court A" in message.subject
    assert "55 days left" in message.subject
    row = logs(onboarding)[("60-day", onboarding.go_live_date)]
    assert row.status == SendStatus.SENT
    assert row.sent_at is not None
    assert sorted(row.recipients) == sorted(message.to + message.cc)
    assert row.error == ""


def test_the_mail_lists_open_items_by_actor_with_overdue_ones_and_a_link(
    court, start, members, today
):
    members(court)
    onboarding = start(court, go_live_in=25)
    # One item due by the mark is finished: it must not be listed.
    done = onboarding.items.get(order=24)
    ChecklistItem.objects.filter(pk=done.pk).update(status=ChecklistItem.Status.DONE)

    reminders_send_due(today=today)

    message = mail.outbox[0]
    text = message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    # Court, Go-Live date, days left, mark.
    assert "Superior" not in text  # the court of the test is "Court A"
    assert "Court A" in text
    assert "Go-Live:   Sunday, March 29, 2026 (25 days left)" in text
    assert "30-day mark: February 27, 2026" in text
    # Grouped by actor, in the order Court, Sheriff's Office, CCPOR Team, DOJ.
    positions = [
        text.index(f"\n{actor}\n")
        for actor in ("Court", "Sheriff's Office", "CCPOR Team", "DOJ")
    ]
    assert positions == sorted(positions)
    # Due by the mark (Feb 27) and since: overdue, flagged in both parts.
    assert "[OVERDUE] 22. Training plan and schedule issued" in text
    assert "[OVERDUE] 26. Acceptance testing by court and SO" in text
    assert "24. Test Plan issued" not in text  # finished
    assert html.count("Overdue</strong>") == text.count("[OVERDUE]") > 2
    # What comes next, up to Go-Live, not overdue.
    assert "Coming up before Go-Live (Mar 29, 2026)" in text
    assert "  - 27. Acceptance test sign-off\n    due Mar 8, 2026" in text
    assert "[OVERDUE] 27." not in text
    # Absolute links to the court page.
    assert "https://ccpor-onboard.test/courts/court-a/" in text
    assert 'href="https://ccpor-onboard.test/courts/court-a/"' in html


def test_internal_only_items_are_never_listed(court, start, members, today):
    members(court)
    onboarding = start(court, go_live_in=25)
    internal = onboarding.items.get(order=23)
    assert internal.internal_only and internal.is_open
    assert internal.due_date < today + days(1)  # due by the mark: would be listed

    reminders_send_due(today=today)

    message = mail.outbox[0]
    assert internal.title not in message.body
    assert internal.title not in message.alternatives[0][0]


def test_two_sweeps_on_the_same_day_send_one_mail(court, start, members, today):
    members(court)
    start(court, go_live_in=55)

    reminders_send_due(today=today)
    second = reminders_send_due(today=today)

    assert len(mail.outbox) == 1
    assert second.count(Outcome.SENT) == 0
    assert second.count(Outcome.ALREADY) == 1
    assert ReminderLog.objects.count() == 1


def test_both_marks_due_sends_the_30_day_one_and_skips_the_60_day_one(
    court, start, members, today
):
    members(court)
    onboarding = start(court, go_live_in=25)

    result = reminders_send_due(today=today)

    assert len(mail.outbox) == 1
    assert "30-day reminder" in mail.outbox[0].subject
    rows = logs(onboarding)
    assert rows[("30-day", onboarding.go_live_date)].status == SendStatus.SENT
    skipped = rows[("60-day", onboarding.go_live_date)]
    assert skipped.status == SendStatus.SKIPPED
    assert "30-day" in skipped.error
    assert skipped.sent_at is None
    assert result.count(Outcome.SKIPPED) == 1


def test_catch_up_after_downtime_sends_what_is_due_once_and_nothing_sent_before(
    court, start, members, on_day
):
    members(court)
    onboarding = start(court, go_live_in=59)
    reminders_send_due(today=on_day(1))  # the 60-day mark: sent
    assert len(mail.outbox) == 1

    # Workers down for 40 days: the first sweep after that sends the 30-day reminder
    # only, and a second sweep that day nothing.
    reminders_send_due(today=on_day(41))
    reminders_send_due(today=on_day(41))

    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "CCPOR 60-day reminder",
        "CCPOR 30-day reminder",
    ]
    rows = logs(onboarding)
    assert rows[("60-day", onboarding.go_live_date)].status == SendStatus.SENT
    assert rows[("30-day", onboarding.go_live_date)].status == SendStatus.SENT


def test_nothing_is_sent_before_the_first_mark(court, start, members, on_day):
    members(court)
    start(court, go_live_in=61)

    assert reminders_send_due(today=on_day(0)).lines == []
    reminders_send_due(today=on_day(1))  # exactly 60 days before Go-Live: due

    assert len(mail.outbox) == 1


def test_nothing_is_sent_on_or_after_go_live(court, start, members, on_day):
    members(court)
    onboarding = start(court, go_live_in=10)

    reminders_send_due(today=on_day(10))
    reminders_send_due(today=on_day(11))

    assert mail.outbox == []
    assert not ReminderLog.objects.filter(onboarding=onboarding).exists()


def test_rescheduling_re_arms_the_marks(court, start, members, staff_user, on_day):
    members(court)
    onboarding = start(court, go_live_in=55)
    reminders_send_due(today=on_day(0))
    old_date = onboarding.go_live_date

    # Go-Live moves 20 days later: 75 days away, outside every window.
    checklist_services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=old_date + days(20),
        reason="Scanners arrive late.",
        by=staff_user,
        today=on_day(0),
    )
    reminders_send_due(today=on_day(0))
    assert len(mail.outbox) == 1

    # 15 days later the new 60-day mark comes: sent, although it was sent for the old
    # date; then the 30-day mark.
    reminders_send_due(today=on_day(15))
    reminders_send_due(today=on_day(45))

    assert len(mail.outbox) == 3
    assert "goes live May 18, 2026" in mail.outbox[1].subject
    rows = logs(onboarding)
    assert set(rows) == {
        ("60-day", old_date),
        ("60-day", old_date + days(20)),
        ("30-day", old_date + days(20)),
    }
    assert {row.status for row in rows.values()} == {SendStatus.SENT}


def test_moving_go_live_into_the_30_day_window_sends_that_mark_at_the_next_sweep(
    court, start, members, staff_user, on_day
):
    members(court)
    onboarding = start(court, go_live_in=55)
    reminders_send_due(today=on_day(0))

    checklist_services.onboarding_reschedule(
        onboarding=onboarding,
        go_live_date=on_day(20),
        reason="Ready early.",
        by=staff_user,
        today=on_day(0),
    )
    reminders_send_due(today=on_day(0))

    assert len(mail.outbox) == 2
    assert "30-day reminder" in mail.outbox[1].subject
    rows = logs(onboarding)
    assert rows[("30-day", on_day(20))].status == SendStatus.SENT
    assert rows[("60-day", on_day(20))].status == SendStatus.SKIPPED


@pytest.mark.parametrize("status", ["live", "closed", "cancelled"])
def test_onboardings_that_are_not_active_get_nothing(
    court, start, members, staff_user, today, status
):
    members(court)
    onboarding = start(court, go_live_in=25)
    force_status(onboarding, status)
    assert Onboarding.objects.get(pk=onboarding.pk).status == status

    result = reminders_send_due(today=today)

    assert mail.outbox == []
    assert result.lines == []
    assert not ReminderLog.objects.exists()


def test_a_court_with_nobody_to_mail_gets_its_reminder_sent_to_the_team(
    court, other_court, start, members, today, caplog
):
    lonely = start(court, go_live_in=55)  # no members at all
    members(other_court, prefix="b")
    start(other_court, go_live_in=55)

    with caplog.at_level("WARNING", logger="reminders.services"):
        result = reminders_send_due(today=today)

    assert len(mail.outbox) == 2
    team_mail = next(m for m in mail.outbox if m.to == ["ccpor-team@example.org"])
    assert team_mail.cc == []
    assert "FOR THE CCPOR TEAM: Nobody at the court to mail" in team_mail.body
    # The team is offered the invitation, not the admin.
    invite = "https://ccpor-onboard.test/courts/court-a/invite/"
    assert f"Invite the court's people: {invite}" in team_mail.body
    assert f'<a href="{invite}">Invite the court' in team_mail.alternatives[0][0]
    assert "Court A" in team_mail.subject
    row = logs(lonely)[("60-day", lonely.go_live_date)]
    assert row.status == SendStatus.SENT
    assert row.team_only is True
    assert row.recipients == ["ccpor-team@example.org"]
    assert row.error.startswith("Nobody at the court to mail")
    assert "Court A, 60-day mark" in caplog.text
    assert "sent to the CCPOR Team only" in caplog.text
    assert result.count(Outcome.SENT) == 2
    other = ReminderLog.objects.exclude(onboarding=lonely).get()
    assert other.team_only is False


def test_with_nobody_at_the_court_and_no_team_mailbox_the_reminder_fails_and_waits(
    court, start, members, on_day, settings
):
    settings.CCPOR_TEAM_EMAIL = ""
    onboarding = start(court, go_live_in=55)
    reminders_send_due(today=on_day(0))
    row = logs(onboarding)[("60-day", onboarding.go_live_date)]
    assert row.status == SendStatus.FAILED
    assert row.error.startswith("No recipients")

    members(court)
    reminders_send_due(today=on_day(1))
    reminders_send_due(today=on_day(2))

    assert len(mail.outbox) == 1
    row = logs(onboarding)[("60-day", onboarding.go_live_date)]
    assert (row.status, row.team_only, row.error) == (SendStatus.SENT, False, "")


def test_one_broken_reminder_never_stops_the_others(
    court, other_court, start, members, today, monkeypatch
):
    members(court)
    members(other_court, prefix="b")
    broken = start(court, go_live_in=55)
    start(other_court, go_live_in=55)
    real = services.reminder_messages

    def message(due, **kwargs):
        if due.onboarding.pk == broken.pk:
            raise ValueError("template exploded")
        return real(due, **kwargs)

    monkeypatch.setattr(services, "reminder_messages", message)

    result = reminders_send_due(today=today)

    assert len(mail.outbox) == 1
    row = logs(broken)[("60-day", broken.go_live_date)]
    assert row.status == SendStatus.FAILED
    assert "template exploded" in row.error
    assert result.count(Outcome.SENT) == 1


def test_an_smtp_error_leaves_the_reminder_pending_for_a_retry(
    court, start, members, on_day, monkeypatch
):
    members(court)
    onboarding = start(court, go_live_in=55)
    calls = []

    def refuse(self, messages):
        calls.append(messages)
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", refuse
    )
    result = reminders_send_due(today=on_day(0))

    assert result.retry_later
    row = logs(onboarding)[("60-day", onboarding.go_live_date)]
    assert row.status == SendStatus.PENDING
    assert row.attempts == 1
    assert "SMTPServerDisconnected" in row.error

    # The mail server is back: the next sweep (a retry, or tomorrow's) sends it.
    monkeypatch.undo()
    reminders_send_due(today=on_day(1))
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.error) == (SendStatus.SENT, 2, "")


def test_a_claim_held_by_a_live_sweep_is_left_alone(court, start, members, today):
    members(court)
    onboarding = start(court, go_live_in=55)
    row = ReminderLog.objects.create(
        onboarding=onboarding,
        mark="60-day",
        go_live_date=onboarding.go_live_date,
        status=SendStatus.CLAIMED,
        claimed_at=timezone.now() - datetime.timedelta(minutes=1),
        attempts=1,
    )

    result = reminders_send_due(today=today)

    assert mail.outbox == []
    assert result.count(Outcome.TAKEN) == 1
    row.refresh_from_db()
    assert row.status == SendStatus.CLAIMED


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_the_timeout(
    court, start, members, today
):
    members(court)
    onboarding = start(court, go_live_in=55)
    row = ReminderLog.objects.create(
        onboarding=onboarding,
        mark="60-day",
        go_live_date=onboarding.go_live_date,
        status=SendStatus.CLAIMED,
        claimed_at=timezone.now() - outbox.CLAIM_TIMEOUT - datetime.timedelta(1),
        attempts=1,
    )

    reminders_send_due(today=today)

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (SendStatus.SENT, 2)


def test_a_dry_run_sends_and_records_nothing(court, start, members, today):
    members(court)
    start(court, go_live_in=25)
    CourtFactory(name="Court C", slug="court-c")
    start(CourtFactory(name="Court D", slug="court-d"), go_live_in=50)

    result = reminders_send_due(today=today, dry_run=True)

    assert mail.outbox == []
    assert not ReminderLog.objects.exists()
    outcomes = sorted(
        (line.outcome, line.target.split(",")[0]) for line in result.lines
    )
    assert outcomes == [
        (Outcome.WOULD_SEND, "Court A"),
        (Outcome.WOULD_SEND, "Court D"),
        (Outcome.WOULD_SKIP, "Court A"),
    ]
    lonely = next(line for line in result.lines if line.target.startswith("Court D"))
    assert "the CCPOR Team only: nobody at the court to mail" in lonely.detail
    assert not SweepRun.objects.exists()  # a dry run is no heartbeat


@freeze_time("2026-03-04 15:00:00")
def test_sent_at_is_the_time_of_sending(court, start, members, today):
    members(court)
    onboarding = start(court, go_live_in=55)

    reminders_send_due(today=today)

    row = logs(onboarding)[("60-day", onboarding.go_live_date)]
    assert row.sent_at == datetime.datetime(2026, 3, 4, 15, tzinfo=datetime.UTC)


def _claim(row, *, now, token) -> bool:
    """The outbox's claim of this one reminder row: whether it was won."""
    rows = ReminderLog.objects.filter(pk=row.pk)
    return outbox.claim(rows, token=token, now=now) == 1


def _row(onboarding, mark="60-day", **fields):
    return ReminderLog.objects.create(
        onboarding=onboarding, mark=mark, go_live_date=onboarding.go_live_date, **fields
    )


def test_a_reminder_given_up_on_is_not_tried_again(court, start, members, today):
    members(court)
    onboarding = start(court, go_live_in=55)
    _row(onboarding, status=SendStatus.FAILED, attempts=outbox.MAX_SEND_ATTEMPTS)

    result = reminders_send_due(today=today)

    assert mail.outbox == []
    assert [line.outcome for line in result.lines] == [Outcome.ALREADY]


def test_the_open_rows_are_those_of_the_reminders_asked_about(
    court, other_court, start
):
    onboarding = start(court, go_live_in=25)  # both marks have come
    gave_up = _row(onboarding, status=SendStatus.FAILED, attempts=4)
    pending = _row(onboarding, mark="30-day", status=SendStatus.PENDING)
    _row(start(other_court, go_live_in=200), status=SendStatus.PENDING)

    due = selectors.reminders_due(today=TODAY)

    assert {d.onboarding.pk for d in due} == {onboarding.pk}
    assert gave_up.pk not in {r.pk for r in selectors.reminder_logs_open(due).values()}
    assert selectors.reminder_logs_open(due) == {
        (onboarding.pk, "30-day", onboarding.go_live_date): pending
    }


@pytest.mark.parametrize(
    ("age", "taken"),
    [
        (datetime.timedelta(minutes=14, seconds=59), False),
        (datetime.timedelta(minutes=15), False),
        (datetime.timedelta(minutes=15, microseconds=1), True),
    ],
)
def test_a_claim_is_taken_over_once_older_than_15_minutes(court, start, age, taken):
    """The README's promise: a sweep that died is overtaken after 15 minutes (longer
    than the task's hard time limit), and not a moment before."""
    row = _row(start(court, go_live_in=55), status=SendStatus.CLAIMED, attempts=1)
    now = timezone.now()
    ReminderLog.objects.filter(pk=row.pk).update(claimed_at=now - age)
    assert _claim(row, now=now, token="b") is taken


@pytest.mark.parametrize(
    ("status", "attempts"),
    [(SendStatus.SENT, 1), (SendStatus.SKIPPED, 0), (SendStatus.FAILED, 4)],
)
def test_a_finished_reminder_is_never_claimed_again(court, start, status, attempts):
    row = _row(start(court, go_live_in=55), status=status, attempts=attempts)
    now = timezone.now()
    ReminderLog.objects.filter(pk=row.pk).update(
        claimed_at=now - datetime.timedelta(days=1)
    )
    assert not _claim(row, now=now, token="b")
    row.refresh_from_db()
    assert (row.status, row.attempts) == (status, attempts)


def test_a_sweep_overtaken_while_sending_does_not_undo_the_other_sweeps_mail(
    court, start, members, today, monkeypatch
):
    """Sweep A claims, stalls past the timeout; sweep B takes over and sends. When A's
    mail server then fails, A must not put B's sent reminder back to pending."""
    members(court)
    onboarding = start(court, go_live_in=55)

    def overtaken_then_refused(self, messages):
        ReminderLog.objects.filter(onboarding=onboarding).update(
            status=SendStatus.SENT, sent_at=timezone.now()
        )
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        overtaken_then_refused,
    )
    reminders_send_due(today=today)

    row = logs(onboarding)[("60-day", onboarding.go_live_date)]
    assert (row.status, row.error) == (SendStatus.SENT, "")


def test_a_reminder_recorded_as_owed_carries_no_error(
    court, start, members, today, monkeypatch
):
    """Until it is sent, the reminder owed reads as pending (the court page shows
    it), with no reason attached; only the skipped 60-day one says why."""
    members(court)
    onboarding = start(court, go_live_in=25)
    # Another sweep wins every claim: this one leaves the rows as it made them.
    monkeypatch.setattr(outbox, "claim", lambda *args, **kwargs: 0)

    reminders_send_due(today=today)

    rows = logs(onboarding)
    owed = rows[("30-day", onboarding.go_live_date)]
    assert (owed.status, owed.error) == (SendStatus.PENDING, "")
    skipped = rows[("60-day", onboarding.go_live_date)]
    assert (skipped.status, skipped.error) == (SendStatus.SKIPPED, SKIP_REASON)


def test_the_mail_splits_items_at_the_mark_and_at_the_next_one(court, start, today):
    """On the 60-day mark itself: items due that day are due by the mark (not
    "next"), items due on the 30-day mark are next, later ones are left out; and the
    number overdue counts each overdue item once."""
    onboarding = start(court, go_live_in=60)
    [due] = [d for d in selectors.reminders_due(today=today) if d.mark == "60-day"]
    items = selectors.reminder_items([onboarding.pk])[onboarding.pk]

    context = services.reminder_context(due, items=items, today=today)

    by_mark = [i.order for _, its in context["groups"] for i in its]
    upcoming = [i.order for _, its in context["upcoming_groups"] for i in its]
    assert {14, 15, 16} <= set(by_mark) and not {14, 15, 16} & set(upcoming)
    assert 26 in upcoming and 26 not in by_mark  # due on the 30-day mark
    assert not {27, 28} & set(upcoming)  # due after it
    overdue = [i for i in items if i.due_date < today]
    assert overdue and context["overdue_count"] == len(overdue)


def test_a_deactivated_member_gets_no_reminder(court, start, members, today):
    cast = members(court)
    cast["lead"].is_active = False
    cast["lead"].save()
    start(court, go_live_in=55)

    reminders_send_due(today=today)

    [message] = mail.outbox
    assert cast["lead"].email not in message.to
    assert cast["it"].email in message.to


def test_the_reminder_window_is_go_live_after_today_and_at_most_60_days_away(start):
    """Go-Live today or in 61 days: no mark to send; tomorrow or in 60 days: in."""
    for n in (0, 1, 60, 61):
        start(CourtFactory(name=f"In {n}", slug=f"in-{n}"), go_live_in=n)
    window = selectors.onboardings_in_reminder_window(today=TODAY)
    assert [o.court.slug for o in window] == ["in-1", "in-60"]


def test_a_claim_records_when_it_was_taken_so_a_dead_sweep_is_overtaken(court, start):
    row = _row(start(court, go_live_in=55), status=SendStatus.PENDING)
    taken_at = timezone.now() - datetime.timedelta(hours=1)
    assert _claim(row, now=taken_at, token="a")
    row.refresh_from_db()
    # The court page shows an unsent row's last change: here, the claim.
    assert (row.status, row.claimed_at, row.updated_at) == (
        SendStatus.CLAIMED,
        taken_at,
        taken_at,
    )
    # The sweep that claimed it died: a minute later the row is still its...
    assert not _claim(row, now=taken_at + datetime.timedelta(minutes=1), token="b")
    # ...and once the timeout has passed, another sweep takes it over.
    assert _claim(row, now=taken_at + datetime.timedelta(minutes=16), token="b")


def test_recording_an_outcome_touches_that_row_only(
    court, other_court, start, members, today
):
    """Sweep B holds a claim on court B's reminder; this sweep sends court A's and
    records it: court B's row stays B's."""
    members(court)
    members(other_court, prefix="b")
    start(court, go_live_in=55)
    theirs = _row(
        start(other_court, go_live_in=55),
        status=SendStatus.CLAIMED,
        attempts=1,
        claimed_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    result = reminders_send_due(today=today)

    assert result.count(Outcome.SENT) == 1 and result.count(Outcome.TAKEN) == 1
    theirs.refresh_from_db()
    assert (theirs.status, theirs.sent_at) == (SendStatus.CLAIMED, None)


def test_an_outcome_is_recorded_at_the_time_it_happened(
    court, start, members, today, monkeypatch
):
    """A slow mail server: the row's time (shown on the court page for a reminder
    not sent) is when the send failed, not when the sweep claimed it."""
    members(court)
    onboarding = start(court, go_live_in=55)
    with freeze_time("2026-03-04 15:00:00") as clock:

        def slow_then_refused(self, messages):
            clock.tick(datetime.timedelta(minutes=5))
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

        monkeypatch.setattr(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            slow_then_refused,
        )
        reminders_send_due(today=today)

    row = logs(onboarding)[("60-day", onboarding.go_live_date)]
    assert row.status == SendStatus.PENDING
    assert row.updated_at == datetime.datetime(2026, 3, 4, 15, 5, tzinfo=datetime.UTC)


def test_a_60_day_reminder_left_pending_is_skipped_when_the_30_day_mark_comes(
    court, start, members, today
):
    """A sweep recorded the 60-day reminder and died before sending it; by the next
    sweep the 30-day mark has come: the 60-day one is skipped, the 30-day one sent."""
    members(court)
    onboarding = start(court, go_live_in=25)
    stale = _row(onboarding, status=SendStatus.PENDING)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    ReminderLog.objects.filter(pk=stale.pk).update(updated_at=yesterday)

    result = reminders_send_due(today=today)

    [message] = mail.outbox
    assert "30-day reminder" in message.subject
    rows = logs(onboarding)
    assert rows[("30-day", onboarding.go_live_date)].status == SendStatus.SENT
    stale = rows[("60-day", onboarding.go_live_date)]
    assert (stale.status, stale.error) == (SendStatus.SKIPPED, SKIP_REASON)
    assert stale.updated_at > yesterday
    assert result.count(Outcome.SKIPPED) == 1


def test_a_60_day_reminder_left_pending_after_the_30_day_one_went_out_is_skipped(
    court, start, members, today
):
    members(court)
    onboarding = start(court, go_live_in=25)
    stale = _row(onboarding, status=SendStatus.PENDING)
    _row(onboarding, mark="30-day", status=SendStatus.SENT, attempts=1)

    result = reminders_send_due(today=today)

    assert mail.outbox == []
    stale.refresh_from_db()
    assert (stale.status, stale.error) == (SendStatus.SKIPPED, SKIP_REASON)
    assert sorted(line.outcome for line in result.lines) == sorted(
        [Outcome.ALREADY, Outcome.SKIPPED]
    )


def test_a_reminder_sent_meanwhile_by_another_sweep_is_reported_as_taken(
    court, start, members, today, monkeypatch
):
    members(court)
    onboarding = start(court, go_live_in=55)
    read = selectors.reminders_due

    def due_then_the_other_sweep_sends(*, today):
        due = read(today=today)
        _row(onboarding, status=SendStatus.SENT, attempts=1)
        return due

    monkeypatch.setattr(selectors, "reminders_due", due_then_the_other_sweep_sends)

    result = reminders_send_due(today=today)

    assert mail.outbox == []
    assert [(line.outcome, line.detail) for line in result.lines] == [
        (Outcome.TAKEN, "another sweep has already sent it")
    ]


def test_a_catch_up_mail_lists_the_items_that_fell_due_since_the_mark(
    court, start, today
):
    """Sent 15 days after the 60-day mark (the sweep was down): the items due since
    the mark, up to today, are listed with those due by the mark, not as next."""
    onboarding = start(court, go_live_in=45)
    [due] = selectors.reminders_due(today=today)
    assert (due.mark, due.mark_date) == ("60-day", today - days(15))
    items = selectors.reminder_items([onboarding.pk])[onboarding.pk]

    context = services.reminder_context(due, items=items, today=today)

    by_mark = {i.order for _, its in context["groups"] for i in its}
    upcoming = {i.order for _, its in context["upcoming_groups"] for i in its}
    assert {14, 17, 22} <= by_mark  # due on the mark, 10 days ago, today
    assert not {14, 17, 22} & upcoming
