"""CSV lines written by the database: a query selects each row as one line of CSV
text, so an export streams lines straight from a server-side cursor instead of
turning thousands of rows into Python objects and formatting each cell.

The cells follow `csv.writer`'s defaults (a field is quoted when it holds a comma,
a double quote or a line break, and its quotes are doubled) and the rule that a
spreadsheet must never run a typed cell as a formula: text that starts with
= + - @ tab or carriage return gets a leading apostrophe. Portable SQL (PostgreSQL,
SQLite): CASE, LIKE, REPLACE, SUBSTR and ||.
"""

import csv
import io

from django.db.models import Func, TextField, Value
from django.db.models.functions import Cast, Coalesce

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A cell holding one of these is quoted.
QUOTE_WHEN = (",", '"', "\n", "\r")


class _CsvText(Func):
    """Text as a CSV cell: neutralised if a spreadsheet would run it, quoted if it
    must be. NULL is an empty cell."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(
            Coalesce(*self.source_expressions, Value(""), output_field=TextField())
        )
        starts = ", ".join(["%s"] * len(FORMULA_START))
        safe = (
            f"(CASE WHEN SUBSTR({sql}, 1, 1) IN ({starts}) "
            f"THEN '''' || {sql} ELSE {sql} END)"
        )
        safe_params = [*params, *FORMULA_START, *params, *params]
        tests = " OR ".join([f"{safe} LIKE %s"] * len(QUOTE_WHEN))
        cell = (
            f"(CASE WHEN {tests} THEN '\"' || REPLACE({safe}, '\"', '\"\"') || '\"' "
            f"ELSE {safe} END)"
        )
        cell_params = [
            *[p for mark in QUOTE_WHEN for p in (*safe_params, f"%{mark}%")],
            *safe_params,
            *safe_params,
        ]
        return cell, cell_params


def csv_text(expression) -> Func:
    """A text value typed by someone (a name, a note) as a CSV cell."""
    return _CsvText(expression)


def csv_value(expression) -> Func:
    """A number or a date as a CSV cell (as `str()` writes it; NULL is empty)."""
    return Coalesce(Cast(expression, TextField()), Value(""), output_field=TextField())


class _Line(Func):
    """Cells joined by commas with one flat `||` chain (a nested CONCAT of forty
    cells is too deep for SQLite's parser). Every cell is text, never NULL."""

    arg_joiner = " || ',' || "
    template = "(%(expressions)s)"
    output_field = TextField()


def csv_line(*cells) -> Func:
    """Cells (from csv_text / csv_value, or text that is never NULL: labels from a
    CASE with a default) joined into one line of CSV, without its line ending."""
    return _Line(*cells)


def csv_header(names: list[str]) -> str:
    """The header line, as `csv.writer` writes it (with its line ending)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(names)
    return buffer.getvalue()
