from reminders.services import digest_send_weekly

from ._sweep import SweepCommand


class Command(SweepCommand):
    help = (
        "Send this week's digest of overdue items, one mail per member at most once a "
        "week (the same sweep as the weekly Celery task)."
    )
    what = "Weekly digest"

    def sweep(self, *, today, dry_run):
        return digest_send_weekly(today=today, dry_run=dry_run)
