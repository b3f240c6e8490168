"""How the transactional tests empty and refill the test database, made cheap.

A transactional test (pytest-django's `transaction=True`, the browser journeys, the
worker and fault tests) ends with Django's `flush`, and one with
`serialized_rollback=True` starts by loading the snapshot of the reference data
(courts, phases, the template, content types, permissions) taken at set-up. Both do
the same as Django's own, faster:

- `flush` without a sequence reset empties the tables with DELETE inside one
  transaction whose foreign keys are checked at its end (Django creates them
  DEFERRABLE INITIALLY DEFERRED), not with TRUNCATE: on tables of a few rows
  PostgreSQL's TRUNCATE (new files for every table and its indexes) took 0.43 s for
  the project's 74 tables, DELETE 0.03 s. A sequence reset still truncates, and so
  does a table with a trigger of its own (the audit log refuses DELETE).
- the snapshot is inserted model by model with `bulk_create` (and its many-to-many
  rows likewise), in the snapshot's order, instead of one `save()` (with its
  signals) per row; the foreign keys are checked at the end, as Django does.
"""

from collections.abc import Callable
from io import StringIO

from django.core import serializers
from django.db import transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.backends.postgresql.operations import DatabaseOperations


def _tables_refusing_delete(connection) -> set[str]:
    """Tables with a trigger of their own (the audit log's append-only one refuses
    DELETE and allows TRUNCATE): these are truncated."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        )
        return {name for (name,) in cursor.fetchall()}


def _sql_flush(original):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return original(
                self,
                style,
                tables,
                reset_sequences=reset_sequences,
                allow_cascade=allow_cascade,
            )
        guarded = _tables_refusing_delete(self.connection)
        truncated = [t for t in tables if t in guarded]
        return [
            "SET CONSTRAINTS ALL DEFERRED;",
            *(
                f"DELETE FROM {self.quote_name(table)};"  # noqa: S608 - table names
                for table in tables
                if table not in guarded
            ),
            *original(
                self, style, truncated, reset_sequences=False, allow_cascade=True
            ),
        ]

    return sql_flush


def restore_snapshot(creation: BaseDatabaseCreation, data: str) -> None:
    """`deserialize_db_from_string`, in bulk: the same rows, the same checks."""
    connection = creation.connection
    alias = connection.alias
    objects = list(serializers.deserialize("json", StringIO(data), using=alias))
    by_model: dict[type, list] = {}
    for deserialized in objects:
        by_model.setdefault(type(deserialized.object), []).append(deserialized)
    with transaction.atomic(using=alias), connection.constraint_checks_disabled():
        for model, rows in by_model.items():
            model._base_manager.using(alias).bulk_create([r.object for r in rows])
            links: dict[type, list] = {}
            for row in rows:
                for name, values in (row.m2m_data or {}).items():
                    field = model._meta.get_field(name)
                    through = field.remote_field.through
                    source = field.m2m_field_name() + "_id"
                    target = field.m2m_reverse_field_name() + "_id"
                    links.setdefault(through, []).extend(
                        through(**{source: row.object.pk, target: value})
                        for value in values
                    )
            for through, link_rows in links.items():
                through._base_manager.using(alias).bulk_create(link_rows)
        connection.check_constraints(
            table_names={model._meta.db_table for model in by_model}
        )


def install() -> Callable[[], None]:
    """Put both in place; returns the function that takes them out again."""
    original_flush = DatabaseOperations.sql_flush
    DatabaseOperations.sql_flush = _sql_flush(original_flush)

    def uninstall() -> None:
        DatabaseOperations.sql_flush = original_flush

    return uninstall
