"""The health rule (checklists/health.py): the Python rule, and its SQL twin giving
the same answers on the same data."""

import pytest

from checklists import services
from checklists.health import (
    HEALTH_BY_RANK,
    HEALTH_RANK,
    Health,
    health_for,
    health_is_sql,
    health_rank_sql,
)
from checklists.models import ChecklistItem, Onboarding
from checklists.selectors import onboardings_with_status
from checklists.services.summaries import onboarding_summaries_refresh
from tests.conftest import TODAY
from tests.factories import CourtFactory, days

pytestmark = pytest.mark.django_db


def set_status(onboarding, order, status, by, reason=""):
    item = onboarding.items.get(order=order)
    return services.item_set_status(
        item=item, status=status, by=by, expected_version=item.version, reason=reason
    )


def test_health_follows_the_documented_rule(start, court, staff_user):
    onboarding = start(court, go_live_in=200)
    [o] = onboardings_with_status([onboarding], today=TODAY)
    assert o.state.health == Health.ON_TRACK
    set_status(onboarding, 5, "blocked", staff_user, reason="Waiting")
    [o] = onboardings_with_status([onboarding], today=TODAY)
    assert o.state.health == Health.AT_RISK and o.state.blocked_count == 1
    # Late once the oldest open item is 14 days past its due date.
    oldest_due = onboarding.items.get(order=1).due_date
    [o] = onboardings_with_status([onboarding], today=oldest_due + days(13))
    assert o.state.health == Health.AT_RISK
    [o] = onboardings_with_status([onboarding], today=oldest_due + days(14))
    assert o.state.health == Health.LATE


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"status": "live"}, ""),
        ({"status": "active", "days_to_go_live": -1}, Health.LATE),
        ({"status": "active", "overdue_count": 1, "overdue_days": 3}, Health.AT_RISK),
        ({"status": "active", "blocked_count": 1}, Health.AT_RISK),
        ({"status": "active"}, Health.ON_TRACK),
    ],
)
def test_health_rule_table(kwargs, expected):
    overdue_days = kwargs.pop("overdue_days", None)
    args = {
        "days_to_go_live": 10,
        "overdue_count": 0,
        "blocked_count": 0,
        "oldest_overdue": TODAY - days(overdue_days) if overdue_days else None,
        "today": TODAY,
        **kwargs,
    }
    assert health_for(**args) == expected


def _sql_health(onboarding, today):
    """The health by `health_rank_sql`, after checking that `health_is_sql` (the
    same rule as conditions) puts the onboarding in that health and no other."""
    fields = {
        "today": today,
        "status": "status",
        "go_live": "go_live_date",
        "oldest_open_due": "summary__oldest_open_due",
        "blocked": "summary__blocked",
    }
    this = Onboarding.objects.filter(pk=onboarding.pk)
    rank = this.annotate(rank=health_rank_sql(**fields)).get().rank
    health = HEALTH_BY_RANK.get(rank, "")
    matching = {
        h for h in HEALTH_RANK if this.filter(health_is_sql(h, **fields)).exists()
    }
    assert matching == ({health} if health else set()), (health, matching)
    return health


def finish_everything(onboarding):
    """Every item not applicable, the stored summary refreshed as a write does."""
    onboarding.items.update(status=ChecklistItem.Status.NOT_APPLICABLE)
    onboarding_summaries_refresh(onboarding_ids=[onboarding.pk])


def test_the_sql_twin_agrees_with_the_python_rule(start, staff_user):
    """On a spread of cases and days, boundaries included (13/14 days overdue, Go-Live
    today and yesterday, blocked, finished, live, live after Go-Live), both give the
    same health."""
    first_due = 150  # the first item is due 150 days before Go-Live
    onboardings = []
    for name, go_live_in, setup in [
        ("fresh", 200, None),
        ("overdue-13", first_due - 13, None),
        ("overdue-14", first_due - 14, None),
        ("blocked", 200, lambda o: set_status(o, 30, "blocked", staff_user, "Wait")),
        (
            "done-overdue",
            first_due - 20,
            lambda o: set_status(o, 1, "done", staff_user),
        ),
        (
            "live",
            first_due - 30,
            lambda o: Onboarding.objects.filter(pk=o.pk).update(status="live"),
        ),
        ("go-live-today", 0, None),
        # The oldest open item due today is not overdue yet: on track.
        ("first-due-today", first_due, None),
        # Active, nothing left open, Go-Live behind it (from TODAY + 1): late for
        # the date alone.
        ("all-finished-go-live-today", 0, finish_everything),
        # Live with nothing overdue, or with only a blocked item: no health either
        # (neither on track nor at risk: only an active onboarding has one).
        (
            "live-fresh",
            200,
            lambda o: Onboarding.objects.filter(pk=o.pk).update(status="live"),
        ),
        (
            "live-blocked",
            200,
            lambda o: (
                set_status(o, 30, "blocked", staff_user, "Wait")
                and Onboarding.objects.filter(pk=o.pk).update(status="live")
            ),
        ),
        # Live with Go-Live behind it: no health, not "late" (only an active
        # onboarding is late for having passed Go-Live).
        (
            "live-past-go-live",
            0,
            lambda o: Onboarding.objects.filter(pk=o.pk).update(status="live"),
        ),
    ]:
        onboarding = start(CourtFactory(slug=f"health-{name}"), go_live_in=go_live_in)
        if setup:
            setup(onboarding)
        onboardings.append(onboarding)
    seen = set()
    for day in (TODAY, TODAY + days(1), TODAY + days(14)):
        fresh = Onboarding.objects.filter(pk__in=[o.pk for o in onboardings])
        for onboarding in onboardings_with_status(fresh, today=day):
            assert _sql_health(onboarding, day) == onboarding.state.health, (
                onboarding.court.slug,
                day,
            )
            seen.add(onboarding.state.health)
    assert seen == {"", Health.ON_TRACK, Health.AT_RISK, Health.LATE}
