"""Indexes a model declares that its table lacks, and building them.

An ingest drops the questions' search indexes during a large load and builds them at the
end (``ingest.search_indexes``); one stopped too hard to build them leaves them missing, and
the next ingest, or ``migrate``, builds them here.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Index, Model

# The embedded server's own setting (archive.db.server); other servers' default of 64 MB
# makes building the word index several times slower.
BUILD_MEMORY = "512MB"


def missing(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> list[Index]:
    """The model's indexes the database lacks."""
    connection = connections[using]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    present = {name for name, info in constraints.items() if info["index"]}
    return [index for index in model._meta.indexes if index.name not in present]


def build_missing(model: type[Model], using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Build the model's indexes the database lacks; their names."""
    connection = connections[using]
    indexes = missing(model, using)
    if indexes and connection.in_atomic_block:
        # Inside a caller's transaction that wrote rows, their deferred foreign key checks
        # are pending, and PostgreSQL alters no table with checks pending: run them now.
        connection.check_constraints()
    for index in indexes:
        with connection.schema_editor() as editor:
            editor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [BUILD_MEMORY])
            editor.add_index(model, index)
    return [index.name for index in indexes]
