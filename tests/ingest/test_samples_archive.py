"""Golden test: the archive the bundled samples make, every field of every record.

The expected file was written from the documents and reviewed record by record; in
particular the single-question page (001) merges into the eighth question of the plain
list (000), giving it a heading and both dates while keeping the list's asker.
"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.models import Question
from tests.conftest import SAMPLES

EXPECTED = Path(__file__).resolve().parent.parent / "fixtures" / "expected_archive" / "samples.json"


def member(member) -> dict | None:
    if member is None:
        return None
    return {"name": member.name, "party": member.party, "seat": member.seat, "house": member.house}


def record(question: Question) -> dict:
    return {
        "house": question.house,
        "uin": question.uin,
        "heading": question.heading,
        "asker": member(question.asker),
        "department": question.department.name if question.department else None,
        "question_text": question.question_text,
        "answerer": member(question.answerer),
        "answerer_role": question.answerer_role,
        "answer_text": question.answer_text,
        "original_answer_text": question.original_answer_text,
        "date_tabled": question.date_tabled and question.date_tabled.isoformat(),
        "date_answered": question.date_answered and question.date_answered.isoformat(),
        "status": question.status,
        "references": question.references,
        "grouped_uins": question.grouped_uins,
        "question_truncated": question.question_truncated,
        "answer_truncated": question.answer_truncated,
        "parse_warnings": question.parse_warnings,
        "sources": sorted(Path(p.source.path).name for p in question.provenance.all()),
    }


@pytest.mark.django_db
def test_the_samples_make_exactly_the_expected_archive():
    call_command("ingest", str(SAMPLES), json=True, stdout=StringIO())
    questions = Question.objects.select_related("asker", "answerer", "department")
    got = [record(q) for q in questions.order_by("id")]
    want = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert len(got) == len(want) == 20
    for index, (got_record, want_record) in enumerate(zip(got, want, strict=True)):
        assert got_record == want_record, f"record {index}"
