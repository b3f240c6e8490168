"""The real stack: a change commits, its delivery goes through the real Redis
broker to a real worker process, which POSTs it, signed, to a real receiver."""

import time

import pytest

from checklists import services
from tests.factories import CourtFactory, MembershipFactory
from webhooks import services as webhook_services
from webhooks.models import Delivery

from .conftest import SECRET

# The worker is another process: it sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_worker_delivers_a_change_to_the_receiver(
    celery_worker_process, receiver, start
):
    court = CourtFactory(name="Hook court", slug="hook-court")
    lead = MembershipFactory(court=court, user__username="hook-lead").user
    webhook_services.endpoint_add(
        name="Receiver", url=receiver.url, secret=SECRET, events="all", by=None
    )
    item = start(court).items.get(order=11)
    services.item_set_status(
        item=item, status="in_progress", by=lead, expected_version=item.version
    )
    deadline = time.monotonic() + 60
    while not receiver.received:
        assert time.monotonic() < deadline, "the worker did not deliver"
        time.sleep(0.1)
    [got] = receiver.received
    assert got["verified"] and got["body"]["type"] == "item.status_changed"
    while Delivery.objects.get().status != "sent":
        assert time.monotonic() < deadline, "the delivery was not recorded as sent"
        time.sleep(0.1)
