"""The archive's rows, to compare what two ways of loading the same files leave."""

from django.db import connection

TABLES = {
    "archive_question": "id",
    "archive_member": "id",
    "archive_department": "id",
    "archive_provenance": "id",
    "archive_sourcedocument": "id",
}
# When a row was written, which no two runs share.
TIMESTAMPS = {"created_at", "updated_at", "ingested_at"}


def archive_rows() -> dict[str, list[tuple]]:
    """Every row of the archive's tables, ids included, timestamps left out."""
    rows = {}
    with connection.cursor() as cursor:
        for table, order in TABLES.items():
            cursor.execute(f"SELECT * FROM {table} ORDER BY {order}")
            names = [column.name for column in cursor.description]
            keep = [i for i, name in enumerate(names) if name not in TIMESTAMPS]
            rows[table] = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
    return rows


def empty_archive() -> None:
    """Back to an empty archive whose ids start again from 1, as on a fresh database."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
