"""A `values()` queryset compiled to SQL once and run as often as needed.

Building a queryset with large expressions (CASEs, subqueries) and compiling it costs
more Python time than the database spends running it. A page whose query is the same
for every request (on a given day, for given filters) can compile it once, keep the
`PreparedQuery` and run it on each request: the rows are read afresh every time; only
the SQL text is reused.
"""

from collections import OrderedDict
from collections.abc import Callable, Sequence
from threading import Lock

from django.db import connections
from django.db.models import QuerySet


class PreparedQuery:
    """The SQL of a `values()` queryset, with its parameters and column names."""

    def __init__(self, queryset: QuerySet):
        query = queryset.query
        self.using = queryset.db
        self._compiler = query.get_compiler(self.using)
        self.sql, self.params = self._compiler.as_sql()
        # The names of the columns in the order the SQL selects them.
        self.columns = [alias for _, _, alias in self._compiler.select]
        self._converters = self._compiler.get_converters(
            [expression for expression, _, _ in self._compiler.select]
        )

    def tuples(self, *, suffix: str = "", params: Sequence = ()) -> list[tuple]:
        """Run it (with `suffix` appended, e.g. a LIMIT) and return the rows."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql + suffix, (*self.params, *params))
            rows = cursor.fetchall()
        if self._converters:
            rows = [
                tuple(row)
                for row in self._compiler.apply_converters(rows, self._converters)
            ]
        return rows

    def dicts(self, *, suffix: str = "", params: Sequence = ()) -> list[dict]:
        columns = self.columns
        return [
            dict(zip(columns, row, strict=True))
            for row in self.tuples(suffix=suffix, params=params)
        ]

    def dicts_where_in(self, column: str, values: Sequence) -> list[dict]:
        """The rows whose `column` (a table-qualified, quoted SQL column) is one of
        `values`. The query must end with its WHERE clause (no ORDER BY, GROUP BY
        or LIMIT), which this narrows."""
        if not values:
            return []
        if connections[self.using].vendor == "postgresql":
            return self.dicts(suffix=f" AND {column} = ANY(%s)", params=(list(values),))
        marks = ", ".join(["%s"] * len(values))
        return self.dicts(suffix=f" AND {column} IN ({marks})", params=values)


class PreparedCount:
    """How many rows a queryset has, as one prepared `SELECT COUNT(*)`."""

    def __init__(self, queryset: QuerySet):
        inner = PreparedQuery(queryset.order_by().values("pk"))
        self.using = inner.using
        self.sql = f"SELECT COUNT(*) FROM ({inner.sql}) AS counted"  # noqa: S608 - compiled SQL
        self.params = inner.params

    def __call__(self) -> int:
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self.params)
            return cursor.fetchone()[0]


class PreparedPage(Sequence):
    """Rows of a prepared query for `django.core.paginator.Paginator`, read in two
    steps: `keys` (filtered and sorted, only the key of each row and, by a window,
    `COUNT(*) OVER ()` as `found`) picks the page, then `rows(keys)` reads those
    rows in full. Sorting thousands of narrow rows is quick; carrying every column
    of every row through the joins and the sort only to keep fifty is not.

    The page asked for first (`offset`, `limit`: the page the request names) comes
    with the total, so a filter that has to look at every row looks once, not once
    for the count and again for the page. `count` runs only when that page is
    empty and is not the first (a page number past the end). A caller that knows
    the count already says so (`known_count`); `keys` may then leave `found` out.
    """

    def __init__(
        self,
        keys: PreparedQuery,
        rows: Callable[[list], list[dict]],
        count: PreparedCount,
        *,
        offset: int,
        limit: int,
        known_count: int | None = None,
    ):
        self._keys, self._rows, self._count_query = keys, rows, count
        self._first, self._limit = offset, limit
        self._fetched: dict[int, list[dict]] = {}
        self._count: int | None = known_count

    def _fetch(self, offset: int, limit: int) -> list[dict]:
        kept = self._fetched.get(offset)
        if kept is not None and (len(kept) >= limit or self._count is not None):
            return kept[:limit]
        found = self._keys.tuples(suffix=" LIMIT %s OFFSET %s", params=(limit, offset))
        if found and self._count is None:
            self._count = found[0][1]
        keys = [key[0] for key in found]
        by_key = {row["pk"]: row for row in self._rows(keys)}
        rows = [by_key[key] for key in keys]
        self._fetched[offset] = rows
        return rows

    def count(self) -> int:
        if self._count is None:
            rows = self._fetch(self._first, self._limit)
            if not rows:
                self._count = 0 if self._first == 0 else self._count_query()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("PreparedPage supports slices only")
        start = index.start or 0
        stop = self.count() if index.stop is None else index.stop
        return self._fetch(start, max(stop - start, 0))


class Memo:
    """The last `size` values built, by key (in this process): `get(key, build)`
    returns the kept value or builds, keeps and returns it."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get(self, key, build: Callable[[], object]):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = build()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
