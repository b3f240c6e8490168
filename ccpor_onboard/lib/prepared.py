"""A `values()` queryset compiled to SQL once and run as often as needed.

Building a queryset with large expressions (CASEs, subqueries) and compiling it costs
more Python time than the database spends running it. A page whose query is the same
for every request (on a given day, for given filters) can compile it once, keep the
`PreparedQuery` and run it on each request: the rows are read afresh every time; only
the SQL text is reused.

A query whose shape is the same for many values (a court's id, a user's id, a slug)
is compiled once for all of them with *slots*: `slot(n)` stand-ins passed where the
values go when the queryset is built, found again among the compiled parameters and
replaced by the real values (`bind`) each time it runs. `PreparedModels` does the
same for a queryset of model instances (with `select_related` and annotations).
"""

from collections import OrderedDict
from collections.abc import Callable, Sequence
from threading import Lock

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, get_related_populators

# Stand-ins for values bound at run time: ints far below any id, inside the range of
# a 32-bit integer column (the ORM drops a value out of a column's range from the
# SQL), and strings no slug or name has.
_INT_SLOT_BASE = -2_000_000_000


def slot(n: int, kind: type = int):
    """The `n`-th stand-in (0-based) for a value bound at run time: an int, or a
    str with `kind=str`. Pass it where the value goes when building the queryset."""
    if kind is int:
        return _INT_SLOT_BASE - n
    if kind is str:
        return f"~prepared-slot-{n}~"
    raise TypeError(f"no slot of kind {kind!r}")


def _slot_positions(params: Sequence, slots: Sequence) -> list[tuple[int, int]]:
    """(position in params, index in slots) of every slot among the compiled
    parameters; each slot must appear (else it was folded into the SQL, e.g. as
    an empty result, and binding would silently do nothing)."""
    positions = [
        (at, slots.index(param))
        for at, param in enumerate(params)
        if any(type(param) is type(s) and param == s for s in slots)
    ]
    missing = set(range(len(slots))) - {index for _, index in positions}
    if missing:
        raise ValueError(f"slots {sorted(missing)} are not among the SQL's parameters")
    return positions


def _bound(params: tuple, positions: list[tuple[int, int]], values: Sequence) -> tuple:
    if len(values) != len({index for _, index in positions}):
        raise TypeError(f"{len(values)} values bound to a query with other slots")
    if not positions:
        return params
    bound = list(params)
    for at, index in positions:
        bound[at] = values[index]
    return tuple(bound)


class PreparedQuery:
    """The SQL of a `values()` queryset, with its parameters and column names."""

    def __init__(self, queryset: QuerySet, *, slots: Sequence = ()):
        query = queryset.query
        self.using = queryset.db
        self._compiler = query.get_compiler(self.using)
        self.sql, params = self._compiler.as_sql()
        self.params = tuple(params)
        self._slots = _slot_positions(self.params, slots)
        # The names of the columns in the order the SQL selects them.
        self.columns = [alias for _, _, alias in self._compiler.select]
        self._converters = self._compiler.get_converters(
            [expression for expression, _, _ in self._compiler.select]
        )

    def tuples(
        self, *, suffix: str = "", params: Sequence = (), bind: Sequence = ()
    ) -> list[tuple]:
        """Run it (with `suffix` appended, e.g. a LIMIT, and `bind` in its slots)
        and return the rows."""
        own = _bound(self.params, self._slots, bind)
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql + suffix, (*own, *params))
            rows = cursor.fetchall()
        if self._converters:
            rows = [
                tuple(row)
                for row in self._compiler.apply_converters(rows, self._converters)
            ]
        return rows

    def dicts(
        self, *, suffix: str = "", params: Sequence = (), bind: Sequence = ()
    ) -> list[dict]:
        columns = self.columns
        return [
            dict(zip(columns, row, strict=True))
            for row in self.tuples(suffix=suffix, params=params, bind=bind)
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


class PreparedModels:
    """A queryset of model instances (with `select_related` and annotations, no
    `prefetch_related`) compiled once: `run(*values)` executes its SQL with the
    values in its slots and builds the instances as iterating the queryset would."""

    def __init__(self, queryset: QuerySet, *, slots: Sequence = ()):
        if queryset._iterable_class is not ModelIterable:
            raise ValueError("PreparedModels takes a queryset of model instances")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("PreparedModels cannot prefetch or keep related objects")
        self.using = queryset.db
        self._compiler = compiler = queryset.query.get_compiler(self.using)
        self.sql, params = compiler.as_sql()
        self.params = tuple(params)
        self._slots = _slot_positions(self.params, slots)
        select, klass_info = compiler.select, compiler.klass_info
        self._model = klass_info["model"]
        fields = klass_info["select_fields"]
        self._start, self._end = fields[0], fields[-1] + 1
        self._init_list = [
            column[0].target.attname for column in select[self._start : self._end]
        ]
        self._populators = get_related_populators(klass_info, select, self.using)
        self._annotations = list(compiler.annotation_col_map.items())
        self._converters = compiler.get_converters(
            [column[0] for column in select[: compiler.col_count]]
        )

    def run(self, *values) -> list:
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, _bound(self.params, self._slots, values))
            rows = cursor.fetchall()
        if self._converters:
            rows = self._compiler.apply_converters(rows, self._converters)
        objects = []
        for row in rows:
            obj = self._model.from_db(
                self.using, self._init_list, row[self._start : self._end]
            )
            for populator in self._populators:
                populator.populate(row, obj)
            for name, at in self._annotations:
                setattr(obj, name, row[at])
            objects.append(obj)
        return objects


def compiled_once(build: Callable[..., QuerySet], *kinds: type) -> Callable:
    """A function of the values (of `kinds`, int or str) that `build(*slots)` takes:
    it compiles the queryset the first time it is called (`PreparedModels`) and
    returns the model instances for the values it is given, each time."""
    prepared: PreparedModels | None = None

    def run(*values) -> list:
        nonlocal prepared
        if prepared is None:
            slots = [slot(n, kind) for n, kind in enumerate(kinds)]
            prepared = PreparedModels(build(*slots), slots=slots)
        return prepared.run(*values)

    return run


class PreparedPage(Sequence):
    """Rows of a prepared query for `django.core.paginator.Paginator`, read in two
    steps: `keys` (filtered and sorted, only the key of each row) picks the page,
    then `rows(keys)` reads those rows in full. Sorting thousands of narrow rows is
    quick; carrying every column of every row through the sort only to keep fifty
    is not. The caller knows how many rows there are (`count`: e.g. counted with
    other figures in one pass)."""

    def __init__(
        self,
        keys: PreparedQuery,
        rows: Callable[[list], list[dict]],
        *,
        count: int,
    ):
        self._keys, self._rows, self._count = keys, rows, count
        self._fetched: dict[tuple[int, int], list[dict]] = {}

    def _fetch(self, offset: int, limit: int) -> list[dict]:
        kept = self._fetched.get((offset, limit))
        if kept is not None:
            return kept
        found = self._keys.tuples(suffix=" LIMIT %s OFFSET %s", params=(limit, offset))
        keys = [key[0] for key in found]
        by_key = {row["pk"]: row for row in self._rows(keys)}
        rows = [by_key[key] for key in keys]
        self._fetched[(offset, limit)] = rows
        return rows

    def count(self) -> int:
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
