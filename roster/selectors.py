"""Reads of the roster: a court's people with their readiness, the counts the
Go-Live summary, the gate and the API show, the expiring certifications, the
access reviews and the deprovisioning still open."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, DateField, Prefetch, Q, QuerySet, Value, When

from .models import (
    AccessReview,
    Deprovisioning,
    ReviewConfirmation,
    RosterPerson,
)
from .readiness import Verdict, ready_q, requirements, verdict, with_requirements


@dataclass(frozen=True)
class Row:
    """One person of the roster and their readiness on the day."""

    person: RosterPerson
    verdict: Verdict

    @property
    def ready(self) -> bool:
        return self.verdict.ready


@dataclass(frozen=True)
class RosterReadiness:
    """A court's roster on a day: the present people (who need access), each with
    their verdict, and those who left."""

    on: datetime.date
    rows: list[Row]
    left: list[RosterPerson]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def ready(self) -> int:
        return sum(1 for row in self.rows if row.ready)

    @property
    def not_ready(self) -> list[Row]:
        return [row for row in self.rows if not row.ready]

    def words(self) -> str:
        """ "9 of 11 people ready"."""
        noun = "person" if self.total == 1 else "people"
        return f"{self.ready} of {self.total} {noun} ready"


def readiness_day(go_live_date: datetime.date | None, today: datetime.date):
    """The day readiness is judged on: the Go-Live date, or today once it passed."""
    return max(go_live_date, today) if go_live_date else today


def court_people(court_id: int) -> QuerySet[RosterPerson]:
    """Every person of a court's roster, with their trainings and deprovisioning
    (three queries however many people)."""
    return (
        RosterPerson.objects.filter(court_id=court_id)
        .select_related("deprovisioning")
        .prefetch_related(
            Prefetch(
                "trainings",
                queryset=_trainings_queryset(),
            )
        )
        .order_by("name", "pk")
    )


def _trainings_queryset():
    return RosterPerson.trainings.rel.model.objects.only(
        "pk", "title", "actor", "order", "meeting_starts_at", "onboarding_id"
    ).order_by("order")


def roster_readiness(court_id: int, *, on: datetime.date) -> RosterReadiness:
    """The court's roster with everyone's readiness on `on`. Four queries."""
    table = requirements()
    rows, left = [], []
    for person in court_people(court_id):
        if person.left_on:
            left.append(person)
            continue
        actors = [t.actor for t in person.trainings.all()]
        rows.append(
            Row(person, verdict(person, on=on, table=table, training_actors=actors))
        )
    return RosterReadiness(on=on, rows=rows, left=left)


def access_refusal(court_id: int, *, on: datetime.date) -> str:
    """Why the court's CCPOR accounts may not be granted yet, naming who is missing
    what; "" when everyone who needs access is ready (nobody listed: nobody waits)."""
    roster = roster_readiness(court_id, on=on)
    missing = roster.not_ready
    if not missing:
        return ""
    names = "; ".join(
        f"{row.person.name} needs {' and '.join(row.verdict.missing)}"
        for row in missing
    )
    return (
        f"CCPOR accounts cannot be granted until everyone on the roster is ready "
        f"({roster.words()}): {names}."
    )


def expiring_people(*, start: datetime.date, end: datetime.date) -> QuerySet:
    """Present people whose CLETS certification or CJIS training expires between
    `start` and `end` (both included), with their court."""
    return (
        RosterPerson.objects.present()
        .filter(
            Q(clets_expires_on__range=(start, end))
            | Q(cjis_expires_on__range=(start, end))
        )
        .select_related("court")
        .order_by("court__name", "name")
    )


def expired_counts(court_ids, *, today: datetime.date) -> dict[int, int]:
    """court id -> how many present people hold an expired CLETS certification or
    CJIS training."""
    rows = (
        RosterPerson.objects.present()
        .filter(court_id__in=court_ids)
        .filter(Q(clets_expires_on__lt=today) | Q(cjis_expires_on__lt=today))
        .values("court_id")
        .annotate(n=Count("pk"))
    )
    return {row["court_id"]: row["n"] for row in rows}


def quarter_of(day: datetime.date) -> datetime.date:
    """The first day of the quarter `day` falls in."""
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(quarter: datetime.date) -> datetime.date:
    month = quarter.month + 3
    year = quarter.year + (month > 12)
    return datetime.date(year, (month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)


def court_reviews(court_id: int) -> QuerySet[AccessReview]:
    return (
        AccessReview.objects.filter(court_id=court_id)
        .select_related("completed_by")
        .prefetch_related(
            Prefetch(
                "confirmations",
                queryset=ReviewConfirmation.objects.select_related(
                    "person", "confirmed_by"
                ),
            )
        )
        .order_by("-quarter")
    )


def open_deprovisionings(court_id: int) -> QuerySet[Deprovisioning]:
    return Deprovisioning.objects.filter(
        Q(account_disabled_at__isnull=True) | Q(clets_removed_at__isnull=True),
        person__court_id=court_id,
    ).select_related("person")


@dataclass(frozen=True)
class RosterCount:
    """How many of a court's present people are ready (on `on`), and how many hold
    an expired CLETS certification or CJIS training (on `today`)."""

    on: datetime.date
    ready: int = 0
    total: int = 0
    expired: int = 0

    def words(self) -> str:
        noun = "person" if self.total == 1 else "people"
        return f"{self.ready} of {self.total} {noun} ready"


def roster_counts(
    on_by_court: dict[int, datetime.date], *, today: datetime.date
) -> dict[int, RosterCount]:
    """court id -> RosterCount, each court's readiness judged on its own day (the
    SQL rule, `readiness.ready_q`). One query however many courts; a court with
    nobody listed gets a count of zero."""
    if not on_by_court:
        return {}
    on = Case(
        *[When(court_id=c, then=Value(day)) for c, day in on_by_court.items()],
        output_field=DateField(),
    )
    rows = (
        with_requirements(
            RosterPerson.objects.present().filter(court_id__in=list(on_by_court))
        )
        .order_by()
        .values("court_id")
        .annotate(
            total=Count("pk"),
            ready=Count("pk", filter=ready_q(on)),
            expired=Count(
                "pk",
                filter=Q(clets_expires_on__lt=today) | Q(cjis_expires_on__lt=today),
            ),
        )
    )
    found = {
        r["court_id"]: RosterCount(
            on_by_court[r["court_id"]], r["ready"], r["total"], r["expired"]
        )
        for r in rows
    }
    return {c: found.get(c, RosterCount(day)) for c, day in on_by_court.items()}
