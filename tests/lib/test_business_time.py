"""Business time: working hours added to a moment, Monday to Friday 08:00-17:00."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from ccpor_onboard.lib.business_time import BusinessHours

LA = ZoneInfo("America/Los_Angeles")
HOURS = BusinessHours(
    opens=datetime.time(8),
    closes=datetime.time(17),
    weekdays=frozenset(range(5)),
    zone="America/Los_Angeles",
)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LA)


def test_a_working_day_is_nine_hours():
    assert HOURS.day_length == datetime.timedelta(hours=9)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 3, 4, 9, 0), 4, at(2026, 3, 4, 13, 0)),  # inside one day
        (at(2026, 3, 4, 16, 0), 4, at(2026, 3, 5, 11, 0)),  # over the night
        (at(2026, 3, 6, 16, 30), 1, at(2026, 3, 9, 8, 30)),  # over the weekend
        (at(2026, 3, 4, 6, 0), 1, at(2026, 3, 4, 9, 0)),  # before opening
        (at(2026, 3, 7, 12, 0), 4, at(2026, 3, 9, 12, 0)),  # on a Saturday
        (at(2026, 3, 4, 17, 0), 1, at(2026, 3, 5, 9, 0)),  # at closing time
        (at(2026, 3, 4, 13, 0), 4, at(2026, 3, 4, 17, 0)),  # ends at closing
    ],
)
def test_add_hours_counts_working_hours_only(start, hours, due):
    assert HOURS.add_hours(start, hours) == due


def test_add_days_is_the_same_time_that_many_working_days_later():
    assert HOURS.add_days(at(2026, 3, 5, 10, 0), 2) == at(2026, 3, 9, 10, 0)
    assert HOURS.add_days(at(2026, 3, 2, 8, 0), 5) == at(2026, 3, 6, 17, 0)


def test_the_answer_is_in_the_schedules_zone_whatever_the_start():
    utc = datetime.datetime(2026, 3, 4, 17, 0, tzinfo=datetime.UTC)  # 9 am Pacific
    due = HOURS.add_hours(utc, 2)
    assert due == at(2026, 3, 4, 11, 0) and due.tzinfo == LA


def test_across_the_spring_clock_change():
    # Sunday March 8, 2026: clocks go forward at 2 am; working hours keep their
    # wall-clock times.
    assert HOURS.add_hours(at(2026, 3, 6, 15, 0), 4) == at(2026, 3, 9, 10, 0)
    assert HOURS.add_hours(at(2026, 3, 6, 15, 0), 4).utcoffset() == datetime.timedelta(
        hours=-7
    )
