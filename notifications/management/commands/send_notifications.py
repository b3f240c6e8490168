"""Send queued notifications now, through the function the batch task runs."""

from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = (
        "Send the notifications waiting to be mailed. Without --now, only batches "
        "that have waited their batching delay (NOTIFICATION_BATCH_SECONDS), as the "
        "periodic sweep does; with --now, everything pending at once. Notifications "
        "people chose to get in the weekly digest wait for the digest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Send every pending notification now, without waiting.",
        )

    def handle(self, *args, now: bool, **options):
        results = services.notifications_send_pending(everything=now)
        for result in results:
            line = f"{result.address}: {result.outcome}"
            if result.count:
                line += f" ({result.count} notification{'s' * (result.count != 1)})"
            if result.detail:
                line += f" – {result.detail}"
            self.stdout.write(line)
        sent = sum(1 for r in results if r.outcome == services.Outcome.SENT)
        self.stdout.write(
            self.style.SUCCESS(f"{sent} mail{'s' * (sent != 1)} sent.")
            if results
            else "Nothing to send."
        )
