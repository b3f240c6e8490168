"""Celery tasks of the Go-Live phase: the mail it sends, one task per message kind,
queued only after the change that causes it has committed.

`queue` never lets a broker failure reach the person who reported the incident or
asked for the sign-off: their change is already committed, and the failure is
logged: the mail stays owed, and the backstop (`send_pending_incident_mail`) sends
it. The mail goes through the outbox protocol (`emails.py`, notifications/outbox.py),
so a retry or a second worker never sends twice; a mail-server error is retried
after the outbox's back-off.
"""

import logging
from functools import partial

from celery import Task, shared_task
from django.db import transaction

from notifications import outbox

from . import emails

logger = logging.getLogger(__name__)


def _enqueue(task: Task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - the change is committed; say so and move on
        logger.exception(
            "Could not queue %s%r: the backstop will send the mail", task.name, args
        )


def queue(task: Task, *args) -> None:
    """Send `task(*args)` to the workers once the current transaction commits."""
    transaction.on_commit(partial(_enqueue, task, *args))


@shared_task(name="golive.send_incident_mail", **outbox.TASK_OPTIONS)
def send_incident_mail(self: Task, incident_id: int) -> int:
    """The mails of a new incident: to the court's project lead, and for P1 and P2
    to the CCPOR Team. Returns how many messages were sent."""
    delivery = emails.send_incident_mail(incident_id, claim_token=self.request.id or "")
    if delivery.retry_later:
        outbox.retry_later(self)
    return delivery.value or 0


@shared_task(name="golive.send_pending_incident_mail", **outbox.TASK_OPTIONS)
def send_pending_incident_mail(self: Task) -> int:
    """The backstop sweep (beat, every few minutes): incident mail left owed.
    Returns how many messages were sent."""
    sent = emails.incident_mail_send_pending(claim_token=self.request.id or "")
    return sum(delivery.value or 0 for delivery in sent)
