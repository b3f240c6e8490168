"""Synthetic data at scale, for `make bench` and for trying the product at size.

    python manage.py seed_scale --courts 5000

Brings the database to N courts: synthetic courts are added until there are N, and
every court that has no onboarding yet (the 58 superior courts of a fresh database
included) gets one, with the default template's checklist copied by the same helpers
`onboarding_start` uses, and members with e-mail addresses (a project lead, an IT
contact, an executive officer and a sheriff's office liaison; one court in 23 only a
viewer, so that some reminders have nobody to mail). Courts that already have an
onboarding, and everything else, are left alone, so a second run changes nothing.

The onboardings are spread over the programme: about one in five live, closed out or
cancelled; the rest active, a quarter of them inside the 60-day reminder window (so the
reminder sweep has 60- and 30-day marks due), a few past Go-Live, with items done,
overdue, in progress, blocked and N/A as their court is ahead or behind. Repeatable:
the same courts get the same data on the same day.

Bulk inserts (with history rows, as the services write them) and each onboarding's
stored summary, one transaction; 5,000 courts take well under a minute on
PostgreSQL.

For non-production databases only: refuses unless the settings allow demo data
(settings.ALLOW_DEMO_DATA: local, test and the bench's settings).
"""

import datetime
import random
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ccpor_onboard.lib.dates import today_in_california
from checklists.health import LATE_AFTER_DAYS
from checklists.models import ChecklistItem, Onboarding
from checklists.services import (
    checklist_dependencies,
    checklist_items_from_template,
    default_template,
    onboarding_summaries_refresh,
)
from courts.models import Court, Membership

from ...guard import refuse_unless_demo_data_allowed

SLUG_PREFIX = "scale-court-"
USERNAME_PREFIX = "scale."
EMAIL_DOMAIN = "scale.example.org"
BATCH_SIZE = 5000
# Every NO_RECIPIENTS_EVERY-th court (by its place in a run) has only a viewer.
NO_RECIPIENTS_EVERY = 23

# Stages in a cycle of 40 courts (shuffled once, the same every run): the share of
# each is its count / 40. Go-Live is `days` from today (inclusive range).
#   stage                 count  Go-Live from today    onboarding status
STAGES = {
    "closed": (2, (-400, -100), Onboarding.Status.CLOSED),
    "live": (4, (-90, -1), Onboarding.Status.LIVE),
    "cancelled": (2, (20, 200), Onboarding.Status.CANCELLED),
    "late": (2, (-20, -1), Onboarding.Status.ACTIVE),  # Go-Live passed, still active
    "window_30": (4, (1, 30), Onboarding.Status.ACTIVE),  # 30-day mark come
    "window_60": (4, (31, 60), Onboarding.Status.ACTIVE),  # 60-day mark come
    "later": (22, (61, 330), Onboarding.Status.ACTIVE),
}
CYCLE = [stage for stage, (count, _, _) in STAGES.items() for _ in range(count)]
random.Random(40).shuffle(CYCLE)  # noqa: S311 - a fixed order, not a secret
# How many days behind an active court is: items due before today - lag are done.
LAGS = (0, 0, 0, 0, 2, 5, 10, LATE_AFTER_DAYS + 2, 30)

# username suffix, organisation, role, first name
MEMBERS = (
    ("lead", Membership.Organisation.COURT, Membership.Role.PROJECT_LEAD, "Lead"),
    ("it", Membership.Organisation.COURT, Membership.Role.IT_CONTACT, "IT"),
    ("eo", Membership.Organisation.COURT, Membership.Role.EXECUTIVE_OFFICER, "EO"),
    ("so", Membership.Organisation.SHERIFF, Membership.Role.LIAISON, "Liaison"),
)
VIEWER = ("viewer", Membership.Organisation.COURT, Membership.Role.VIEWER, "Viewer")

BLOCKED_REASON = "Waiting on the county network team for a firewall change."
NA_JUSTIFICATION = "Not needed here: covered by the county's existing setup."
# Notes with the characters a CSV export must quote.
NOTES = (
    'Discussed on the weekly call; "ready" per the court, pending sign-off.',
    "Two scanners, one per courthouse;\nsecond one arrives next week.",
    "=Confirmed by phone, see the e-mail thread",
)


@dataclass
class Plan:
    """What one court gets, decided before anything is written."""

    court: Court
    stage: str
    status: str
    go_live: datetime.date
    lag: int
    carpos: bool
    so: bool
    members: tuple
    rng: random.Random


class Command(BaseCommand):
    help = (
        "Add synthetic courts until there are N, and give every court without an "
        "onboarding a full one at a spread of stages, with members (idempotent; "
        "non-production databases only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--courts", type=int, required=True, help="How many courts there should be."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="Spread the stages around this day (default: today in California).",
        )

    def handle(self, *args, courts: int, today=None, **options):
        refuse_unless_demo_data_allowed("seed_scale", "thousands of synthetic courts")
        if courts < 0:
            raise CommandError("--courts must be 0 or more.")
        template = default_template()
        if template is None:
            raise CommandError("There is no active checklist template to copy.")
        today = today or today_in_california()
        t0 = time.perf_counter()
        with transaction.atomic():
            added = self._add_courts(courts)
            counts = self._onboard(template, today=today)
        elapsed = time.perf_counter() - t0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh statistics, or the planner guesses from an empty database.
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Added {added} courts, {counts['onboardings']} onboardings, "
            f"{counts['items']} items and {counts['members']} members in "
            f"{elapsed:.1f} s. Now {Court.objects.count()} courts, "
            f"{Onboarding.objects.count()} onboardings, "
            f"{ChecklistItem.objects.count()} items."
        )

    # --- Courts -------------------------------------------------------------------
    def _add_courts(self, total: int) -> int:
        missing = total - Court.objects.count()
        if missing <= 0:
            return 0
        taken = set(
            Court.objects.filter(slug__startswith=SLUG_PREFIX).values_list(
                "slug", flat=True
            )
        )
        new, n = [], Court.objects.count()
        while len(new) < missing:
            n += 1
            if f"{SLUG_PREFIX}{n:05d}" not in taken:
                new.append(_court(n))
        Court.objects.bulk_create(new, batch_size=BATCH_SIZE)
        return len(new)

    # --- Onboardings --------------------------------------------------------------
    def _onboard(self, template, *, today: datetime.date) -> dict[str, int]:
        courts = list(Court.objects.filter(onboardings__isnull=True).order_by("pk"))
        plans = [_plan(court, i, today=today) for i, court in enumerate(courts)]
        leads = self._members(plans)
        now = timezone.now()
        onboardings = [
            Onboarding(
                court=p.court,
                template=template,
                go_live_date=p.go_live,
                court_enters_carpos=p.carpos,
                so_participates=p.so,
                status=p.status,
                status_changed_at=None if p.status == Onboarding.Status.ACTIVE else now,
                # Live and closed courts went live on their planned day.
                went_live_on=(
                    p.go_live
                    if p.status in (Onboarding.Status.LIVE, Onboarding.Status.CLOSED)
                    else None
                ),
            )
            for p in plans
        ]
        bulk_create_with_history(onboardings, Onboarding, batch_size=BATCH_SIZE)
        template_items = list(template.items.prefetch_related("depends_on"))
        items, links = [], []
        for plan, onboarding in zip(plans, onboardings, strict=True):
            copies = checklist_items_from_template(
                template_items,
                onboarding=onboarding,
                court_enters_carpos=plan.carpos,
                so_participates=plan.so,
                updated_by_id=leads.get(plan.court.pk),
            )
            for item in copies.values():
                _set_stage(item, plan, today=today, by=leads.get(plan.court.pk))
            items.extend(copies.values())
            links.append(copies)
        bulk_create_with_history(items, ChecklistItem, batch_size=BATCH_SIZE)
        ChecklistItem.depends_on.through.objects.bulk_create(
            [
                link
                for copies in links
                for link in checklist_dependencies(template_items, copies)
            ],
            batch_size=BATCH_SIZE,
        )
        onboarding_summaries_refresh(onboarding_ids=[o.pk for o in onboardings])
        return {
            "onboardings": len(onboardings),
            "items": len(items),
            "members": sum(len(p.members) for p in plans),
        }

    def _members(self, plans: list[Plan]) -> dict[int, int]:
        """Create each planned court's members; returns court id -> lead's user id."""
        User = get_user_model()
        wanted = {
            _username(p.court, member[0]): (p.court, member)
            for p in plans
            for member in p.members
        }
        unusable = make_password(None)  # nobody signs in as a synthetic member
        User.objects.bulk_create(
            [
                User(
                    username=username,
                    email=f"{username.removeprefix(USERNAME_PREFIX)}@{EMAIL_DOMAIN}",
                    first_name=first,
                    last_name=court.county or court.name,
                    password=unusable,
                )
                for username, (court, (_, _, _, first)) in wanted.items()
            ],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        user_ids = dict(
            User.objects.filter(username__startswith=USERNAME_PREFIX).values_list(
                "username", "pk"
            )
        )
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=user_ids[username],
                    court=court,
                    organisation=organisation,
                    role=role,
                )
                for username, (court, (_, organisation, role, _)) in wanted.items()
            ],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        return {
            p.court.pk: user_ids[_username(p.court, "lead")]
            for p in plans
            if _username(p.court, "lead") in user_ids
        }


def _court(n: int) -> Court:
    tribal = n % 10 == 0
    return Court(
        name=f"Scale {'Tribal' if tribal else 'Superior'} Court {n:05d}",
        slug=f"{SLUG_PREFIX}{n:05d}",
        county="" if tribal else f"Scale County {n:05d}",
        court_type=Court.CourtType.TRIBAL if tribal else Court.CourtType.SUPERIOR,
        district=None if tribal else n % 6 + 1,
    )


def _username(court: Court, suffix: str) -> str:
    return f"{USERNAME_PREFIX}{court.slug}.{suffix}"


def _plan(court: Court, index: int, *, today: datetime.date) -> Plan:
    rng = random.Random(court.slug)  # noqa: S311 - repeatable data, not a secret
    stage = CYCLE[index % len(CYCLE)]
    _, (low, high), status = STAGES[stage]
    return Plan(
        court=court,
        stage=stage,
        status=status,
        go_live=today + datetime.timedelta(days=rng.randint(low, high)),
        lag=rng.choice(LAGS),
        # Most courts enter CARPOS and work with their sheriff (36 items).
        carpos=index % 10 != 3,
        so=index % 10 != 6,
        members=(VIEWER,) if index % NO_RECIPIENTS_EVERY == 11 else MEMBERS,
        rng=rng,
    )


def _set_stage(item: ChecklistItem, plan: Plan, *, today: datetime.date, by) -> None:
    """Status (and what goes with it) of one item as its court's stage has it."""
    rng = plan.rng
    if plan.status == Onboarding.Status.CLOSED:
        done = True
    elif plan.status == Onboarding.Status.LIVE:
        # Everything up to Go-Live was finished to go live; after it, as it comes.
        done = item.offset_days <= 0 or item.due_date < today - datetime.timedelta(
            days=plan.lag
        )
    else:
        behind = item.due_date < today - datetime.timedelta(days=plan.lag)
        early = (
            item.due_date < today + datetime.timedelta(days=7) and rng.random() < 0.2
        )
        done = behind or early
    if done:
        if rng.random() < 0.02:
            item.status = ChecklistItem.Status.NOT_APPLICABLE
            item.na_justification = NA_JUSTIFICATION
        else:
            item.status = ChecklistItem.Status.DONE
        finished_on = min(item.due_date, today)
        item.completed_at = timezone.make_aware(
            datetime.datetime.combine(finished_on, datetime.time(12))
        )
        item.completed_by_id = by
    elif rng.random() < 0.03:
        item.status = ChecklistItem.Status.BLOCKED
        item.blocked_reason = BLOCKED_REASON
    elif item.due_date < today + datetime.timedelta(days=14) and rng.random() < 0.4:
        item.status = ChecklistItem.Status.IN_PROGRESS
    if rng.random() < 0.05:
        item.note = rng.choice(NOTES)
