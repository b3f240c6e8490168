"""The in-app notification list: what was sent to me (not what stopped being true),
newest first, unread marked; opening one marks it read and leads where it was about;
"mark all as read"; nobody sees or opens another person's."""

import pytest
from django.urls import reverse

from checklists import services as checklists_services
from notifications.models import Kind, Notification
from notifications.selectors import unread_count

pytestmark = pytest.mark.django_db

INBOX = reverse("portal:inbox")


@pytest.fixture
def blocked(start, court, court_lead, staff_user):
    item = start(court).items.get(order=11)
    return checklists_services.item_set_status(
        item=item,
        status="blocked",
        reason="Waiting on the county",
        by=staff_user,
        expected_version=item.version,
    )


def test_my_notifications_read_and_unread(client, blocked, court_lead, other_lead):
    row = Notification.objects.get(kind=Kind.ITEM_BLOCKED, recipient=court_lead)
    client.force_login(court_lead)
    page = client.get(INBOX).content.decode()
    assert row.subject in page and "Unread" in page
    assert unread_count(court_lead) == 1
    response = client.post(reverse("portal:inbox_open", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == row.url
    row.refresh_from_db()
    assert row.read_at is not None and unread_count(court_lead) == 0
    assert "Unread" not in client.get(INBOX).content.decode()
    # Another person can neither list nor open it.
    client.force_login(other_lead)
    assert row.subject not in client.get(INBOX).content.decode()
    assert client.post(reverse("portal:inbox_open", args=[row.pk])).status_code == 404


def test_mark_all_read_and_dropped_ones_left_out(
    client, blocked, court_lead, staff_user, send_now
):
    # Done before the batch left: dropped, so not in the list.
    checklists_services.item_set_status(
        item=blocked, status="done", by=staff_user, expected_version=blocked.version
    )
    send_now()
    client.force_login(court_lead)
    assert "is blocked" not in client.get(INBOX).content.decode()
    checklists_services.item_set_status(
        item=blocked.__class__.objects.get(pk=blocked.pk),
        status="blocked",
        reason="Again",
        by=staff_user,
        expected_version=blocked.__class__.objects.get(pk=blocked.pk).version,
    )
    assert unread_count(court_lead) == 1
    response = client.post(reverse("portal:inbox_mark_read"), follow=True)
    assert "1 notification marked read." in response.content.decode()
    assert unread_count(court_lead) == 0
