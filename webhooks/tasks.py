"""Celery tasks of webhooks: one task per delivery, queued after the change that
made it commits, and the 5-minute backstop (setup_schedules)."""

import logging
from functools import partial

from celery import Task, shared_task
from django.db import transaction

from notifications import outbox

logger = logging.getLogger(__name__)


@shared_task(name="webhooks.send_delivery", **outbox.TASK_OPTIONS)
def send_delivery(self: Task, delivery_pk: int) -> bool:
    """Send one delivery; retried after the outbox's back-off. Whether it was sent."""
    from . import sender

    result = sender.send_delivery(delivery_pk, claim_token=self.request.id or "")
    if result.retry_later:
        outbox.retry_later(self)
    return result.sent


@shared_task(name="webhooks.send_pending", **outbox.TASK_OPTIONS)
def send_pending(self: Task) -> int:
    """The backstop sweep: deliveries left owed. How many were sent."""
    from . import sender

    return sum(r.sent for r in sender.send_pending(claim_token=self.request.id or ""))


def _enqueue(delivery_pk: int) -> None:
    try:
        send_delivery.delay(delivery_pk)
    except Exception:  # noqa: BLE001 - the change is committed; the backstop sends
        logger.exception("Could not queue webhook delivery %s", delivery_pk)


def queue_delivery(delivery_pk: int) -> None:
    """Send the delivery once the current transaction commits."""
    transaction.on_commit(partial(_enqueue, delivery_pk))
