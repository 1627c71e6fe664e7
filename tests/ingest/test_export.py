"""``manage.py export`` and its restore through ``manage.py ingest``: nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Department, Member, Provenance, Question, SourceDocument, Status
from ingest import archive_export
from tests.conftest import SAMPLES
from tests.factories import (
    DepartmentFactory,
    MemberFactory,
    QuestionFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db

# Texts a line-based format could trip on: newlines, U+2028 (a line break to
# str.splitlines), quotes, markup and non-ASCII.
AWKWARD_TEXT = 'Line one\nline two\u2028still two "quoted" <b>bold</b> — £5 naïve\ttab'


def build_rich_archive() -> None:
    home_office = DepartmentFactory(name="Home Office", aliases=["the Home Office", "HO"])
    justice = DepartmentFactory(name="Ministry of Justice")
    asker = MemberFactory(
        name="Jane Smith",
        party="Labour (Co-op)",
        seat="Ashton-under-Lyne",
        parliament_id=4001,
        twfy_id="uk.org.publicwhip/person/10001",
        aliases=["Ms Jane Smith", "Jane Smith MP"],
    )
    id_only = MemberFactory(name="", party="", seat="", house="", parliament_id=4321)
    answerer = MemberFactory(name="Lord Hanson of Flint", house="Lords", seat="Life peer")
    everything = QuestionFactory(
        house="Commons",
        uin="HL12231",
        heading="Police: Finance",
        asker=asker,
        department=home_office,
        question_text=AWKWARD_TEXT,
        answerer=answerer,
        answerer_role="Minister of State (Home Office)",
        answer_text="Corrected answer.\n\nSecond paragraph.",
        original_answer_text="First answer.",
        date_tabled=dt.date(2024, 1, 10),
        date_for_answer=dt.date(2024, 1, 15),
        date_answered=dt.date(2024, 1, 20),
        date_holding_answer=dt.date(2024, 1, 16),
        date_answer_corrected=dt.date(2024, 2, 1),
        status=Status.CORRECTED,
        references=["HL12230", "6504"],
        grouped_uins=["HL12232"],
        attachments=[{"title": "Table", "url": "https://example.org/t.xlsx", "file_type": "xlsx"}],
        question_truncated=True,
        answer_truncated=True,
        superseded=True,
        parse_warnings=["a.txt: heading differs; kept Police: Finance, source has Police"],
        edited_fields=["heading", "answer_text"],
    )
    bare = QuestionFactory(
        house="",
        uin="",
        heading="",
        asker=id_only,
        department=None,
        answerer=None,
        answerer_role="",
        answer_text="",
        date_tabled=None,
        date_answered=None,
        status=Status.UNANSWERED,
    )
    QuestionFactory(department=justice)
    ingested = SourceDocumentFactory(question_count=2, size=1234)
    SourceDocumentFactory(outcome=SourceDocument.Outcome.SKIPPED, reason="a debate transcript")
    SourceDocumentFactory(outcome=SourceDocument.Outcome.FAILED, reason="IntegrityError: x")
    Provenance.objects.create(
        question=everything, source=ingested, position=0, external_id="1234", raw_text=AWKWARD_TEXT
    )
    Provenance.objects.create(question=bare, source=ingested, position=1, raw_text="block")


def export_text() -> str:
    out = StringIO()
    archive_export.export(out)
    return out.getvalue()


def empty_the_archive() -> None:
    Provenance.objects.all().delete()
    Question.objects.all().delete()
    SourceDocument.objects.all().delete()
    Member.objects.all().delete()
    Department.objects.all().delete()


def ingest_json(*paths: Path, **options) -> tuple[dict, int]:
    out = StringIO()
    try:
        call_command("ingest", *map(str, paths), json=True, stdout=out, **options)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return json.loads(out.getvalue()), code


def without_export_time(text: str) -> list[dict]:
    records = [json.loads(line) for line in text.split("\n") if line]
    del records[0]["exported_at"]
    return records


@pytest.fixture
def exported(tmp_path) -> Path:
    build_rich_archive()
    path = tmp_path / "archive.jsonl"
    path.write_text(export_text(), encoding="utf-8")
    return path


def test_the_rich_archive_sets_every_question_field():
    # If a field is added to Question, set it here so the round trip covers it.
    build_rich_archive()
    question = Question.objects.get(uin="HL12231")
    empty = [
        field.name
        for field in archive_export._fields(Question)
        if getattr(question, field.attname) in ("", None, [], {}, False)
    ]
    assert empty == []


def test_an_export_restored_into_an_empty_archive_exports_identically(exported):
    first = exported.read_bytes()
    empty_the_archive()

    report, code = ingest_json(exported)

    assert code == 0
    [file] = report["files"]
    assert (file["status"], file["layout"], file["questions"]) == ("ingested", "archive-export", 3)
    second = export_text().encode("utf-8")
    first_lines, second_lines = first.split(b"\n"), second.split(b"\n")
    # Byte for byte, ids and timestamps included; only the header's export time differs.
    assert first_lines[1:] == second_lines[1:]
    assert without_export_time(first.decode())[0] == without_export_time(second.decode())[0]


def test_the_export_is_one_record_per_line_after_a_header_with_counts(exported):
    # splitlines() as a naive reader would: U+2028 in a text must not break a record.
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    assert all(line.endswith("\n") for line in lines)
    lines = [line.rstrip("\n") for line in lines] + [""]
    assert lines[-1] == ""
    records = [json.loads(line) for line in lines[:-1]]
    header = records[0]
    assert header["type"] == "archive-export"
    assert header["version"] == 1
    assert header["counts"] == {
        "member": 5,
        "department": 2,
        "source": 3,
        "question": 3,
        "provenance": 2,
    }
    assert [r["type"] for r in records[1:]] == sorted(
        (r["type"] for r in records[1:]), key=list(archive_export.SECTIONS).index
    )
    question = next(r for r in records if r["type"] == "question" and r["uin"] == "HL12231")
    assert question["edited_fields"] == ["heading", "answer_text"]
    assert question["question_text"] == AWKWARD_TEXT
    assert "search_vector" not in question and "date" not in question


def test_new_records_after_a_restore_take_fresh_ids(exported):
    highest_question = Question.objects.order_by("-pk").first().pk
    highest_member = Member.objects.order_by("-pk").first().pk
    empty_the_archive()
    ingest_json(exported)
    assert QuestionFactory(asker=None, answerer=None).pk > highest_question
    assert MemberFactory().pk > highest_member


def test_an_export_is_refused_by_an_archive_that_is_not_empty_and_nothing_is_written(exported):
    before = export_text().split("\n")[1:]
    report, code = ingest_json(exported)
    assert code == 1
    [file] = report["files"]
    assert file["status"] == "failed"
    assert "the archive is not empty" in file["reason"]
    assert "only into an empty archive" in file["reason"]
    assert export_text().split("\n")[1:] == before


def test_a_truncated_export_restores_nothing(exported):
    lines = exported.read_bytes().split(b"\n")
    exported.write_bytes(b"\n".join(lines[:-3]) + b"\n")
    empty_the_archive()
    report, code = ingest_json(exported)
    assert code == 1
    assert "incomplete or damaged" in report["files"][0]["reason"]
    assert not Question.objects.exists() and not Member.objects.exists()


def test_a_record_with_a_field_this_archive_lacks_is_refused(exported):
    text = exported.read_text(encoding="utf-8").replace(
        '"type": "department", ', '"type": "department", "colour": "red", ', 1
    )
    exported.write_text(text, encoding="utf-8")
    empty_the_archive()
    report, _ = ingest_json(exported)
    assert "fields this archive lacks: ['colour']" in report["files"][0]["reason"]
    assert not Department.objects.exists()


def test_an_export_of_another_version_is_refused(exported):
    text = exported.read_text(encoding="utf-8").replace('"version": 1', '"version": 99', 1)
    exported.write_text(text, encoding="utf-8")
    empty_the_archive()
    report, _ = ingest_json(exported)
    assert "version 99" in report["files"][0]["reason"]


def test_a_dry_run_of_a_restore_writes_nothing(exported):
    empty_the_archive()
    report, code = ingest_json(exported, dry_run=True)
    assert code == 0
    assert report["files"][0]["status"] == "ingested"
    assert not Question.objects.exists() and not SourceDocument.objects.exists()


def test_the_export_file_is_not_recorded_as_a_source(exported):
    empty_the_archive()
    ingest_json(exported)
    assert not SourceDocument.objects.filter(path=str(exported)).exists()


def test_only_an_export_header_marks_a_file_as_an_export(exported):
    assert archive_export.is_export(exported.read_bytes())
    for sample in sorted(SAMPLES.iterdir()):
        assert not archive_export.is_export(sample.read_bytes())
    assert not archive_export.is_export(b'{"type": "archive-export"')
    assert not archive_export.is_export(b'["archive-export"]\n')
    assert not archive_export.is_export(b"")


def test_the_export_command_writes_the_file_whole_and_says_what_it_wrote(tmp_path):
    build_rich_archive()
    target = tmp_path / "backup.jsonl"
    out = StringIO()
    call_command("export", str(target), stdout=out)
    assert out.getvalue() == (
        f"Exported to {target}: member 5, department 2, source 3, question 3, provenance 2.\n"
    )
    assert target.read_text(encoding="utf-8").split("\n")[1:] == export_text().split("\n")[1:]
    assert [p.name for p in tmp_path.iterdir()] == ["backup.jsonl"]


def test_the_export_command_writes_to_standard_output_for_a_dash():
    build_rich_archive()
    out = StringIO()
    call_command("export", "-", stdout=out, stderr=StringIO())
    assert json.loads(out.getvalue().split("\n")[0])["type"] == "archive-export"
