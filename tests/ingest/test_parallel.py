"""``manage.py ingest --workers N``: files prepared in other processes, the same archive."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.models import Question, SourceDocument
from bench import corpus
from tests.conftest import SAMPLES
from tests.ingest.snapshot import archive_rows, empty_archive

# Committed for real: workers read the database through connections of their own, which
# would not see the uncommitted writes of a test wrapped in a transaction.
pytestmark = pytest.mark.django_db(transaction=True)

PLAIN_LIST = """Asked by: Jane Smith (Labour (Co-op) - Ashton-under-Lyne)
Question to the Home Office:
To ask the Secretary of State for the Home Department what steps she is taking on {topic}.
Answered by Joe Bloggs - {role}
The Government takes {topic} seriously.
"""


def ingest_json(*paths, workers: int) -> tuple[dict, int]:
    out = StringIO()
    try:
        call_command("ingest", *map(str, paths), json=True, workers=workers, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return json.loads(out.getvalue()), code


def both_ways(folder: Path) -> tuple[tuple[dict, dict], tuple[dict, dict]]:
    """(report, archive) of an ingest in this process, then of one with two workers."""
    empty_archive()
    serial, code = ingest_json(folder, workers=1)
    assert code == 0
    serial_rows = archive_rows()
    empty_archive()
    parallel, code = ingest_json(folder, workers=2)
    assert code == 0
    return (serial, serial_rows), (parallel, archive_rows())


def test_two_workers_leave_the_archive_one_process_leaves_on_the_sample_documents(tmp_path):
    shutil.copytree(SAMPLES, tmp_path / "samples")
    # The same bytes again, later in path order: ``unchanged`` in the same run either way.
    first = sorted(SAMPLES.iterdir())[0]
    shutil.copy(first, tmp_path / "samples" / f"zz-{first.name}")
    (serial, serial_rows), (parallel, parallel_rows) = both_ways(tmp_path)
    assert parallel == serial
    assert parallel_rows == serial_rows
    assert serial["files"][-1]["status"] == "unchanged"
    assert serial["totals"]["updated"] == 1  # a question merged from two samples


def test_two_workers_leave_the_archive_one_process_leaves_on_a_generated_corpus(tmp_path):
    for spec in corpus.plan(1, 300):
        relative, data = corpus.render_file(1, spec)
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (serial, serial_rows), (parallel, parallel_rows) = both_ways(tmp_path)
    assert parallel == serial
    assert parallel_rows == serial_rows
    assert serial["totals"]["questions"] == 300


def test_a_file_failing_to_write_fails_alone_with_workers(tmp_path):
    (tmp_path / "a.txt").write_text(PLAIN_LIST.format(topic="owls", role="Minister"))
    # Longer than the column holds: the database refuses the file's questions.
    (tmp_path / "b.txt").write_text(PLAIN_LIST.format(topic="bats", role="Minister " * 40))
    (tmp_path / "c.txt").write_text(PLAIN_LIST.format(topic="newts", role="Minister"))
    report, code = ingest_json(tmp_path, workers=2)
    assert code == 1
    assert [f["status"] for f in report["files"]] == ["ingested", "failed", "ingested"]
    assert report["files"][1]["reason"].startswith("DataError")
    assert sorted(Question.objects.values_list("question_text", flat=True)) == [
        PLAIN_LIST.format(topic=topic, role="").splitlines()[2] for topic in ("newts", "owls")
    ]
    assert SourceDocument.objects.get(outcome="failed").path.endswith("b.txt")


def test_a_parser_crash_in_a_worker_fails_that_file_only(tmp_path, monkeypatch):
    from ingest import detect

    def broken(text):
        raise ValueError("bug in the parser")

    # Set before the workers fork, so they parse with it.
    layouts = tuple((name, sniff, broken) for name, sniff, _ in detect.TEXT_LAYOUTS)
    monkeypatch.setattr(detect, "TEXT_LAYOUTS", layouts)
    (tmp_path / "a.txt").write_text(PLAIN_LIST.format(topic="owls", role="Minister"))
    (tmp_path / "b.json").write_text('{"totalResults": 0, "results": []}')
    report, code = ingest_json(tmp_path, workers=2)
    assert code == 1
    assert [f["status"] for f in report["files"]] == ["failed", "skipped"]
    assert "bug in the parser" in report["files"][0]["reason"]


def test_a_second_run_with_workers_finds_every_file_unchanged():
    ingest_json(SAMPLES, workers=2)
    report, code = ingest_json(SAMPLES, workers=2)
    assert code == 0
    ingested = [f for f in report["files"] if f["status"] != "skipped"]
    assert {f["status"] for f in ingested} == {"unchanged"}


def test_a_dry_run_with_workers_reports_what_one_process_reports_and_writes_nothing():
    reports = []
    for workers in (1, 2):
        out = StringIO()
        call_command("ingest", str(SAMPLES), json=True, dry_run=True, workers=workers, stdout=out)
        reports.append(json.loads(out.getvalue()))
    assert reports[1] == reports[0]
    assert reports[0]["totals"]["questions"] > 0
    assert not Question.objects.exists()
    assert not SourceDocument.objects.exists()


def test_fewer_than_one_worker_is_refused():
    with pytest.raises(CommandError, match="--workers"):
        call_command("ingest", str(SAMPLES), workers=0, stdout=StringIO())
