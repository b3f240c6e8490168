"""The Court Planning Guide's timeline marks: 60 days before Go-Live, 30 days before,
and Go-Live itself. One definition for the court page, the reminders, the calendar
feed, the API, the report and the timeline."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, DateField, F, Q, When
from django.db.models.functions import Cast

# (name, days before Go-Live), in the order they come.
MARKS = (("60-day", 60), ("30-day", 30), ("Go-Live", 0))
# The marks that send a reminder: every mark before Go-Live itself.
REMINDER_MARKS = tuple((name, days) for name, days in MARKS if days > 0)


@dataclass(frozen=True)
class Mark:
    """One mark of one Go-Live date; `days_to` counts from the `today` it was made
    for (negative once it has passed; None when made without a today)."""

    name: str
    days_before: int
    date: datetime.date
    days_to: int | None = None


def marks_for(
    go_live_date: datetime.date, *, today: datetime.date | None = None
) -> list[Mark]:
    """The guide's marks for a Go-Live date, earliest first (with `days_to` when
    `today` is given)."""
    marks = []
    for name, days in MARKS:
        date = go_live_date - datetime.timedelta(days=days)
        days_to = (date - today).days if today is not None else None
        marks.append(Mark(name=name, days_before=days, date=date, days_to=days_to))
    return marks


def next_mark(go_live_date: datetime.date, *, today: datetime.date) -> Mark | None:
    """The first mark on or after today, or None once Go-Live has passed."""
    for mark in marks_for(go_live_date, today=today):
        if mark.days_to >= 0:
            return mark
    return None


def next_mark_date_sql(*, today: datetime.date, go_live: str, when: Q) -> Case:
    """`next_mark(...).date` in SQL, for rows matching `when` whose Go-Live date is
    the field or annotation named `go_live`; NULL once Go-Live has passed."""
    return Case(
        *[
            When(
                when & Q(**{f"{go_live}__gte": today + datetime.timedelta(days=days)}),
                then=Cast(F(go_live) - datetime.timedelta(days=days), DateField()),
            )
            for _, days in MARKS
        ],
        default=None,
        output_field=DateField(),
    )
