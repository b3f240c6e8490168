"""Forecast every active onboarding (or one court's) now, as the nightly run does."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from ccpor_onboard.lib.dates import today_in_california
from checklists.models import Onboarding
from planning.services import forecasts_refresh


class Command(BaseCommand):
    help = (
        "Make the forecast of every active onboarding (or of one court's, --court) "
        "and the statewide forecast, as of today (or --today)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--court", metavar="SLUG", help="Only this court's.")
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="Default: today.")

    def handle(self, *args, **options):
        try:
            today = (
                datetime.date.fromisoformat(options["today"])
                if options["today"]
                else today_in_california()
            )
        except ValueError:
            raise CommandError(f"“{options['today']}” is not a date.") from None
        ids = None
        if options["court"]:
            ids = list(
                Onboarding.objects.open()
                .filter(court__slug=options["court"])
                .values_list("pk", flat=True)
            )
            if not ids:
                raise CommandError(f"No open onboarding for “{options['court']}”.")
        stored = forecasts_refresh(today=today, onboarding_ids=ids)
        self.stdout.write(f"Forecast {stored} onboarding(s) as of {today}.")
