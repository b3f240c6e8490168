"""The health of an onboarding: one rule, in Python and its SQL twin side by side.

Health of an active onboarding, for the court page, the dashboard and the exports:
  late     - Go-Live has passed while still active, or an open item is overdue by
             LATE_AFTER_DAYS days or more;
  at risk  - an item is overdue (by less than LATE_AFTER_DAYS) or blocked;
  on track - nothing overdue, nothing blocked.
Onboardings that are live, closed or cancelled have no health ("").

`health_for` decides it for one onboarding from its counts; `health_rank_sql` is the
same rule as a SQL expression over the stored `OnboardingSummary` (and
`health_is_sql` as a condition, from the same pieces), so that the dashboard can
filter and sort on it in the database. tests/checklists/test_health.py checks that
they agree.
"""

import datetime

from django.db.models import Case, IntegerField, Q, Value, When

from .models import Onboarding

LATE_AFTER_DAYS = 14


class Health:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"
    CHOICES = ((ON_TRACK, "On track"), (AT_RISK, "At risk"), (LATE, "Late"))
    LABELS = dict(CHOICES)


# Worst first when a column of health is sorted ascending.
HEALTH_RANK = {Health.LATE: 1, Health.AT_RISK: 2, Health.ON_TRACK: 3}
HEALTH_BY_RANK = {rank: health for health, rank in HEALTH_RANK.items()}


def health_for(
    *,
    status: str,
    days_to_go_live: int,
    overdue_count: int,
    blocked_count: int,
    oldest_overdue: datetime.date | None,
    today: datetime.date,
) -> str:
    """The documented health rule (see the module's docstring)."""
    if status != Onboarding.Status.ACTIVE:
        return ""
    if days_to_go_live < 0 or (
        oldest_overdue is not None and (today - oldest_overdue).days >= LATE_AFTER_DAYS
    ):
        return Health.LATE
    if overdue_count or blocked_count:
        return Health.AT_RISK
    return Health.ON_TRACK


def health_sql_conditions(
    *,
    today: datetime.date,
    status: str = "",
    go_live: str,
    oldest_open_due: str,
    blocked: str,
    active: Q | None = None,
) -> tuple[Q, Q, Q]:
    """The rule of `health_for` as three conditions (active; late; overdue or
    blocked) for a query whose rows name an onboarding: `status`, `go_live`,
    `oldest_open_due` (the earliest due date of its open items) and `blocked` (how
    many are blocked) are the names of that query's fields or annotations, e.g. of
    the stored `OnboardingSummary`. `active`, if given, says instead of `status`
    which rows are active onboardings.

    The oldest overdue item is the oldest open item when that one is due before
    today, so no item needs reading: a few comparisons per row."""
    late_since = today - datetime.timedelta(days=LATE_AFTER_DAYS)
    if active is None:
        active = Q(**{status: Onboarding.Status.ACTIVE})
    late = Q(**{f"{go_live}__lt": today}) | Q(**{f"{oldest_open_due}__lte": late_since})
    troubled = Q(**{f"{oldest_open_due}__lt": today}) | Q(**{f"{blocked}__gt": 0})
    return active, late, troubled


def health_rank_sql(**fields) -> Case:
    """`health_for` in SQL, as a rank (see HEALTH_RANK; NULL when there is no health),
    from the fields `health_sql_conditions` takes."""
    active, late, troubled = health_sql_conditions(**fields)
    return Case(
        When(active & late, then=Value(HEALTH_RANK[Health.LATE])),
        When(active & troubled, then=Value(HEALTH_RANK[Health.AT_RISK])),
        When(active, then=Value(HEALTH_RANK[Health.ON_TRACK])),
        default=None,
        output_field=IntegerField(),
    )


def health_is_sql(health: str, **fields) -> Q:
    """The rows of this health, as a plain condition (no CASE to work out for each
    row): the same rule as `health_rank_sql`, from the fields
    `health_sql_conditions` takes."""
    active, late, troubled = health_sql_conditions(**fields)
    if health == Health.LATE:
        return active & late
    if health == Health.AT_RISK:
        return active & ~late & troubled
    return active & ~late & ~troubled
