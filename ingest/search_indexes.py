"""A large load builds the questions table's search indexes after its rows, not row by row.

Each new question updates every index of its table, and the GIN index of its words costs
most: some 0.6 ms of the database's time a question on a fresh 20,000-question load, more
as the index grows, where building it from every row at once took 0.2 ms a question. So a
load much larger than the archive it goes into (the first load of an archive, above all)
drops the indexes that only searching and browsing read and builds them when it ends,
however it ends. The indexes the loader reads to find what a record may merge with, and
the unique constraint, stay.

While such a load runs, searches read the table instead (slow, and at a million questions
past the engine's time limit). A load stopped so hard that it could not build them (killed)
leaves them missing: the next ingest builds them first, and so does ``migrate``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.db.models import Index, Sum

from archive.db.indexes import build_missing, missing
from archive.models import Question, SourceDocument

# What ``loader.QuestionIndex.load`` looks questions up by.
LOADER_READS = frozenset({"question_fingerprint", "question_house_uin"})

# A load defers the indexes when its files are at least this large and this many times
# what the archive has ingested: building costs time for every row in the table, so it must
# be worth it for the rows loaded, and searching a large archive stays fast.
DEFER_MIN_BYTES = 16 * 2**20
DEFER_RATIO = 10


def deferrable() -> list[Index]:
    return [index for index in Question._meta.indexes if index.name not in LOADER_READS]


def worth_deferring(load_bytes: int) -> bool:
    if load_bytes < DEFER_MIN_BYTES:
        return False
    ingested = SourceDocument.objects.filter(outcome=SourceDocument.Outcome.INGESTED)
    held = ingested.aggregate(size=Sum("size"))["size"] or 0
    return load_bytes >= DEFER_RATIO * held


@contextlib.contextmanager
def deferred(load_bytes: int) -> Iterator[bool]:
    """Within it, the search indexes are dropped when a load of ``load_bytes`` is worth it
    (says whether); on leaving, whatever is missing is built."""
    deferring = worth_deferring(load_bytes)
    if deferring:
        dropping = {index.name for index in deferrable()} - {i.name for i in missing(Question)}
        try:
            with connection.schema_editor() as editor:
                for index in deferrable():
                    if index.name in dropping:
                        editor.remove_index(Question, index)
        except DatabaseError:
            # Not the table's owner (a database set up by someone else): load row by row.
            deferring = False
    if not deferring:
        _build_missing()  # ones a stopped load left missing
    try:
        yield deferring
    finally:
        _build_missing()


def _build_missing() -> None:
    try:
        build_missing(Question)
    except DatabaseError as error:
        raise CommandError(
            f"cannot build the search indexes: {str(error).strip()}; run `python manage.py "
            "migrate` as the owner of the archive's tables to build them"
        ) from None
