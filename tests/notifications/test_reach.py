"""A notification is checked again when it is sent (notifications.reach): a person
who has lost access to the court, or an item that has become internal-only, is not
mailed; the row is recorded as skipped with the reason and never retried. The same
holds for the notifications that wait for the weekly digest."""

import datetime

import pytest
from django.core import mail

from checklists.models import ChecklistItem
from collaboration import services as collaboration_services
from courts.models import Membership
from notifications.models import Delivery, Kind, Notification, NotificationPreference
from notifications.services import notify
from reminders.models import DigestLog, SendStatus
from reminders.services import Outcome, digest_send_weekly

pytestmark = pytest.mark.django_db

TEAM = "ccpor-team@example.org"
MONDAY = datetime.date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _team_mailbox(settings):
    settings.CCPOR_TEAM_EMAIL = TEAM


@pytest.fixture
def item(start, court):
    """A court item of Court A's onboarding (not internal-only)."""
    return start(court).items.get(order=11)


def _mention(item, *, by, who: str):
    """A comment on the item mentioning `who` (and the CCPOR Team): the notices'
    own path, which says what the notification is about."""
    collaboration_services.comment_add(
        item=item, body=f"@{who} @ccpor please look", by=by
    )


def mailed_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_a_notification_says_which_item_it_is_about(item, staff_user, court_lead):
    _mention(item, by=staff_user, who=court_lead.username)
    row = Notification.objects.get(recipient=court_lead)
    assert row.about == item


def test_someone_removed_from_the_court_before_the_mail_leaves_is_not_mailed(
    item, staff_user, court_lead, send_now
):
    _mention(item, by=staff_user, who=court_lead.username)
    Membership.objects.filter(user=court_lead).delete()

    send_now()

    assert mailed_to(court_lead.email) == []
    assert len(mailed_to(TEAM)) == 1  # the rest of the notification still goes
    row = Notification.objects.get(recipient=court_lead)
    assert row.status == SendStatus.SKIPPED
    assert row.error == "lead-a no longer has access to Court A."
    # Dropped, not retried.
    send_now()
    assert mailed_to(court_lead.email) == []
    assert Notification.objects.get(pk=row.pk).status == SendStatus.SKIPPED


def test_an_item_that_became_internal_only_is_mailed_to_ccpor_staff_only(
    item, court_lead, court_liaison, staff_user, send_now
):
    notify(
        kind=Kind.ITEM_BLOCKED,
        court=item.onboarding.court,
        recipients=[court_lead, court_liaison, staff_user],
        subject="Court A: item 11 is blocked",
        link=item.get_absolute_url(),
        about=item,
    )
    ChecklistItem.objects.filter(pk=item.pk).update(internal_only=True)

    send_now()

    assert len(mailed_to(staff_user.email)) == 1
    assert mailed_to(court_lead.email) == mailed_to(court_liaison.email) == []
    skipped = Notification.objects.filter(status=SendStatus.SKIPPED)
    assert sorted(skipped.values_list("address", flat=True)) == [
        court_lead.email,
        court_liaison.email,
    ]
    assert {row.error for row in skipped} == {
        "What it was about is now for the CCPOR Team only, and lead-a is not in "
        "the team.",
        "What it was about is now for the CCPOR Team only, and so-a is not in "
        "the team.",
    }


def test_a_deactivated_person_or_a_changed_address_is_not_mailed(
    item, court, court_lead, court_liaison, staff_user, send_now
):
    _mention(item, by=staff_user, who=court_lead.username)
    _mention(item, by=staff_user, who=court_liaison.username)
    court_lead.is_active = False
    court_lead.save()
    court_liaison.email = "new-address@example.org"
    court_liaison.save()

    send_now()

    assert mailed_to("lead-a@example.org") == []
    assert mailed_to("so-a@example.org") == mailed_to("new-address@example.org") == []
    assert dict(
        Notification.objects.exclude(address=TEAM).values_list("address", "error")
    ) == {
        "lead-a@example.org": "lead-a is no longer an active user.",
        "so-a@example.org": "so-a@example.org is no longer so-a's address.",
    }


def test_a_deleted_item_is_told_to_nobody(item, court_lead, staff_user, send_now):
    _mention(item, by=staff_user, who=court_lead.username)
    ChecklistItem.objects.filter(pk=item.pk).delete()

    send_now()

    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", "error")) == {
        (SendStatus.SKIPPED, "What it was about no longer exists.")
    }


def test_the_digest_leaves_out_notifications_the_person_may_no_longer_see(
    start, court, court_lead, staff_user
):
    onboarding = start(court, go_live_in=122)  # court items overdue by MONDAY
    internal, kept = onboarding.items.filter(actor="court").order_by("order")[:2]
    NotificationPreference.objects.create(
        user=court_lead, kind=Kind.MENTION, delivery=Delivery.DIGEST
    )
    _mention(internal, by=staff_user, who=court_lead.username)
    _mention(kept, by=staff_user, who=court_lead.username)
    ChecklistItem.objects.filter(pk=internal.pk).update(internal_only=True)

    digest_send_weekly(today=MONDAY)

    [digest] = mailed_to(court_lead.email)
    assert f"{kept.order}. {kept.title}" in digest.body
    assert f"on “{internal.order}. {internal.title}”" not in digest.body
    rows = Notification.objects.filter(recipient=court_lead)
    assert rows.get(about_id=kept.pk).status == SendStatus.SENT
    assert rows.get(about_id=internal.pk).status == SendStatus.SKIPPED


def test_a_digest_with_nothing_left_to_send_is_skipped_saying_why(
    item, court_lead, staff_user
):
    NotificationPreference.objects.create(
        user=court_lead, kind=Kind.MENTION, delivery=Delivery.DIGEST
    )
    _mention(item, by=staff_user, who=court_lead.username)
    # Only the notification would put lead-a in this week's digest (nothing of
    # the court's is overdue on TODAY's Monday), and lead-a has left the court.
    Membership.objects.filter(user=court_lead).delete()

    result = digest_send_weekly(today=datetime.date(2026, 3, 2))

    assert mailed_to(court_lead.email) == []
    assert result.count(Outcome.SKIPPED) == 1
    log = DigestLog.objects.get(user=court_lead)
    assert (log.status, log.error) == (SendStatus.SKIPPED, DigestLog.NOTHING_LEFT)
    row = Notification.objects.get(recipient=court_lead)
    assert row.status == SendStatus.SKIPPED
