"""A sorted list of dates in one column, and "how many are before a day" in SQL.

On PostgreSQL the column is a `date[]` and the count is `width_bucket(day - 1,
dates)`: a binary search over the sorted array, in C, so that counting for every row
of a large table costs about as much as reading a number. Elsewhere (SQLite, for
`make run`) the column holds the dates as a JSON list and the count walks it.
"""

import datetime
import json

from django.db import models
from django.db.models import Func, IntegerField


class SortedDateListField(models.Field):
    """A list of dates, kept sorted (earliest first) on the way in."""

    description = "A sorted list of dates"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def db_type(self, connection) -> str:
        return "date[]" if connection.vendor == "postgresql" else "text"

    def get_db_prep_value(self, value, connection, prepared=False):
        dates = sorted(value or [])
        if connection.vendor == "postgresql":
            return dates
        return json.dumps([d.isoformat() for d in dates])

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        if isinstance(value, str):
            return [datetime.date.fromisoformat(d) for d in json.loads(value)]
        return list(value)

    def to_python(self, value):
        if isinstance(value, str):
            return [datetime.date.fromisoformat(d) for d in json.loads(value)]
        return list(value or [])


class CountBefore(Func):
    """How many dates of a `SortedDateListField` fall before `day` (0 for none)."""

    output_field = IntegerField()

    def __init__(self, dates, *, day: datetime.date, **extra):
        self.day = day
        super().__init__(dates, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        # width_bucket(x, sorted) counts the elements <= x: those < day are <= day-1.
        earlier = self.day - datetime.timedelta(days=1)
        return f"COALESCE(width_bucket(%s::date, {sql}), 0)", (earlier, *params)

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(SELECT COUNT(*) FROM json_each({sql}) AS d WHERE d.value < %s)",  # noqa: S608 - compiled SQL, the day is a parameter
            (*params, self.day.isoformat()),
        )


class DaysBetween(Func):
    """Days from `day` to the date `expression` (positive when it is later)."""

    output_field = IntegerField()

    def __init__(self, expression, *, day, **extra):
        from django.db.models import Value

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
