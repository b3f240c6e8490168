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
        self.columns = [
            *query.extra_select,
            *query.values_select,
            *query.annotation_select,
        ]
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
    """Rows of a prepared query for `django.core.paginator.Paginator`.

    The query counts its own rows with a window (`COUNT(*) OVER ()`, a column named
    `counted_column`), so that the page it is asked for first (`offset`, `limit`:
    the page the request names) comes with the total, in one statement: a filter
    or sort that has to look at every court then looks once, not once for the
    count and again for the page. `count` runs only when that page is empty and
    is not the first (a page number past the end).
    """

    def __init__(
        self,
        rows: PreparedQuery,
        count: PreparedCount,
        *,
        offset: int,
        limit: int,
        counted_column: str,
    ):
        self._rows, self._count_query = rows, count
        self._first, self._limit, self._column = offset, limit, counted_column
        self._fetched: dict[int, list[dict]] = {}
        self._count: int | None = None

    def _fetch(self, offset: int, limit: int) -> list[dict]:
        kept = self._fetched.get(offset)
        if kept is not None and (len(kept) >= limit or self._count is not None):
            return kept[:limit]
        rows = self._rows.dicts(suffix=" LIMIT %s OFFSET %s", params=(limit, offset))
        self._fetched[offset] = rows
        if rows and self._count is None:
            self._count = rows[0][self._column]
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
