"""The guide's marks (60 days, 30 days, Go-Live), in Python and in SQL."""

import datetime

import pytest
from django.db.models import Q

from checklists.marks import marks_for, next_mark, next_mark_date_sql
from checklists.models import Onboarding
from tests.conftest import TODAY
from tests.factories import CourtFactory, days


def test_marks_fall_60_and_30_days_before_go_live():
    go_live = datetime.date(2026, 6, 30)
    assert [(m.name, m.date) for m in marks_for(go_live)] == [
        ("60-day", datetime.date(2026, 5, 1)),
        ("30-day", datetime.date(2026, 5, 31)),
        ("Go-Live", go_live),
    ]


@pytest.mark.parametrize(
    ("days_before_go_live", "expected"),
    [
        (100, ("60-day", 40)),
        (60, ("60-day", 0)),
        (59, ("30-day", 29)),
        (30, ("30-day", 0)),
        (29, ("Go-Live", 29)),
        (0, ("Go-Live", 0)),
        (-1, None),
    ],
)
def test_next_mark_on_fixed_dates(days_before_go_live, expected):
    go_live = TODAY + days(days_before_go_live)
    mark = next_mark(go_live, today=TODAY)
    assert (mark and (mark.name, mark.days_to)) == expected


def test_marks_count_days_from_today_when_given_one():
    go_live = TODAY + days(45)
    assert [(m.name, m.days_to) for m in marks_for(go_live, today=TODAY)] == [
        ("60-day", -15),
        ("30-day", 15),
        ("Go-Live", 45),
    ]
    assert all(m.days_to is None for m in marks_for(go_live))


@pytest.mark.django_db
@pytest.mark.parametrize("days_before_go_live", [100, 61, 60, 59, 31, 30, 29, 1, 0, -1])
def test_the_sql_twin_gives_the_next_marks_date(start, days_before_go_live):
    """`next_mark_date_sql` agrees with `next_mark` on every boundary."""
    court = CourtFactory()
    onboarding = start(court, go_live_in=max(days_before_go_live, 0))
    go_live = TODAY + days(days_before_go_live)
    Onboarding.objects.filter(pk=onboarding.pk).update(go_live_date=go_live)
    sql = (
        Onboarding.objects.filter(pk=onboarding.pk)
        .annotate(
            next_date=next_mark_date_sql(
                today=TODAY, go_live="go_live_date", when=~Q(pk=None)
            )
        )
        .get()
        .next_date
    )
    expected = next_mark(go_live, today=TODAY)
    assert sql == (expected.date if expected else None)


@pytest.mark.django_db
def test_the_sql_twin_is_null_for_rows_outside_when(start):
    """Only rows matching `when` (the dashboard: active onboardings) have a next mark
    in SQL; a live onboarding with Go-Live still ahead has none."""
    onboarding = start(CourtFactory(), go_live_in=45)

    def next_date():
        return (
            Onboarding.objects.filter(pk=onboarding.pk)
            .annotate(
                next_date=next_mark_date_sql(
                    today=TODAY, go_live="go_live_date", when=Q(status="active")
                )
            )
            .get()
            .next_date
        )

    assert next_date() == TODAY + days(15)  # the 30-day mark
    Onboarding.objects.filter(pk=onboarding.pk).update(status="live")
    assert next_date() is None
