"""Re-parsing questions from their stored source text: fresh parse wins, staff edits stay."""

import copy
import json
from pathlib import Path

import pytest

from archive.models import Department, Provenance, Question
from ingest.loader import ingest_file
from ingest.reparse import reparse_question, reparse_questions
from tests.conftest import SHARED
from tests.factories import QuestionFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db

DOCUMENTS = Path(__file__).resolve().parent.parent / "fixtures" / "documents"
SMITH_BLOCK = (
    "Asked by: Jane Smith (Labour - Leeds North)\n"
    "Question to the Home Office:\n"
    "To ask the Secretary of State for the Home Department what assessment she has made of "
    "police morale in West Yorkshire.\n"
    "Answered by Joe Bloggs - Minister of State\n"
    "Police morale is monitored through the annual pay and morale survey.\n"
)
JONES_BLOCK = (
    "Asked by: Tom Jones (Conservative - Pontypridd)\n"
    "Question to the Department for Transport:\n"
    "To ask the Secretary of State for Transport what plans he has to reopen the Pontypridd "
    "branch line.\n"
    "Answered by Ann Other - Parliamentary Under-Secretary of State\n"
    "The Department has no plans to reopen the line.\n"
)


@pytest.fixture
def ingested(tmp_path: Path) -> Question:
    path = tmp_path / "written-questions.txt"
    path.write_text(SMITH_BLOCK)
    report = ingest_file(path)
    assert report.status == "ingested", report.reason
    return Question.objects.get()


def misparse(question: Question, **fields) -> Question:
    """What an older, buggier parser might have left in the archive."""
    Question.objects.filter(pk=question.pk).update(**fields)
    question.refresh_from_db()
    return question


def test_a_reparse_overwrites_misparsed_fields_with_the_fresh_parse(ingested):
    wrong = Department.objects.create(name="Home Office:\nTo ask")
    question = misparse(
        ingested,
        answerer_role="Minister of State\nPolice morale",
        answer_text="",
        department=wrong,
        department_name=wrong.name,
    )

    result = reparse_question(question)

    question.refresh_from_db()
    assert result.ok
    assert {"answerer_role", "answer_text", "department"} <= set(result.changed)
    assert question.answerer_role == "Minister of State"
    assert "pay and morale survey" in question.answer_text
    assert question.department.name == "Home Office"
    assert question.department_name == "Home Office"


def test_a_reparse_leaves_fields_staff_edited_alone(ingested):
    question = misparse(
        ingested,
        answerer_role="Minister of State for Policing",
        answer_text="",
        edited_fields=["answerer_role"],
    )

    result = reparse_question(question)

    question.refresh_from_db()
    assert question.answerer_role == "Minister of State for Policing"
    assert "answerer_role" not in result.changed
    assert "pay and morale survey" in question.answer_text


def test_a_reparse_replaces_old_parse_warnings(ingested):
    question = misparse(ingested, parse_warnings=["could not find the answerer"])

    reparse_question(question)

    question.refresh_from_db()
    assert "could not find the answerer" not in question.parse_warnings


def test_a_record_the_parser_already_reads_correctly_is_unchanged(ingested):
    result = reparse_question(ingested)

    assert result.ok
    assert result.changed == []
    assert result.describe().endswith("unchanged")


def test_a_question_without_stored_source_cannot_be_reparsed():
    question = QuestionFactory()

    result = reparse_question(question)

    assert result.error == "no stored source"


def test_a_block_that_no_longer_parses_is_reported_and_nothing_changes():
    question = QuestionFactory(heading="Police: Morale")
    source = SourceDocumentFactory(path="/data/notes.txt")
    Provenance.objects.create(question=question, source=source, raw_text="Shopping list: eggs")

    result = reparse_question(question)

    question.refresh_from_db()
    assert not result.ok
    assert "no longer parses" in result.error
    assert question.heading == "Police: Morale"


def test_a_block_holding_several_records_yields_the_one_with_this_questions_text(tmp_path):
    path = tmp_path / "two-questions.txt"
    path.write_text(SMITH_BLOCK + JONES_BLOCK)
    ingest_file(path)
    jones = Question.objects.get(question_text__contains="Pontypridd")
    Provenance.objects.filter(question=jones).update(raw_text=SMITH_BLOCK + JONES_BLOCK)
    misparse(jones, answerer_role="wrong")

    result = reparse_question(jones)

    jones.refresh_from_db()
    assert result.ok, result.error
    assert jones.answerer_role == "Parliamentary Under-Secretary of State"
    assert jones.asker.name == "Tom Jones"


def test_a_source_without_stored_text_does_not_blank_fields_it_may_have_supplied(ingested):
    other_source = SourceDocumentFactory(path="/data/api.json")
    Provenance.objects.create(question=ingested, source=other_source, raw_text="")
    question = misparse(ingested, heading="Police: Morale", answerer_role="wrong")

    result = reparse_question(question)

    question.refresh_from_db()
    assert result.ok
    assert question.heading == "Police: Morale"
    assert question.answerer_role == "Minister of State"
    assert any("no stored text" in note for note in result.notes)


def test_each_question_is_reported_even_when_another_fails(ingested):
    orphan = QuestionFactory()

    results = reparse_questions([ingested, orphan])

    assert [r.ok for r in results] == [True, False]


def test_reparsing_what_the_current_parsers_ingested_changes_nothing(samples_dir):
    for path in sorted(samples_dir.iterdir()):
        ingest_file(path)
    assert Question.objects.exists()

    results = reparse_questions(Question.objects.order_by("pk"))

    assert [r.describe() for r in results if not r.ok or r.changed] == []


def test_a_question_read_from_two_sources_is_rebuilt_from_both(samples_dir):
    # The plain list (000) prints no heading; the question page (001) does, and names
    # another role for the answerer, which ingest kept as a warning.
    for path in sorted(samples_dir.iterdir())[:2]:
        ingest_file(path)
    question = Question.objects.get(provenance__source__path__endswith="001_637a8e166194ae8f.txt")
    heading, warnings = question.heading, question.parse_warnings
    assert heading and warnings
    question = misparse(question, heading="", parse_warnings=[])

    result = reparse_question(question)

    question.refresh_from_db()
    assert result.changed == ["heading", "parse_warnings"]
    assert question.heading == heading
    assert question.parse_warnings == warnings


def test_a_question_from_an_older_and_a_newer_scrape_reparses_as_ingest_merged_it(tmp_path):
    current = SHARED / "real" / "twfy-xml" / "answers2009-10-28c.xml"
    if not current.exists():
        pytest.skip(f"real samples not found at {current.parent}")
    older = current.read_bytes().replace(b'latest="yes"', b'latest="no"', 1)
    older = older.replace(b"winter fuel payment", b"winter fuel paymnet")
    (tmp_path / "answers2009-10-28a.xml").write_bytes(older)
    for path in (tmp_path / "answers2009-10-28a.xml", current):
        assert ingest_file(path).status == "ingested"
    question = Question.objects.filter(question_text__contains="winter fuel payment").first()
    assert question.provenance.count() == 2 and not question.superseded

    assert reparse_question(question).changed == []
    # The older block alone would bring back its typo and mark the question superseded.
    question = misparse(question, question_text="?", superseded=True, parse_warnings=["x"])
    assert reparse_question(question).changed == ["question_text", "superseded", "parse_warnings"]
    question.refresh_from_db()
    assert "winter fuel payment" in question.question_text
    assert (question.superseded, question.parse_warnings) == (False, [])


def test_a_holding_reply_and_the_answer_reparse_as_ingest_merged_them(tmp_path):
    answered = json.loads((DOCUMENTS / "api_single_expanded.json").read_text(encoding="utf-8"))
    answered["value"].update(answerIsCorrection=False, dateAnswerCorrected=None)
    holding = copy.deepcopy(answered)
    holding["value"].update(
        answerIsHolding=True,
        answerText="<p>I will reply to the hon. Member as soon as possible.</p>",
        dateHoldingAnswer=holding["value"]["dateTabled"],
    )
    for name, record in (("holding.json", holding), ("answered.json", answered)):
        (tmp_path / name).write_text(json.dumps(record))
        assert ingest_file(tmp_path / name).status == "ingested"
    question = Question.objects.get()
    assert question.status == "answered"
    assert "as soon as possible" not in question.answer_text
    assert question.parse_warnings == []

    assert reparse_question(question).changed == []
