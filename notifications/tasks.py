"""Celery tasks: thin wrappers that call the services.

`send_batch` is scheduled by `notify` (on commit, a few minutes ahead) for each
address; `send_pending` is the periodic backstop that sends any batch whose task was
lost. Both follow the outbox's task rules (`outbox.TASK_OPTIONS`): a worker that
dies while sending leaves the message to another, which resumes the claim under the
same task id; a mail-server error is retried after the one back-off.
"""

import logging

from celery import Task, shared_task

from . import outbox, services

logger = logging.getLogger(__name__)


@shared_task(name="notifications.send_batch", **outbox.TASK_OPTIONS)
def send_batch(self: Task, address: str) -> str:
    """Send the pending notifications of one address in one mail."""
    result = services.notifications_send_batch(
        address=address, claim_token=self.request.id or ""
    )
    logger.info("Notifications to %s: %s (%d)", address, result.outcome, result.count)
    if result.outcome == services.Outcome.RETRY:
        outbox.retry_later(self)
    return result.outcome


@shared_task(name="notifications.send_pending", **outbox.TASK_OPTIONS)
def send_pending(self: Task) -> dict:
    """The backstop sweep (beat, every few minutes): batches left waiting."""
    results = services.notifications_send_pending(claim_token=self.request.id or "")
    summary: dict[str, int] = {}
    for result in results:
        summary[result.outcome] = summary.get(result.outcome, 0) + 1
    return summary
