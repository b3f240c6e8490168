"""The reminders and the weekly digest name each item's owner, and the digest carries
the notifications people chose to get weekly (once)."""

import datetime
import smtplib

import pytest
from django.core import mail

from checklists import services as checklist_services
from notifications.models import Delivery, Kind, Notification
from notifications.services import notification_preferences_set, notify
from reminders.models import DigestLog, SendStatus
from reminders.services import Outcome, digest_send_weekly, reminders_send_due
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 9)


def own(item, owner, by):
    return checklist_services.item_set_owner(
        item=item, owner=owner, by=by, expected_version=item.version
    )


def test_the_reminder_names_each_items_owner(court, start, members, staff_user, today):
    cast = members(court)
    onboarding = start(court, go_live_in=55)
    own(onboarding.items.get(order=14), cast["it"], by=staff_user)

    reminders_send_due(today=today)

    # The owner gets a mail of their own (with answer links,
    # tests/portal/test_email_answers.py); the court's shared mail names them too.
    [message] = [m for m in mail.outbox if cast["it"].email not in m.to]
    text = message.body
    line = text[text.index("14. CCTC connectivity verified") :]
    assert "owner: a-it" in line[: line.index("\n  -")]
    assert "Owner: a-it" in message.alternatives[0][0]


def test_the_digest_names_each_items_owner(court, start, court_lead, staff_user):
    onboarding = start(court, go_live_in=122)
    own(onboarding.items.get(order=4), court_lead, by=staff_user)
    digest_send_weekly(today=MONDAY)
    [message] = [m for m in mail.outbox if m.to == [court_lead.email]]
    assert "owner: lead-a" in message.body
    assert "Owner: lead-a" in message.alternatives[0][0]


def _digest_comment(court, person, subject="Court A: a comment on 11"):
    return notify(
        kind=Kind.COMMENT,
        court=court,
        recipients=[person],
        subject=subject,
        text="Circuit ordered.",
        link="/courts/court-a/items/1/",
    )


def test_digest_notifications_go_in_the_weekly_digest_once(court, court_lead, send_now):
    notification_preferences_set(
        user=court_lead, choices={Kind.COMMENT: Delivery.DIGEST}
    )
    _digest_comment(court, court_lead, subject="Court A: first")
    _digest_comment(court, court_lead, subject="Court A: second")
    send_now()
    assert mail.outbox == []  # not with the immediate batches

    result = digest_send_weekly(today=MONDAY)

    assert result.count(Outcome.SENT) == 1
    [message] = mail.outbox
    assert message.subject == "CCPOR weekly digest: 2 updates"
    assert "Updates you chose to get in this weekly digest (2)" in message.body
    assert "Court A: first" in message.body and "Court A: second" in message.body
    assert "Circuit ordered." in message.alternatives[0][0]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}

    # Next week: nothing new, nothing sent.
    digest_send_weekly(today=MONDAY + datetime.timedelta(days=7))
    assert len(mail.outbox) == 1


def test_people_who_turned_off_the_overdue_list_still_get_their_chosen_updates(
    court, start, staff_user
):
    start(court, go_live_in=122)  # Court items are overdue on MONDAY
    person = MembershipFactory(
        court=court, user__username="quiet", user__weekly_digest=False
    ).user
    notification_preferences_set(user=person, choices={Kind.COMMENT: Delivery.DIGEST})
    _digest_comment(court, person)

    digest_send_weekly(today=MONDAY)

    [message] = [m for m in mail.outbox if m.to == [person.email]]
    assert "overdue" not in message.subject
    assert "Court A: a comment on 11" in message.body
    assert "Court confirms participation" not in message.body  # no overdue list


def test_overdue_items_and_updates_share_one_digest(court, start, court_lead):
    start(court, go_live_in=122)
    notification_preferences_set(
        user=court_lead, choices={Kind.COMMENT: Delivery.DIGEST}
    )
    _digest_comment(court, court_lead)
    digest_send_weekly(today=MONDAY)
    [message] = [m for m in mail.outbox if m.to == [court_lead.email]]
    assert message.subject == (
        "CCPOR weekly digest: 1 overdue item for your organisation, 1 update"
    )


def test_a_failed_digest_leaves_the_updates_waiting(court, court_lead, monkeypatch):
    notification_preferences_set(
        user=court_lead, choices={Kind.COMMENT: Delivery.DIGEST}
    )
    _digest_comment(court, court_lead)

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    result = digest_send_weekly(today=MONDAY)
    assert result.count(Outcome.RETRY) == 1
    assert Notification.objects.get().status == Notification.Status.PENDING
    monkeypatch.undo()

    digest_send_weekly(today=MONDAY)  # the retry
    assert Notification.objects.get().status == Notification.Status.SENT
    assert DigestLog.objects.get().status == SendStatus.SENT


def test_a_dry_run_counts_the_updates(court, court_lead):
    notification_preferences_set(
        user=court_lead, choices={Kind.COMMENT: Delivery.DIGEST}
    )
    _digest_comment(court, court_lead)
    result = digest_send_weekly(today=MONDAY, dry_run=True)
    assert "0 overdue items in 0 courts, 1 notification" in result.lines[0].detail
    assert Notification.objects.get().status == Notification.Status.PENDING


def test_inactive_people_get_no_digest_of_updates(court, court_lead):
    notification_preferences_set(
        user=court_lead, choices={Kind.COMMENT: Delivery.DIGEST}
    )
    _digest_comment(court, court_lead)
    court_lead.is_active = False
    court_lead.save()
    digest_send_weekly(today=MONDAY)
    assert mail.outbox == []
