"""Celery tasks: thin wrappers that pin "today" and call the services.

Both tasks are acks_late with task_reject_on_worker_lost: a worker process that dies
mid-sweep (SIGKILL, out of memory) leaves the message unacknowledged and its parent
requeues it at once; a whole worker that dies leaves it unacknowledged in Redis until
the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT) hands it to another worker.
A warm shutdown (SIGTERM: the normal restart) lets the running sweep finish and puts
prefetched messages back at once. Whoever runs the message again runs it with the same
task id, which the sweep uses as its claim token: it resumes its own claims instead of
finding them "taken" (the claims make that safe). Mail-server errors are retried with
the outbox's back-off (notifications/outbox.py), MAX_SEND_ATTEMPTS in all, the whole
series well inside the visibility timeout.
"""

import datetime
import logging

from celery import Task, shared_task

from ccpor_onboard.lib.dates import today_in_california
from notifications import outbox

from . import services

logger = logging.getLogger(__name__)


def _day(today: str | None) -> datetime.date:
    return datetime.date.fromisoformat(today) if today else today_in_california()


def _retry_or_summarise(
    task: Task, result: services.SweepResult, day: datetime.date
) -> dict:
    summary = result.summary()
    logger.info("%s for %s: %s", task.name, day, summary or "nothing due")
    if result.retry_later:
        # Same day on retry: a retry that runs after midnight finishes today's work.
        outbox.retry_later(task, kwargs={"today": day.isoformat()})
    return summary


_OPTIONS = {**outbox.TASK_OPTIONS, "ignore_result": False}


@shared_task(name="reminders.send_due_reminders", **_OPTIONS)
def send_due_reminders(self: Task, today: str | None = None) -> dict:
    """The daily sweep (beat): reminders at the 60-day and 30-day marks.
    `today` (YYYY-MM-DD) defaults to today in California."""
    day = _day(today)
    result = services.reminders_send_due(today=day, claim_token=self.request.id or "")
    return _retry_or_summarise(self, result, day)


@shared_task(name="reminders.send_weekly_digest", **_OPTIONS)
def send_weekly_digest(self: Task, today: str | None = None) -> dict:
    """The weekly digest of each member's organisation's overdue items."""
    day = _day(today)
    result = services.digest_send_weekly(today=day, claim_token=self.request.id or "")
    return _retry_or_summarise(self, result, day)
