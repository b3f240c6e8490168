"""Celery tasks: thin wrappers that call the services.

`send_batch` is scheduled by `notify` (on commit, a few minutes ahead) for each
address; `send_pending` is the periodic backstop that sends any batch whose task was
lost. Both are acks_late with reject_on_worker_lost: a worker that dies while sending
leaves the message to another, and the claims make that safe.
"""

import logging

from celery import Task, shared_task

from . import services

logger = logging.getLogger(__name__)

# Seconds before the first retry; doubled for each further one (1, 2, 4 minutes).
RETRY_BACKOFF = 60

_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": services.MAX_SEND_ATTEMPTS - 1,
}


@shared_task(name="notifications.send_batch", **_OPTIONS)
def send_batch(self: Task, address: str) -> str:
    """Send the pending notifications of one address in one mail."""
    result = services.notifications_send_batch(address=address)
    logger.info("Notifications to %s: %s (%d)", address, result.outcome, result.count)
    if (
        result.outcome == services.Outcome.RETRY
        and self.request.retries < self.max_retries
    ):
        raise self.retry(countdown=RETRY_BACKOFF * 2**self.request.retries)
    return result.outcome


@shared_task(name="notifications.send_pending", **_OPTIONS)
def send_pending(self: Task) -> dict:
    """The backstop sweep (beat, every few minutes): batches left waiting."""
    results = services.notifications_send_pending()
    summary: dict[str, int] = {}
    for result in results:
        summary[result.outcome] = summary.get(result.outcome, 0) + 1
    return summary
