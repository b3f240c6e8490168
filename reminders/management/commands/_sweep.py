"""What send_reminders and send_digest share: --today, --dry-run and the report."""

import argparse
import datetime

from django.core.management.base import BaseCommand

from ccpor_onboard.lib.dates import today_in_california
from reminders.services import SweepResult


def parse_day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{value}” is not a date; use YYYY-MM-DD, e.g. 2026-03-04."
        ) from None


class SweepCommand(BaseCommand):
    what = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=parse_day,
            default=None,
            metavar="YYYY-MM-DD",
            help="Run as if today were this day (default: today in California).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be sent; send nothing and record nothing.",
        )

    def sweep(self, *, today: datetime.date, dry_run: bool) -> SweepResult:
        raise NotImplementedError

    def handle(self, *args, today=None, dry_run=False, **options):
        today = today or today_in_california()
        result = self.sweep(today=today, dry_run=dry_run)
        mode = " (dry run: nothing sent, nothing recorded)" if dry_run else ""
        self.stdout.write(f"{self.what} for {today:%Y-%m-%d}{mode}")
        if not result.lines:
            self.stdout.write("  Nothing is due.")
        width = max((len(line.outcome) for line in result.lines), default=0)
        for line in sorted(result.lines, key=lambda line: line.target):
            text = f"  {line.outcome:<{width}}  {line.target}"
            if line.detail:
                text += f": {line.detail}"
            style = {
                "sent": self.style.SUCCESS,
                "failed": self.style.ERROR,
                "would fail": self.style.ERROR,
                "will retry": self.style.WARNING,
            }.get(line.outcome, str)
            self.stdout.write(style(text))
        summary = ", ".join(f"{n} {what}" for what, n in result.summary().items())
        self.stdout.write(f"Summary: {summary or 'nothing to do'}.")
