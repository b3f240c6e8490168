"""California's judicial holidays (Code of Civil Procedure §135 and Government Code
§6700, as the California courts list them), the days the courts are closed besides
weekends. One small table kept in code: the Go-Live date warns on these days and
the incident response clock does not count them.

A holiday that falls on a Sunday is observed on the Monday after, one that falls on
a Saturday on the Friday before.
"""

import datetime
from functools import cache

MON, THU, FRI = 0, 3, 4


def _nth(year: int, month: int, weekday: int, n: int) -> datetime.date:
    """The n-th `weekday` of the month (n = -1: the last)."""
    if n > 0:
        first = datetime.date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        return first + datetime.timedelta(days=offset + 7 * (n - 1))
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    last = following - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: datetime.date) -> datetime.date:
    if day.weekday() == 6:
        return day + datetime.timedelta(days=1)
    if day.weekday() == 5:
        return day - datetime.timedelta(days=1)
    return day


@cache
def judicial_holidays(year: int) -> dict[datetime.date, str]:
    """The California judicial holidays observed in `year`, by date."""
    fixed = {
        (1, 1): "New Year's Day",
        (2, 12): "Lincoln Day",
        (3, 31): "Cesar Chavez Day",
        (6, 19): "Juneteenth",
        (7, 4): "Independence Day",
        (11, 11): "Veterans Day",
        (12, 25): "Christmas Day",
    }
    days = {
        _observed(datetime.date(year, m, d)): name for (m, d), name in fixed.items()
    }
    thanksgiving = _nth(year, 11, THU, 4)
    days.update(
        {
            _nth(year, 1, MON, 3): "Martin Luther King Jr. Day",
            _nth(year, 2, MON, 3): "Presidents' Day",
            _nth(year, 5, MON, -1): "Memorial Day",
            _nth(year, 9, MON, 1): "Labor Day",
            _nth(year, 9, FRI, 4): "Native American Day",
            thanksgiving: "Thanksgiving Day",
            thanksgiving + datetime.timedelta(days=1): "Day after Thanksgiving",
        }
    )
    return days


def judicial_holiday(day: datetime.date) -> str:
    """The name of the judicial holiday observed on `day`, or ""."""
    found = judicial_holidays(day.year).get(day, "")
    if not found and day.month == 12 and day.year < datetime.MAXYEAR:
        # New Year's Day of the next year is observed on Dec 31 when it falls on a
        # Saturday.
        found = judicial_holidays(day.year + 1).get(day, "")
    return found


def court_closed_reason(day: datetime.date) -> str:
    """Why California courts are closed on `day` ("a Saturday", "Cesar Chavez Day,
    a judicial holiday"), or "" on a court day."""
    if day.weekday() >= 5:
        return f"a {day:%A}"
    holiday = judicial_holiday(day)
    return f"{holiday}, a judicial holiday" if holiday else ""
