"""Celery tasks of the Go-Live phase: the mail it sends, one task per message kind,
queued only after the change that causes it has committed.

`queue` never lets a broker failure reach the person who reported the incident or
asked for the sign-off: their change is already committed, and the failure is
logged. The tasks claim their row before sending (`emails.py`), so a retry or a
second worker never sends twice; a mail-server error is retried with backoff.
Routing these through a notifications app later means changing this module only.
"""

import logging
from functools import partial

from celery import Task, shared_task
from django.db import transaction

from . import emails

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
RETRY_BACKOFF = 60  # seconds before the first retry, doubled for each further one


def _enqueue(task: Task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - the change is committed; say so and move on
        logger.exception("Could not queue %s%r: the mail is not sent", task.name, args)


def queue(task: Task, *args) -> None:
    """Send `task(*args)` to the workers once the current transaction commits."""
    transaction.on_commit(partial(_enqueue, task, *args))


_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": MAX_ATTEMPTS - 1,
}


def _retry(task: Task, exc: Exception):
    return task.retry(exc=exc, countdown=RETRY_BACKOFF * 2**task.request.retries)


@shared_task(name="golive.send_incident_mail", **_OPTIONS)
def send_incident_mail(self: Task, incident_id: int) -> int:
    """The mails of a new incident: to the court's project lead, and for P1 and P2
    to the CCPOR Team. Returns how many messages were sent."""
    try:
        return emails.send_incident_mail(incident_id)
    except OSError as exc:  # smtplib.SMTPException is an OSError
        raise _retry(self, exc) from exc
