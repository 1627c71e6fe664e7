"""What every command that reads or writes the archive checks first."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError


def require_archive_database() -> None:
    """A CommandError, said plainly, unless the database is reachable and migrated.

    Without the check an empty database (a new DATABASE_URL, before ``migrate``) failed
    with a traceback about a missing table.
    """
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        unapplied = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError as error:
        raise CommandError(f"cannot reach the database: {str(error).strip()}") from None
    if unapplied:
        raise CommandError(
            f"the database is not set up for the archive ({unapplied} migrations not "
            "applied): run `python manage.py migrate` first"
        )
