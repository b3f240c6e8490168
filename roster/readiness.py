"""Whether a roster person is ready for their CCPOR account, on a day (the Go-Live
date, or today once that has passed): the Python rule and its SQL twin, side by
side (tests/roster/test_readiness.py holds them to the same boundary cases).

Ready means, for the person's CCPOR role (`RoleRequirement`):
- the training the role needs: a training session of the checklist attended (any,
  or one held by the CCPOR Team);
- a CLETS certification at the level the role needs (Full Access satisfies Less
  Than Full Access) that is valid on the day; or, while the day is within the six
  months CLETS allows after assignment (CLETS_GRACE_DAYS), an exam date on record.

Only people who have not left need access. A role without a row in the table needs
the documented default (DEFAULT_REQUIREMENTS, as migration 0002 loads it).
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from .models import (
    CLETS_RANK,
    CcporRole,
    CletsLevel,
    RoleRequirement,
    RosterPerson,
    TrainingNeed,
)

# "Within six months of assignment": 183 days, the longest six calendar months.
CLETS_GRACE_DAYS = 183

# role -> (CLETS level, training): the default table (docs/roster.md).
DEFAULT_REQUIREMENTS = {
    CcporRole.QUERY_ONLY: (CletsLevel.LESS_THAN_FULL, TrainingNeed.ANY),
    CcporRole.COURT: (CletsLevel.FULL, TrainingNeed.ANY),
    CcporRole.SUPERVISOR: (CletsLevel.FULL, TrainingNeed.CCPOR_TEAM),
    CcporRole.ADMINISTRATOR: (CletsLevel.LESS_THAN_FULL, TrainingNeed.CCPOR_TEAM),
}
# The actor of a training session held by the CCPOR Team (checklists.Actor.CCPOR;
# the roster sits below the checklist and names it by value).
CCPOR_TEAM_ACTOR = "ccpor"


def requirements() -> dict[str, tuple[str, str]]:
    """role -> (CLETS level, training) as staff set them, the default for the rest."""
    table = dict(DEFAULT_REQUIREMENTS)
    for row in RoleRequirement.objects.all():
        table[row.ccpor_role] = (row.clets_level, row.training)
    return table


@dataclass(frozen=True)
class Verdict:
    """A person's readiness: what is missing, in words ([] when ready)."""

    missing: tuple[str, ...]
    trained: bool

    @property
    def ready(self) -> bool:
        return not self.missing


def clets_valid(person: RosterPerson, on: datetime.date) -> bool:
    return bool(
        person.clets_certified_on
        and person.clets_expires_on
        and person.clets_expires_on >= on
    )


def in_grace(person: RosterPerson, on: datetime.date) -> bool:
    """An exam date on record while `on` is within six months of assignment."""
    return bool(
        person.clets_exam_on
        and person.clets_assigned_on
        and on < person.clets_assigned_on + datetime.timedelta(days=CLETS_GRACE_DAYS)
    )


def verdict(
    person: RosterPerson,
    *,
    on: datetime.date,
    table: dict[str, tuple[str, str]],
    training_actors: list[str],
) -> Verdict:
    """The rule in Python. `training_actors`: the actors of the training sessions
    the person attended (one entry per session)."""
    level, training = table.get(
        person.ccpor_role, DEFAULT_REQUIREMENTS[CcporRole.COURT]
    )
    missing = []
    trained = training == TrainingNeed.NONE or (
        bool(training_actors)
        if training == TrainingNeed.ANY
        else CCPOR_TEAM_ACTOR in training_actors
    )
    if not trained:
        label = TrainingNeed(training).label
        missing.append(f"training ({label[0].lower()}{label[1:]})")
    if level != CletsLevel.NONE:
        label = CletsLevel(level).label
        if CLETS_RANK[CletsLevel(person.clets_level)] < CLETS_RANK[CletsLevel(level)]:
            missing.append(f"CLETS certification at {label}")
        elif not (clets_valid(person, on) or in_grace(person, on)):
            missing.append(f"a CLETS certification ({label}) valid on {on:%b %-d, %Y}")
    return Verdict(tuple(missing), trained)


# --- The SQL twin -------------------------------------------------------------------


def _requirement(field: str, default: dict) -> Coalesce:
    table = RoleRequirement.objects.filter(ccpor_role=OuterRef("ccpor_role"))
    return Coalesce(
        Subquery(table.values(field)[:1]),
        Case(
            *[When(ccpor_role=role, then=Value(v)) for role, v in default.items()],
            default=Value(default[CcporRole.COURT]),
        ),
    )


def _attended(**filters) -> Exists:
    through = RosterPerson.trainings.through
    return Exists(through.objects.filter(rosterperson_id=OuterRef("pk"), **filters))


def ready_q(on) -> Q:
    """The rule as a condition on annotated people (`with_requirements`); `on` is a
    date or an expression (the Go-Live date of an outer query's row)."""
    trained = (
        Q(req_training=TrainingNeed.NONE)
        | Q(req_training=TrainingNeed.ANY, attended_any=True)
        | Q(req_training=TrainingNeed.CCPOR_TEAM, attended_team=True)
    )
    level = Q(req_level=CletsLevel.LESS_THAN_FULL, clets_level__in=["ltfa", "full"])
    level |= Q(req_level=CletsLevel.FULL, clets_level=CletsLevel.FULL)
    grace_from = ExpressionWrapper(
        on - datetime.timedelta(days=CLETS_GRACE_DAYS - 1)
        if not isinstance(on, datetime.date)
        else Value(on - datetime.timedelta(days=CLETS_GRACE_DAYS - 1)),
        output_field=RosterPerson._meta.get_field("clets_assigned_on"),
    )
    valid = Q(clets_certified_on__isnull=False, clets_expires_on__gte=on) | Q(
        clets_exam_on__isnull=False, clets_assigned_on__gte=grace_from
    )
    return trained & (Q(req_level=CletsLevel.NONE) | (level & valid))


def with_requirements(people: QuerySet) -> QuerySet:
    """People with what their role needs (`req_level`, `req_training`) and what
    they attended (`attended_any`, `attended_team`), for `ready_q`."""
    return people.annotate(
        req_level=_requirement(
            "clets_level", {r: v[0] for r, v in DEFAULT_REQUIREMENTS.items()}
        ),
        req_training=_requirement(
            "training", {r: v[1] for r, v in DEFAULT_REQUIREMENTS.items()}
        ),
        attended_any=_attended(),
        attended_team=_attended(checklistitem__actor=CCPOR_TEAM_ACTOR),
    )


def with_ready(people: QuerySet, *, on) -> QuerySet:
    """People annotated with `ready` (the SQL twin of `verdict(...).ready`)."""
    return with_requirements(people).annotate(
        ready=ExpressionWrapper(ready_q(on), output_field=BooleanField())
    )


def ready_count(court_ref: str, on) -> Subquery:
    """A subquery: how many present people of the court `court_ref` (an outer
    reference name) are ready on `on`."""
    people = with_requirements(
        RosterPerson.objects.present().filter(court_id=OuterRef(court_ref))
    ).filter(ready_q(on))
    return _count(people)


def present_count(court_ref: str) -> Subquery:
    return _count(RosterPerson.objects.present().filter(court_id=OuterRef(court_ref)))


def expired_count(court_ref: str, today: datetime.date) -> Coalesce:
    """A subquery: how many present people of the court hold a CLETS certification
    or CJIS training expired before `today`."""
    return _count(
        RosterPerson.objects.present().filter(
            Q(clets_expires_on__lt=today) | Q(cjis_expires_on__lt=today),
            court_id=OuterRef(court_ref),
        )
    )


def _count(people: QuerySet) -> Coalesce:
    return Coalesce(
        Subquery(
            people.order_by().values("court_id").annotate(n=Count("pk")).values("n")[:1]
        ),
        0,
    )
