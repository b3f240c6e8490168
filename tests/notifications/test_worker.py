"""End to end: a change commits, its batch task goes through the real Redis broker
to a real worker process a moment later, and the worker mails the batch."""

import pathlib
import time

import pytest

from collaboration import services as collaboration_services
from notifications.models import Notification
from tests.factories import CourtFactory, MembershipFactory

# The worker is another process: it sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_comment_is_mailed_by_the_worker_after_the_batching_delay(
    celery_worker_process, start, staff_user, settings
):
    settings.NOTIFICATION_BATCH_SECONDS = 1
    court = CourtFactory(name="Worker court", slug="worker-court")
    MembershipFactory(court=court, user__username="w-lead")
    item = start(court).items.get(order=11)
    mail_dir = pathlib.Path(celery_worker_process.mail_dir)
    before = set(mail_dir.iterdir())

    collaboration_services.comment_add(item=item, body="@w-lead first", by=staff_user)
    collaboration_services.comment_add(item=item, body="@w-lead second", by=staff_user)

    deadline = time.monotonic() + 60
    while Notification.objects.exclude(status="sent").exists():
        assert time.monotonic() < deadline, "the worker did not send the batch"
        time.sleep(0.2)
    files = set(mail_dir.iterdir()) - before
    assert len(files) == 1  # both comments in one mail
    text = files.pop().read_text()
    assert "To: w-lead@example.org" in text
    assert "first" in text and "second" in text
    assert "https://ccpor-onboard.test/courts/worker-court/items/" in text
