"""Records built once for all the tests of a module, when building them for each test
would be most of the module's time."""

import contextlib

from django.db import transaction


@contextlib.contextmanager
def kept_until_the_module_ends(django_db_blocker):
    """For a module-scoped fixture: a transaction that is never committed, around the
    records it builds and every test of the module. Each test runs in a savepoint of
    it (pytest-django's `db`), rolled back after the test, so that every test starts
    from what the fixture built, whatever the test before it changed. Not for
    transactional tests (`django_db(transaction=True)` empties the tables)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
