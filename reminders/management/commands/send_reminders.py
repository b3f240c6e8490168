from reminders.services import reminders_send_due

from ._sweep import SweepCommand


class Command(SweepCommand):
    help = (
        "Send the reminders due at the 60-day and 30-day marks (the same sweep as the "
        "daily Celery task) and say what was sent, skipped or failed, and why."
    )
    what = "Reminders"

    def sweep(self, *, today, dry_run):
        return reminders_send_due(today=today, dry_run=dry_run)
