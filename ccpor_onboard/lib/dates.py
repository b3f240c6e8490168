"""One notion of "today" for the whole product (the calendar day in California), and
days between dates in SQL."""

import datetime

from django.db.models import Func, IntegerField, Value
from django.utils import timezone


def today_in_california() -> datetime.date:
    """Today's date in settings.TIME_ZONE (America/Los_Angeles by default).

    The one name for "today" everywhere; services and selectors take `today=` so
    that tests and the reminder sweep can pin it."""
    return timezone.localdate()


class DaysBetween(Func):
    """SQL: days from `day` to the date `expression` (positive when it is later)."""

    output_field = IntegerField()

    def __init__(self, expression, *, day, **extra):
        day = day if hasattr(day, "resolve_expression") else Value(day)
        super().__init__(expression, day, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        (a, a_params), (b, b_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        return f"(({a})::date - ({b})::date)", (*a_params, *b_params)

    def as_sql(self, compiler, connection, **extra):
        (a, a_params), (b, b_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        return (
            f"CAST(julianday({a}) - julianday({b}) AS INTEGER)",
            (*a_params, *b_params),
        )
