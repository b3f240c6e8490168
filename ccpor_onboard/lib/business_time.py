"""Business time: a moment plus so many working hours, on a weekly schedule.

Domain-free: the schedule (working days, opening and closing time, time zone, and
which dates are holidays) is given by the caller.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class BusinessHours:
    """Working hours, e.g. Monday to Friday, 08:00 to 17:00, in America/Los_Angeles."""

    opens: datetime.time
    closes: datetime.time
    weekdays: frozenset[int]  # Monday = 0 ... Sunday = 6
    zone: str
    # A date's holiday name ("" on a working day): holidays do not count.
    holiday: Callable[[datetime.date], str] = lambda day: ""

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() in self.weekdays and not self.holiday(day)

    @property
    def day_length(self) -> datetime.timedelta:
        """How long one working day is (9 hours for 08:00 to 17:00)."""
        day = datetime.date(2000, 1, 3)
        return datetime.datetime.combine(day, self.closes) - datetime.datetime.combine(
            day, self.opens
        )

    def add(
        self, start: datetime.datetime, working: datetime.timedelta
    ) -> datetime.datetime:
        """The moment when `working` time has passed inside working hours, counting
        from `start` (an aware datetime). Time outside working hours does not count:
        a start in the evening or at the weekend counts from the next opening.
        The answer is in the schedule's time zone."""
        tz = ZoneInfo(self.zone)
        current = start.astimezone(tz)
        remaining = working
        # Each turn consumes one working day (or skips a closed one); a week has at
        # least one working day that is not a holiday, so this ends.
        while True:
            day = current.date()
            if self.is_working_day(day):
                opening = datetime.datetime.combine(day, self.opens, tz)
                closing = datetime.datetime.combine(day, self.closes, tz)
                current = max(current, opening)
                if current < closing:
                    if remaining <= closing - current:
                        return current + remaining
                    remaining -= closing - current
            current = datetime.datetime.combine(
                day + datetime.timedelta(days=1), self.opens, tz
            )

    def add_hours(self, start: datetime.datetime, hours: int) -> datetime.datetime:
        return self.add(start, datetime.timedelta(hours=hours))

    def add_days(self, start: datetime.datetime, days: int) -> datetime.datetime:
        """`days` working days after `start`: the same time of day that many working
        days later (a start outside working hours counts from the next opening)."""
        return self.add(start, self.day_length * days)
