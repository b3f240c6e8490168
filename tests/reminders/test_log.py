import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from reminders.models import ReminderLog, SendStatus
from reminders.selectors import reminder_log_for_onboarding
from reminders.services import reminders_send_due
from tests.factories import CourtFactory, days

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(court, start, members, today):
    """Court A with a sent 30-day and a skipped 60-day reminder; Court B (no
    members) with a 60-day one sent to the CCPOR Team only; Court C with a failed
    one (as when a mail fails for good)."""
    members(court)
    onboarding = start(court, go_live_in=25)
    lonely = start(CourtFactory(name="Court B", slug="court-b"), go_live_in=50)
    failing = start(CourtFactory(name="Court C", slug="court-c"), go_live_in=51)
    reminders_send_due(today=today)
    ReminderLog.objects.filter(onboarding=failing).update(
        status=SendStatus.FAILED, error="Gave up. SMTPServerDisconnected"
    )
    return onboarding, lonely, failing


def test_the_log_for_an_onboarding_is_its_own_rows_newest_first(
    logged, django_assert_num_queries
):
    onboarding, lonely, failing = logged
    with django_assert_num_queries(1):  # the onboarding's log rows
        rows = list(reminder_log_for_onboarding(onboarding))
    assert {(r.mark, r.status) for r in rows} == {
        ("30-day", SendStatus.SENT),
        ("60-day", SendStatus.SKIPPED),
    }
    assert [r.created_at for r in rows] == sorted(
        (r.created_at for r in rows), reverse=True
    )
    team_only = list(reminder_log_for_onboarding(lonely))[0]
    assert (team_only.status, team_only.team_only) == (SendStatus.SENT, True)
    assert list(reminder_log_for_onboarding(failing))[0].status == SendStatus.FAILED


def test_the_log_include_renders_status_time_and_reason(logged):
    onboarding, lonely, failing = logged

    html = render_to_string(
        "reminders/_log.html",
        {"reminder_log": reminder_log_for_onboarding(onboarding)},
    )
    assert "<caption" in html and 'scope="col"' in html
    assert "30-day mark" in html and "Sent" in html and "5 recipients" in html
    assert "Skipped" in html and "The 30-day mark had also come" in html

    team_only = render_to_string(
        "reminders/_log.html", {"reminder_log": reminder_log_for_onboarding(lonely)}
    )
    assert "Sent" in team_only
    assert "To the CCPOR Team only: nobody at the court to mail" in team_only
    failed = render_to_string(
        "reminders/_log.html", {"reminder_log": reminder_log_for_onboarding(failing)}
    )
    assert "Failed" in failed and "Gave up" in failed

    empty = render_to_string("reminders/_log.html", {"reminder_log": []})
    assert "No reminder has been due yet" in empty


def test_a_team_only_row_offers_the_team_an_invitation(
    client, logged, staff_user, frozen_today
):
    _, lonely, _ = logged
    client.force_login(staff_user)
    html = client.get(lonely.court.get_absolute_url()).content.decode()
    log = html[html.index('id="reminder-log-heading"') :]
    log = log[: log.index("</section>")]
    invite = reverse("portal:invite", kwargs={"slug": "court-b"})
    assert "nobody at the court to mail" in log
    assert f'<a href="{invite}">Invite the court\'s people</a>' in log


def test_the_admin_lists_the_log(client, superuser, logged):
    client.force_login(superuser)

    response = client.get(reverse("admin:reminders_reminderlog_changelist"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Court A" in html and "Court B" in html
    assert "Gave up" in html and "sent to the CCPOR Team only" in html
    assert (
        client.get(reverse("admin:reminders_digestlog_changelist")).status_code == 200
    )


def test_the_admin_can_re_arm_a_failed_reminder(client, superuser, logged, today):
    _, _, failing = logged
    row = ReminderLog.objects.get(onboarding=failing)
    client.force_login(superuser)

    client.post(
        reverse("admin:reminders_reminderlog_changelist"),
        {"action": "rearm", "_selected_action": [row.pk]},
    )

    row.refresh_from_db()
    assert (row.status, row.attempts) == (SendStatus.PENDING, 0)


def test_the_admin_cannot_add_log_rows_by_hand(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:reminders_reminderlog_add"))
    assert response.status_code == 403


def test_a_mark_that_came_before_the_sweep_ran_is_said_to_be_pending(
    court, start, today
):
    """Between a mark and the next sweep the court page says what is pending, not
    that nothing was due."""
    from reminders.selectors import reminders_awaiting_sweep

    onboarding = start(court, go_live_in=25)  # both marks have come, nothing logged
    pending = reminders_awaiting_sweep(onboarding, [], today=today)
    assert [m.name for m in pending] == ["60-day", "30-day"]
    html = render_to_string(
        "reminders/_log.html", {"reminder_log": [], "reminders_pending": pending}
    )
    assert "The 30-day mark came on" in html
    assert "goes out at the next daily sweep" in html
    assert "only the latest mark" in html
    assert "No reminder has been due yet" not in html
    # Once the sweep has recorded them, nothing is pending.
    reminders_send_due(today=today)
    logs = list(reminder_log_for_onboarding(onboarding))
    assert reminders_awaiting_sweep(onboarding, logs, today=today) == []


def test_nothing_is_pending_before_the_60_day_mark_or_after_go_live(
    court, start, today
):
    from reminders.selectors import reminders_awaiting_sweep

    early = start(court, go_live_in=61)
    assert reminders_awaiting_sweep(early, [], today=today) == []
    assert [
        m.name for m in reminders_awaiting_sweep(early, [], today=today + days(1))
    ] == ["60-day"]
    assert reminders_awaiting_sweep(early, [], today=early.go_live_date) == []
