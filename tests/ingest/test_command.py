"""``manage.py ingest``: arguments, the --json contract, exit codes, idempotency."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Provenance, Question, SourceDocument
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db

FILE_KEYS = {"path", "status", "layout", "reason", "questions", "created", "updated"}
TOTAL_KEYS = {"files", "questions", "created", "updated", "unchanged", "skipped", "failed"}
PLAIN_LIST = """Asked by: Jane Smith (Labour (Co-op) - Ashton-under-Lyne)
Question to the Home Office:
To ask the Secretary of State for the Home Department what steps she is taking on {topic}.
Answered by Joe Bloggs - Parliamentary Under-Secretary of State (Home Office)
The Government takes {topic} seriously.
"""


def ingest_json(*paths, **options) -> tuple[dict, int]:
    out = StringIO()
    try:
        call_command("ingest", *map(str, paths), json=True, stdout=out, **options)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return json.loads(out.getvalue()), code


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_json_report_has_exactly_the_contract_keys(tmp_path):
    write(tmp_path, "a.txt", PLAIN_LIST.format(topic="knife crime"))
    report, code = ingest_json(tmp_path)
    assert code == 0
    assert set(report) == {"files", "totals"}
    assert set(report["totals"]) == TOTAL_KEYS
    assert [set(f) for f in report["files"]] == [FILE_KEYS]
    assert report["files"][0]["status"] == "ingested"
    assert report["totals"]["created"] == 1


def test_the_sample_documents_load_into_twenty_questions():
    report, code = ingest_json(SAMPLES)
    assert code == 0
    statuses = {Path(f["path"]).name[:3]: f["status"] for f in report["files"]}
    assert statuses == {
        "000": "ingested",
        "001": "ingested",
        "002": "ingested",
        "003": "skipped",
        "004": "skipped",
    }
    assert Question.objects.count() == 20
    assert report["totals"] == {
        "files": 5,
        "questions": 21,
        "created": 20,
        "updated": 1,
        "unchanged": 0,
        "skipped": 2,
        "failed": 0,
    }
    skipped = [f for f in report["files"] if f["status"] == "skipped"]
    assert all(f["reason"] for f in skipped)


def test_running_twice_loads_nothing_twice():
    ingest_json(SAMPLES)
    before = (Question.objects.count(), Provenance.objects.count())
    report, code = ingest_json(SAMPLES)
    assert code == 0
    assert [f["status"] for f in report["files"]].count("unchanged") == 3
    assert report["totals"]["created"] == report["totals"]["updated"] == 0
    assert (Question.objects.count(), Provenance.objects.count()) == before


def test_the_merged_question_lists_both_sources():
    ingest_json(SAMPLES)
    merged = Question.objects.get(heading="Human Trafficking")
    sources = sorted(Path(p.source.path).name[:3] for p in merged.provenance.all())
    assert sources == ["000", "001"]
    assert merged.asker.name == "Baroness Doocey"


def test_a_missing_path_fails_and_the_command_exits_1(tmp_path):
    write(tmp_path, "ok.txt", PLAIN_LIST.format(topic="fraud"))
    report, code = ingest_json(tmp_path / "ok.txt", tmp_path / "missing.txt")
    assert code == 1
    failed = [f for f in report["files"] if f["status"] == "failed"]
    assert [Path(f["path"]).name for f in failed] == ["missing.txt"]
    assert "cannot read" in failed[0]["reason"]
    assert Question.objects.count() == 1


def test_skipped_files_are_not_failures(tmp_path):
    write(tmp_path, "empty.txt", "")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    report, code = ingest_json(tmp_path)
    assert code == 0
    assert {f["status"] for f in report["files"]} == {"skipped"}
    assert all(f["reason"] for f in report["files"])
    assert SourceDocument.objects.filter(outcome="skipped").count() == 2


@pytest.mark.parametrize(
    ("name", "data", "layout"),
    [
        ("answers2009-10-28c.xml", b'<?xml version="1.0"?><publicwhip><ques id="x"><p', "twfy-xml"),
        ("2024-08.json", b'[{"value": {"id": 1701456, "uin": "25', "api-json"),
    ],
)
def test_a_file_cut_off_part_way_fails_and_the_rest_load(tmp_path, name, data, layout):
    # A download cut off is a failure to notice and fetch again, not a file to skip.
    (tmp_path / name).write_bytes(data)
    write(tmp_path, "b.txt", PLAIN_LIST.format(topic="knife crime"))
    report, code = ingest_json(tmp_path)
    assert code == 1
    damaged, whole = report["files"]
    assert (damaged["status"], damaged["layout"]) == ("failed", layout)
    assert damaged["reason"]
    assert whole["status"] == "ingested"
    assert report["totals"]["failed"] == 1


def test_globs_and_directories_are_expanded(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "one.txt", PLAIN_LIST.format(topic="drones"))
    write(tmp_path, "two.txt", PLAIN_LIST.format(topic="prisons"))
    write(tmp_path, "three.dat", PLAIN_LIST.format(topic="ports"))
    report, _ = ingest_json(str(tmp_path / "**" / "*.txt"))
    assert sorted(Path(f["path"]).name for f in report["files"]) == ["one.txt", "two.txt"]


def test_dry_run_writes_nothing(tmp_path):
    shutil.copy(SAMPLES / "000_2cdcaa9bbce80b4a.txt", tmp_path)
    report, code = ingest_json(tmp_path, dry_run=True)
    assert code == 0
    assert report["totals"]["created"] == 10
    assert Question.objects.count() == 0
    assert SourceDocument.objects.count() == 0


def test_windows_1252_text_keeps_pound_signs_and_curly_quotes(tmp_path):
    text = PLAIN_LIST.format(topic="the \u00a35m fund for the Government\u2019s plan")
    write(tmp_path, "cp1252.txt", text, encoding="cp1252")
    ingest_json(tmp_path)
    question = Question.objects.get()
    assert "\u00a35m" in question.question_text
    assert "Government\u2019s" in question.answer_text


def test_console_output_ends_with_a_summary_table(tmp_path):
    write(tmp_path, "a.txt", PLAIN_LIST.format(topic="bees"))
    out = StringIO()
    call_command("ingest", str(tmp_path), stdout=out, stderr=StringIO())
    assert "Ingest summary" in out.getvalue()
    assert "created" in out.getvalue()


def test_a_parser_crash_fails_that_file_only(tmp_path, monkeypatch):
    from ingest import detect

    def broken(text):
        raise ValueError("bug in the parser")

    layouts = tuple((name, sniff, broken) for name, sniff, _ in detect.TEXT_LAYOUTS)
    monkeypatch.setattr(detect, "TEXT_LAYOUTS", layouts)
    write(tmp_path, "a.txt", PLAIN_LIST.format(topic="owls"))
    write(tmp_path, "b.json", '{"totalResults": 0, "results": []}')
    report, code = ingest_json(tmp_path)
    assert code == 1
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert by_name["a.txt"]["status"] == "failed"
    assert "bug in the parser" in by_name["a.txt"]["reason"]
    assert by_name["b.json"]["status"] != "failed"
    assert SourceDocument.objects.get(outcome="failed").path.endswith("a.txt")
