"""The outbox: who is notified, each person's choices, batching, the claim, the
command, and court visits."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from notifications import outbox, services
from notifications.models import (
    CourtVisit,
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.services import Outcome, notify
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TEAM = "ccpor-team@example.org"


@pytest.fixture(autouse=True)
def _team_mailbox(settings):
    settings.CCPOR_TEAM_EMAIL = TEAM
    settings.NOTIFICATION_BATCH_SECONDS = 300


def _notify(court, recipients, **kwargs):
    kwargs.setdefault("kind", Kind.COMMENT)
    kwargs.setdefault("subject", "Court A: something happened")
    kwargs.setdefault("link", "/courts/court-a/")
    return notify(court=court, recipients=recipients, **kwargs)


def addresses() -> list[str]:
    return sorted(Notification.objects.values_list("address", flat=True))


# --- Who is notified ------------------------------------------------------------


def test_members_and_staff_are_notified_with_an_absolute_link(
    court, court_lead, staff_user
):
    rows = _notify(court, [court_lead, staff_user], text="Roster attached.")

    assert addresses() == ["lead-a@example.org", "staff@example.org"]
    assert {r.url for r in rows} == {"https://ccpor-onboard.test/courts/court-a/"}
    assert {r.delivery for r in rows} == {Delivery.IMMEDIATE}


def test_the_author_of_a_change_is_never_notified_of_it(court, court_lead, staff_user):
    _notify(court, [court_lead, staff_user], by=court_lead)
    assert addresses() == ["staff@example.org"]


def test_people_who_cannot_see_the_court_are_not_notified(
    court, court_lead, other_lead
):
    stranger = UserFactory(username="stranger")
    _notify(court, [court_lead, other_lead, stranger])
    assert addresses() == ["lead-a@example.org"]


def test_inactive_people_and_people_without_an_address_are_left_out(court):
    gone = MembershipFactory(court=court, user__is_active=False).user
    no_mail = MembershipFactory(court=court, user__email="").user
    assert _notify(court, [gone, no_mail]) == []


def test_about_an_internal_only_item_only_ccpor_staff_are_notified(
    court, court_lead, court_liaison, staff_user
):
    _notify(court, [court_lead, court_liaison, staff_user], internal_only=True)
    assert addresses() == ["staff@example.org"]


def test_team_reaches_the_team_mailbox_once(court, court_lead):
    _notify(court, [court_lead], team=True)
    rows = Notification.objects.order_by("address")
    assert [(r.address, r.recipient) for r in rows] == [
        ("ccpor-team@example.org", None),
        ("lead-a@example.org", court_lead),
    ]


def test_without_a_team_mailbox_team_reaches_every_ccpor_staff_member(
    settings, court, staff_user, superuser, court_lead
):
    settings.CCPOR_TEAM_EMAIL = ""
    _notify(court, [], team=True, by=superuser)
    # The author (a superuser: CCPOR staff too) is left out.
    assert addresses() == ["staff@example.org"]


# --- Each person's choice -------------------------------------------------------


def test_each_persons_choice_per_kind_applies(court):
    never = MembershipFactory(court=court, user__username="never").user
    weekly = MembershipFactory(court=court, user__username="weekly").user
    default = MembershipFactory(court=court, user__username="default").user
    services.notification_preferences_set(
        user=never, choices={Kind.COMMENT: Delivery.NEVER}
    )
    services.notification_preferences_set(
        user=weekly, choices={Kind.COMMENT: Delivery.DIGEST}
    )

    _notify(court, [never, weekly, default])

    assert dict(Notification.objects.values_list("address", "delivery")) == {
        "weekly@example.org": Delivery.DIGEST,
        "default@example.org": Delivery.IMMEDIATE,
    }


def test_a_choice_for_one_kind_leaves_the_others_alone(court):
    person = MembershipFactory(court=court, user__username="p").user
    services.notification_preferences_set(
        user=person, choices={Kind.COMMENT: Delivery.NEVER}
    )
    _notify(court, [person], kind=Kind.GO_LIVE_MOVED)
    assert addresses() == ["p@example.org"]


def test_an_invitation_is_sent_immediately_whatever_the_choice(
    court, scheduled_batches
):
    person = MembershipFactory(court=court, user__username="p").user
    NotificationPreference.objects.create(
        user=person, kind=Kind.INVITATION, delivery=Delivery.NEVER
    )
    rows = _notify(court, [person], kind=Kind.INVITATION)
    assert [r.delivery for r in rows] == [Delivery.IMMEDIATE]


def test_the_invitation_is_not_a_choice_and_nonsense_is_refused(court_lead):
    with pytest.raises(ValidationError) as refused:
        services.notification_preferences_set(
            user=court_lead,
            choices={Kind.INVITATION: Delivery.NEVER, Kind.COMMENT: "sometimes"},
        )
    assert set(refused.value.message_dict) == {"invitation", "comment"}
    assert not NotificationPreference.objects.exists()


# --- Scheduling the batch -------------------------------------------------------


def test_the_batch_is_scheduled_after_commit_a_few_minutes_ahead(
    court, court_lead, scheduled_batches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(court, [court_lead])
    assert scheduled_batches == []  # nothing before the transaction commits
    for callback in callbacks:
        callback()
    assert scheduled_batches == [
        {"kwargs": {"address": "lead-a@example.org"}, "countdown": 300}
    ]


def test_changes_within_the_window_schedule_one_task_per_address(
    court, court_lead, staff_user, scheduled_batches, django_capture_on_commit_callbacks
):
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(court, [court_lead, staff_user])
    assert sorted(c["kwargs"]["address"] for c in scheduled_batches) == [
        "lead-a@example.org",
        "staff@example.org",
    ]


def test_an_invitation_is_scheduled_at_once(
    court, court_lead, scheduled_batches, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(court, [court_lead], kind=Kind.INVITATION)
    assert scheduled_batches == [
        {"kwargs": {"address": "lead-a@example.org"}, "countdown": 0}
    ]


def test_a_digest_notification_schedules_nothing(
    court, court_lead, scheduled_batches, django_capture_on_commit_callbacks
):
    services.notification_preferences_set(
        user=court_lead, choices={Kind.COMMENT: Delivery.DIGEST}
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(court, [court_lead])
    assert scheduled_batches == []


def test_nothing_is_queued_when_the_change_is_rolled_back(court, court_lead):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _notify(court, [court_lead])
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists()


# --- Sending in batches ---------------------------------------------------------


def test_a_batch_is_one_mail_per_address(court, court_lead, staff_user):
    _notify(court, [court_lead], subject="Court A: first", text="one")
    _notify(court, [court_lead, staff_user], subject="Court A: second", text="two")
    _notify(court, [court_lead], subject="Court A: third", text="three")

    result = services.notifications_send_batch(address="lead-a@example.org")

    assert (result.outcome, result.count) == (Outcome.SENT, 3)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lead-a@example.org"]
    assert message.subject == f"CCPOR Onboard: 3 updates about {court.everyday_name}"
    for text in ("Court A: first", "Court A: second", "Court A: third"):
        assert text in message.body
    assert "https://ccpor-onboard.test/courts/court-a/" in message.body
    assert "https://ccpor-onboard.test/accounts/profile/" in message.body
    html = message.alternatives[0][0]
    assert 'href="https://ccpor-onboard.test/courts/court-a/"' in html
    statuses = dict(Notification.objects.values_list("address", "status").distinct())
    # The staff member's notification waits for their own batch.
    assert statuses == {"lead-a@example.org": "sent", "staff@example.org": "pending"}


def test_a_single_notification_is_its_own_subject(court, court_lead):
    _notify(court, [court_lead], subject="Court A: 11. Connectivity is blocked")
    services.notifications_send_batch(address="lead-a@example.org")
    assert mail.outbox[0].subject == "CCPOR: Court A: 11. Connectivity is blocked"
    assert mail.outbox[0].reply_to == [TEAM]


def test_the_team_mailbox_gets_a_copy_of_its_own(court, court_lead):
    _notify(court, [court_lead], team=True)
    services.notifications_send_batch(address=TEAM)
    assert mail.outbox[0].to == [TEAM]
    assert "Hello CCPOR Team" in mail.outbox[0].body
    assert "shared mailbox" in mail.outbox[0].body


def test_a_batch_sends_nothing_twice(court, court_lead):
    _notify(court, [court_lead])
    first = services.notifications_send_batch(address="lead-a@example.org")
    second = services.notifications_send_batch(address="lead-a@example.org")
    assert (first.outcome, second.outcome) == (Outcome.SENT, Outcome.NOTHING)
    assert len(mail.outbox) == 1


def test_digest_notifications_wait_for_the_digest(court, court_lead):
    services.notification_preferences_set(
        user=court_lead, choices={Kind.COMMENT: Delivery.DIGEST}
    )
    _notify(court, [court_lead])
    result = services.notifications_send_batch(address="lead-a@example.org")
    assert result.outcome == Outcome.NOTHING
    assert mail.outbox == []


def test_a_mail_server_error_is_retried_then_recorded(court, court_lead, monkeypatch):
    _notify(court, [court_lead])

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    outcomes = [
        services.notifications_send_batch(address="lead-a@example.org").outcome
        for _ in range(outbox.MAX_SEND_ATTEMPTS)
    ]
    assert outcomes == [Outcome.RETRY] * 3 + [Outcome.FAILED]
    row = Notification.objects.get()
    assert (row.status, row.attempts) == (Notification.Status.FAILED, 4)
    assert "SMTPServerDisconnected" in row.error


def test_another_error_fails_the_batch_at_once(court, court_lead, monkeypatch):
    _notify(court, [court_lead])
    monkeypatch.setattr(
        services, "batch_message", lambda rows: (_ for _ in ()).throw(KeyError("x"))
    )
    result = services.notifications_send_batch(address="lead-a@example.org")
    assert result.outcome == Outcome.FAILED
    assert Notification.objects.get().status == Notification.Status.FAILED


def test_a_claim_left_by_a_dead_worker_is_taken_over(court, court_lead):
    _notify(court, [court_lead])
    long_ago = timezone.now() - outbox.CLAIM_TIMEOUT - datetime.timedelta(minutes=1)
    Notification.objects.update(status=Notification.Status.CLAIMED, claimed_at=long_ago)
    result = services.notifications_send_batch(address="lead-a@example.org")
    assert result.outcome == Outcome.SENT


def test_a_live_claim_is_left_alone(court, court_lead):
    _notify(court, [court_lead])
    Notification.objects.update(
        status=Notification.Status.CLAIMED, claimed_at=timezone.now()
    )
    result = services.notifications_send_batch(address="lead-a@example.org")
    assert result.outcome == Outcome.NOTHING
    assert mail.outbox == []


# --- The sweep and the command --------------------------------------------------


def test_the_sweep_sends_only_batches_that_have_waited(court, court_lead, staff_user):
    with freeze_time(timezone.now() - datetime.timedelta(minutes=10)):
        _notify(court, [court_lead])  # its task was lost, ten minutes ago
    _notify(court, [staff_user])  # its task is still to come

    results = services.notifications_send_pending()

    assert [(r.address, r.outcome) for r in results] == [
        ("lead-a@example.org", Outcome.SENT)
    ]
    assert [m.to for m in mail.outbox] == [["lead-a@example.org"]]


def test_send_notifications_now_sends_everything_pending(court, court_lead, staff_user):
    _notify(court, [court_lead, staff_user], team=True)

    out = __import__("io").StringIO()
    call_command("send_notifications", "--now", stdout=out)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "ccpor-team@example.org",
        "lead-a@example.org",
        "staff@example.org",
    ]
    assert "lead-a@example.org: sent (1 notification)" in out.getvalue()
    assert "3 mails sent." in out.getvalue()
    call_command("send_notifications", "--now", stdout=out)
    assert len(mail.outbox) == 3


def test_send_notifications_without_now_waits_for_the_batching_delay(court, court_lead):
    _notify(court, [court_lead])
    out = __import__("io").StringIO()
    call_command("send_notifications", stdout=out)
    assert mail.outbox == [] and "Nothing to send." in out.getvalue()


def test_the_task_runs_the_batch_and_retries_on_a_mail_server_error(
    court, court_lead, monkeypatch
):
    from notifications import tasks

    _notify(court, [court_lead])
    assert tasks.send_batch.apply(kwargs={"address": "lead-a@example.org"}).get() == (
        Outcome.SENT
    )
    _notify(court, [court_lead])
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda *a, **k: (_ for _ in ()).throw(smtplib.SMTPException("busy")),
    )
    # Run eagerly, the retries follow at once: 4 attempts in all, then failed.
    result = tasks.send_batch.apply(kwargs={"address": "lead-a@example.org"})
    assert result.get() == Outcome.FAILED
    row = Notification.objects.latest("id")
    assert (row.status, row.attempts) == (Notification.Status.FAILED, 4)


# --- Court visits ---------------------------------------------------------------


def test_what_changed_counts_from_the_end_of_the_previous_visit(court, court_lead):
    monday = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    at = lambda minutes: monday + datetime.timedelta(minutes=minutes)  # noqa: E731

    assert services.court_visit_record(user=court_lead, court=court, at=at(0)) is None
    # Reloading within the same visit keeps listing from the same moment.
    assert services.court_visit_record(user=court_lead, court=court, at=at(10)) is None
    # A visit hours later lists what changed since the end of the previous one.
    assert services.court_visit_record(user=court_lead, court=court, at=at(300)) == at(
        10
    )
    assert services.court_visit_record(user=court_lead, court=court, at=at(305)) == at(
        10
    )
    assert CourtVisit.objects.get().seen_at == at(305)


def test_a_view_within_a_minute_of_the_last_is_not_written_again(
    court, court_lead, django_assert_num_queries
):
    monday = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 0))
    services.court_visit_record(user=court_lead, court=court, at=monday)
    soon = monday + datetime.timedelta(seconds=50)
    with django_assert_num_queries(1):  # the visit read, no write
        assert (
            services.court_visit_record(user=court_lead, court=court, at=soon) is None
        )
    assert CourtVisit.objects.get().seen_at == monday
    later = monday + datetime.timedelta(seconds=61)
    with django_assert_num_queries(2):  # read, then the visit's end moves
        services.court_visit_record(user=court_lead, court=court, at=later)
    assert CourtVisit.objects.get().seen_at == later
