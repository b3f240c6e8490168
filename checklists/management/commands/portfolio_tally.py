"""Check (and repair) the tally of the portfolio rows' facts that the dashboard's
summary tiles are summed from.

    python manage.py portfolio_tally          # count afresh; repair what is wrong
    python manage.py portfolio_tally --check  # report only; exit 1 if wrong

Every write keeps the tally current in its own transaction, so this finds nothing
unless something wrote to the tables behind the services' back (raw SQL, a restore
of one table without the other). Safe while the product runs: writers of the
portfolio wait for it, a second or so at 5,000 courts.
"""

import sys

from django.core.management.base import BaseCommand

from checklists.services import portfolio_tally_rebuild

# Wrong counts listed, at most.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Count the portfolio tally afresh from the portfolio rows and repair it "
        "(--check: report only, exit status 1 when it is wrong)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Report what is wrong without repairing it; exit status 1 if any.",
        )

    def handle(self, *args, check: bool = False, **options):
        wrong = portfolio_tally_rebuild(repair=not check)
        if not wrong:
            self.stdout.write("The portfolio tally is right.")
            return
        lines = [
            f"  {fact} {day}: short by {n}"
            if n > 0
            else f"  {fact} {day}: over by {-n}"
            for (fact, day), n in list(wrong.items())[:SHOWN]
        ]
        if len(wrong) > SHOWN:
            lines.append(f"  … and {len(wrong) - SHOWN} more")
        if check:
            self.stderr.write(
                f"The portfolio tally is wrong in {len(wrong)} counts:\n"
                + "\n".join(lines)
            )
            sys.exit(1)
        self.stdout.write(
            f"Repaired {len(wrong)} counts of the portfolio tally:\n" + "\n".join(lines)
        )
