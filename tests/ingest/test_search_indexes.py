"""A large load builds the search indexes after its rows; a stopped one leaves none missing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import ProgrammingError, connection
from django.db.backends.postgresql.schema import DatabaseSchemaEditor

from archive.db.indexes import missing
from archive.models import Question
from ingest import search_indexes
from ingest.management.commands import ingest as ingest_command
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db

SEARCH_GIN = "question_search_gin"


def ingest(*paths, **options) -> tuple[dict, str]:
    out, err = StringIO(), StringIO()
    call_command("ingest", *map(str, paths), json=True, stdout=out, stderr=err, **options)
    return json.loads(out.getvalue()), err.getvalue()


@pytest.fixture
def indexes_while_writing(monkeypatch) -> list[set[str]]:
    """The names of the questions' indexes missing each time the command writes files."""
    seen = []
    write_files = ingest_command.write_files

    def spy(files, **options):
        seen.append({index.name for index in missing(Question)})
        return write_files(files, **options)

    monkeypatch.setattr(ingest_command, "write_files", spy)
    return seen


@pytest.fixture
def small_loads_defer(monkeypatch):
    # The samples are a few kilobytes: as if they were a load worth deferring for.
    monkeypatch.setattr(search_indexes, "DEFER_MIN_BYTES", 1)


def drop(name: str) -> None:
    index = next(index for index in Question._meta.indexes if index.name == name)
    with connection.schema_editor() as editor:
        editor.remove_index(Question, index)


def test_a_large_load_into_an_empty_archive_builds_the_indexes_after_its_rows(
    small_loads_defer, indexes_while_writing
):
    report, err = ingest(SAMPLES)
    assert report["totals"]["created"] == 20
    [absent] = indexes_while_writing
    assert SEARCH_GIN in absent
    # The loader finds the copies of a question through these while it writes.
    assert not absent & search_indexes.LOADER_READS
    assert "search indexes are built once the questions are in" in err
    assert missing(Question) == []


def test_a_load_small_beside_the_archive_keeps_the_indexes(
    small_loads_defer, indexes_while_writing, monkeypatch
):
    ingest(sorted(SAMPLES.iterdir())[0])
    monkeypatch.setattr(search_indexes, "DEFER_RATIO", 1000)
    report, err = ingest(SAMPLES)
    assert report["totals"]["created"] > 0
    assert indexes_while_writing[-1] == set()
    assert "search indexes" not in err


def test_a_dry_run_never_drops_an_index(small_loads_defer, indexes_while_writing):
    ingest(SAMPLES, dry_run=True)
    assert indexes_while_writing == [set()]


def test_a_load_stopped_part_way_still_builds_the_indexes(small_loads_defer, monkeypatch):
    def interrupted(files, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_command, "write_files", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest(SAMPLES)
    assert missing(Question) == []


def test_the_next_ingest_builds_indexes_a_killed_load_left_missing(indexes_while_writing):
    drop(SEARCH_GIN)
    ingest(SAMPLES)
    assert indexes_while_writing == [set()]
    assert missing(Question) == []


def test_migrate_builds_indexes_a_killed_load_left_missing():
    drop(SEARCH_GIN)
    drop("question_date")
    call_command("migrate", verbosity=0)
    assert missing(Question) == []


def test_a_database_refusing_to_drop_indexes_is_loaded_row_by_row(
    small_loads_defer, indexes_while_writing, monkeypatch
):
    def refused(self, model, index):
        raise ProgrammingError("must be owner of index question_search_gin")

    monkeypatch.setattr(DatabaseSchemaEditor, "remove_index", refused)
    report, err = ingest(SAMPLES)
    assert report["totals"]["created"] == 20
    assert indexes_while_writing == [set()]
    assert "search indexes" not in err


def test_a_database_refusing_to_build_indexes_is_an_error_said_plainly(monkeypatch):
    drop(SEARCH_GIN)

    def refused(self, model, index):
        raise ProgrammingError("permission denied for schema public")

    monkeypatch.setattr(DatabaseSchemaEditor, "add_index", refused)
    with pytest.raises(CommandError, match="cannot build the search indexes: permission denied"):
        ingest(SAMPLES)
