"""Print how often finished onboardings were ready by their P85 (the back-test)."""

from django.core.management.base import BaseCommand

from planning.backtest import DAYS_BEFORE, backtest


class Command(BaseCommand):
    help = (
        "Back-test the forecast on the onboardings that went live: forecast each as "
        f"of {DAYS_BEFORE} days before its Go-Live and print how often it was ready "
        "by its P85."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=DAYS_BEFORE, metavar="N")
        parser.add_argument("--verbose-lines", action="store_true", dest="lines")

    def handle(self, *args, **options):
        result = backtest(days_before=options["days_before"])
        if options["lines"]:
            for line in result.lines:
                mark = "inside" if line.covered else "OUTSIDE"
                self.stdout.write(
                    f"{line.court}: as of {line.as_of}, P50 {line.p50}, P85 "
                    f"{line.p85}, ready {line.actual} ({mark})"
                )
        if result.coverage is None:
            self.stdout.write("P85 coverage: no finished onboarding to test.")
            return
        self.stdout.write(
            f"P85 coverage: {result.covered} of {len(result.lines)} finished "
            f"onboardings ({result.coverage:.0%}) were ready by their P85."
        )
