"""Consecutive files written in one transaction: the archive file-by-file writes leave."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from archive.models import Provenance, Question, SourceDocument
from ingest import loader
from ingest.identity import fingerprint
from tests.conftest import SAMPLES, SHARED
from tests.ingest.snapshot import archive_rows, empty_archive

pytestmark = pytest.mark.django_db

REAL = SHARED / "real"
PLAIN_LIST = """Asked by: Jane Smith (Labour (Co-op) - Ashton-under-Lyne)
Question to the Home Office:
To ask the Secretary of State for the Home Department what steps she is taking on {topic}.
Answered by Joe Bloggs - {role}
The Government takes {topic} seriously.
"""


def ingest_json(*paths) -> tuple[dict, int]:
    out = StringIO()
    try:
        call_command("ingest", *map(str, paths), json=True, workers=1, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return json.loads(out.getvalue()), code


def grouped_and_alone(folder: Path, monkeypatch) -> tuple[tuple[dict, dict], tuple[dict, dict]]:
    """(report, archive) of an ingest writing files in groups, then of one writing each alone."""
    empty_archive()
    grouped, code = ingest_json(folder)
    assert code == 0
    grouped_rows = archive_rows()
    empty_archive()
    # A file with as many questions as a group may hold is written alone: here, every file.
    monkeypatch.setattr(loader, "GROUP_QUESTIONS", 1)
    alone, code = ingest_json(folder)
    assert code == 0
    return (grouped, grouped_rows), (alone, archive_rows())


def transactions(*paths) -> int:
    """How many write transactions an ingest of ``paths`` took (each takes the lock once)."""
    with CaptureQueriesContext(connection) as queries:
        ingest_json(*paths)
    return sum("pg_advisory_xact_lock" in query["sql"] for query in queries)


@pytest.mark.skipif(not REAL.is_dir(), reason=f"real samples not found at {REAL}")
# Committed for real: emptying the archive between the two ingests needs no pending
# constraint checks.
@pytest.mark.django_db(transaction=True)
def test_groups_leave_the_archive_files_written_alone_leave(tmp_path, monkeypatch):
    """Every real sample and sample document, and one month of the official API list cut
    into a file per question, before and after the whole month: in a group, questions
    merge into ones created earlier in the same transaction, members named only by id
    gain their names, and copies of one question meet from three sources."""
    shutil.copytree(REAL, tmp_path / "b-real")
    shutil.copytree(SAMPLES, tmp_path / "b-samples")
    month = json.loads((REAL / "official-api-list" / "2026-06.json").read_text())
    for index, result in enumerate(month):
        folder = tmp_path / ("a-split" if index % 2 else "c-split")
        folder.mkdir(exist_ok=True)
        (folder / f"{index:03}.json").write_text(json.dumps([result]))
    (grouped, grouped_rows), (alone, alone_rows) = grouped_and_alone(tmp_path, monkeypatch)
    assert grouped == alone
    assert grouped_rows == alone_rows
    assert grouped["totals"]["failed"] == 0
    # Every question of the month arrived twice, and each became one question.
    twice = Question.objects.annotate(copies=Count("provenance")).filter(copies__gte=2)
    assert twice.count() >= len(month)


def test_small_files_share_a_transaction(tmp_path):
    for topic in ("owls", "bats", "newts", "toads"):
        (tmp_path / f"{topic}.txt").write_text(PLAIN_LIST.format(topic=topic, role="Minister"))
    assert transactions(tmp_path) == 1
    assert Question.objects.count() == 4
    assert Provenance.objects.count() == SourceDocument.objects.count() == 4


def test_a_file_with_a_group_s_worth_of_questions_is_written_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "GROUP_QUESTIONS", 2)
    for topic in ("owls", "bats", "newts", "toads"):
        (tmp_path / f"{topic}.txt").write_text(PLAIN_LIST.format(topic=topic, role="Minister"))
    assert transactions(tmp_path) == 2


def test_a_file_failing_in_a_group_fails_alone_and_the_others_load(tmp_path):
    (tmp_path / "a.txt").write_text(PLAIN_LIST.format(topic="owls", role="Minister"))
    # Longer than the column holds: the database refuses the file's questions.
    (tmp_path / "b.txt").write_text(PLAIN_LIST.format(topic="bats", role="Minister " * 40))
    (tmp_path / "c.txt").write_text(PLAIN_LIST.format(topic="newts", role="Minister"))
    report, code = ingest_json(tmp_path)
    assert code == 1
    assert [f["status"] for f in report["files"]] == ["ingested", "failed", "ingested"]
    assert report["files"][1]["reason"].startswith("DataError")
    assert sorted(Question.objects.values_list("question_text", flat=True)) == [
        PLAIN_LIST.format(topic=topic, role="").splitlines()[2] for topic in ("newts", "owls")
    ]
    assert Provenance.objects.count() == 2
    outcomes = dict(SourceDocument.objects.values_list("path", "outcome"))
    assert {Path(path).name: outcome for path, outcome in outcomes.items()} == {
        "a.txt": "ingested",
        "b.txt": "failed",
        "c.txt": "ingested",
    }


def test_the_same_bytes_twice_in_a_group_are_unchanged_the_second_time(tmp_path):
    text = PLAIN_LIST.format(topic="owls", role="Minister")
    (tmp_path / "a.txt").write_text(text)
    (tmp_path / "b.txt").write_text(PLAIN_LIST.format(topic="bats", role="Minister"))
    (tmp_path / "c.txt").write_text(text)
    report, code = ingest_json(tmp_path)
    assert code == 0
    assert [(f["status"], f["layout"], f["questions"]) for f in report["files"]] == [
        ("ingested", "plain-list", 1),
        ("ingested", "plain-list", 1),
        ("unchanged", "plain-list", 1),
    ]
    assert SourceDocument.objects.count() == 2
    assert Provenance.objects.count() == 2


def test_reports_keep_the_order_of_the_files_around_a_skipped_one(tmp_path):
    (tmp_path / "a.txt").write_text(PLAIN_LIST.format(topic="owls", role="Minister"))
    (tmp_path / "b.txt").write_text("Flood defences were opened in Hull today, the council said.")
    (tmp_path / "c.txt").write_text(PLAIN_LIST.format(topic="newts", role="Minister"))
    (tmp_path / "d.txt").write_text(PLAIN_LIST.format(topic="bats", role="Minister"))
    with CaptureQueriesContext(connection) as queries:
        report, code = ingest_json(tmp_path)
    assert code == 0
    assert [(Path(f["path"]).name, f["status"]) for f in report["files"]] == [
        ("a.txt", "ingested"),
        ("b.txt", "skipped"),
        ("c.txt", "ingested"),
        ("d.txt", "ingested"),
    ]
    # The first file alone (the skipped one ended its group), then the last two together.
    assert sum("pg_advisory_xact_lock" in query["sql"] for query in queries) == 2


def test_records_are_fingerprinted_where_the_file_is_parsed(tmp_path):
    # The one writing process is the ingest's bottleneck; parsing workers fingerprint.
    path = tmp_path / "two.txt"
    path.write_text(
        PLAIN_LIST.format(topic="knife crime", role="Minister")
        + "\n"
        + PLAIN_LIST.format(topic="fraud", role="Minister")
    )

    prepared = loader.prepare_file(path)

    texts = [record.question_text for record in prepared.document.questions]
    assert len(texts) == 2
    assert prepared.fingerprints == [fingerprint(text) for text in texts]
