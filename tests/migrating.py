"""Migration tests' helper: move the test database to a point of its history."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets: list[tuple[str, str | None]] | None):
    """Migrate to these nodes (every other app left where it is), or every app to
    its latest migration when `targets` is None; return the models as they then
    are."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(targets or leaves)
    executor.loader.build_graph()
    return executor.loader.project_state(targets or leaves).apps
