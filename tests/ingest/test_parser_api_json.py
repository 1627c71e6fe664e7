"""Parliament's written questions API saved as JSON, in each shape the API returns."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ingest.parsers import api_json
from ingest.parsers.base import (
    ANSWERED,
    COMMONS,
    CORRECTED,
    HOLDING,
    LORDS,
    UNANSWERED,
    WITHDRAWN,
    ParsedAttachment,
    ParsedDocument,
    ParsedMember,
    ParsedQuestion,
)

QUESTION = "To ask the Secretary of State for Justice, what is the status of HMP Guy's Marsh."


def api_record(**fields: Any) -> dict[str, Any]:
    """A list-endpoint record (members as bare ids, nothing answered) with ``fields`` set."""
    record = {
        "id": 1910754,
        "askingMemberId": 5089,
        "askingMember": None,
        "house": "Commons",
        "dateTabled": "2026-06-01T00:00:00",
        "dateForAnswer": "2026-06-03T00:00:00",
        "uin": "5851",
        "questionText": QUESTION,
        "answeringBodyName": "Ministry of Justice",
        "isWithdrawn": False,
        "groupedQuestions": [],
        "answerIsHolding": None,
        "answerIsCorrection": None,
        "answeringMemberId": None,
        "answeringMember": None,
        "dateAnswered": None,
        "answerText": None,
        "originalAnswerText": "",
        "dateAnswerCorrected": None,
        "dateHoldingAnswer": None,
        "heading": None,
        "attachments": [],
    }
    record.update(fields)
    return record


def parse(payload: Any) -> ParsedDocument:
    return api_json.parse(json.dumps(payload).encode("utf-8"))


def parse_one(**fields: Any) -> ParsedQuestion:
    (question,) = parse(api_record(**fields)).questions
    return question


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda r: r, id="bare record"),
        pytest.param(lambda r: {"value": r, "links": []}, id="value and links"),
        pytest.param(lambda r: [r], id="array of records"),
        pytest.param(lambda r: [{"value": r, "links": []}], id="array of value and links"),
        pytest.param(
            lambda r: {"totalResults": 1, "results": [{"value": r, "links": []}]},
            id="search envelope",
        ),
    ],
)
def test_every_shape_the_api_returns_is_read(shape: Any) -> None:
    document = parse(shape(api_record()))

    assert document.layout == "api-json"
    assert [q.source_id for q in document.questions] == ["1910754"]


def test_unanswered_list_record_fields() -> None:
    question = parse_one()

    assert question.question_text == QUESTION
    assert (question.house, question.uin, question.heading) == (COMMONS, "5851", "")
    assert question.department == "Ministry of Justice"
    assert question.date_tabled == dt.date(2026, 6, 1)
    assert question.date_for_answer == dt.date(2026, 6, 3)
    assert (question.status, question.answer_text, question.answerer) == (UNANSWERED, "", None)
    assert question.warnings == []


def test_member_known_only_by_id_has_an_empty_name() -> None:
    question = parse_one(answeringMemberId=4125)

    assert question.asker == ParsedMember(name="", parliament_id=5089)
    assert question.answerer == ParsedMember(name="", parliament_id=4125)


def test_expanded_member_gives_name_party_and_seat() -> None:
    member = {
        "id": 4099,
        "name": "Stella Creasy",
        "party": "Labour (Co-op)",
        "memberFrom": "Walthamstow",
    }

    question = parse_one(askingMemberId=4099, askingMember=member)

    assert question.asker == ParsedMember(
        name="Stella Creasy",
        party="Labour (Co-op)",
        seat="Walthamstow",
        house=COMMONS,
        parliament_id=4099,
    )


def test_answer_html_becomes_paragraphs() -> None:
    question = parse_one(
        answerText="<p>First &pound;5 paragraph.</p>\r\n"
        "<p>Second&nbsp;one, the Government&rsquo;s.</p>",
        dateAnswered="2026-06-05T00:00:00",
    )

    assert question.answer_text == "First £5 paragraph.\n\nSecond one, the Government\u2019s."
    assert (question.status, question.date_answered) == (ANSWERED, dt.date(2026, 6, 5))


def test_question_cut_at_255_characters_is_flagged_truncated() -> None:
    cut = ("To ask the Secretary of State for Justice, " + "what " * 60)[:255]

    question = parse_one(questionText=cut)

    assert question.question_truncated
    assert question.warnings == [
        "question text looks cut short by the API list export (255 characters)"
    ]


def test_answer_clipped_with_dots_is_flagged_truncated() -> None:
    question = parse_one(answerText="The table below sets out funding statistics. All of the g...")

    assert question.answer_truncated
    assert question.answer_text.endswith("g...")
    assert question.warnings == ["answer text is cut short by the API list export (ends in '...')"]


def test_full_texts_are_not_flagged() -> None:
    question = parse_one(answerText="<p>A full answer.</p>")

    assert not question.question_truncated
    assert not question.answer_truncated


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"isWithdrawn": True, "answerText": "<p>Text</p>"}, WITHDRAWN),
        ({"answerIsCorrection": True, "answerText": "<p>New</p>"}, CORRECTED),
        ({"answerIsHolding": True, "answerText": "<p>I will reply shortly.</p>"}, HOLDING),
        (
            {
                "answerIsHolding": False,
                "dateHoldingAnswer": "2024-09-09T00:00:00",
                "answerText": "<p>Final</p>",
            },
            ANSWERED,
        ),
        ({"dateAnswered": "2024-09-09T00:00:00"}, ANSWERED),
        ({}, UNANSWERED),
    ],
)
def test_status_follows_the_api_flags(fields: dict[str, Any], status: str) -> None:
    assert parse_one(**fields).status == status


def test_corrected_answer_keeps_the_original_beside_it() -> None:
    question = parse_one(
        answerIsCorrection=True,
        answerText="<p>Corrected figure: 12.</p>",
        originalAnswerText="<p>Figure: 21.</p>",
        dateAnswerCorrected="2024-11-26T00:00:00",
    )

    assert (question.answer_text, question.original_answer_text) == (
        "Corrected figure: 12.",
        "Figure: 21.",
    )
    assert question.date_answer_corrected == dt.date(2024, 11, 26)


def test_grouped_questions_and_attachments_are_kept() -> None:
    attachment = {
        "url": "https://example.org/a.xlsx",
        "title": "Table",
        "fileType": "Excel",
        "fileSizeBytes": 9,
    }

    question = parse_one(groupedQuestions=["2978", 17], attachments=[attachment, "junk"])

    assert question.grouped_uins == ("2978",)
    assert question.attachments == (
        ParsedAttachment(title="Table", url="https://example.org/a.xlsx", file_type="Excel"),
        ParsedAttachment(title="", url=""),
    )


def test_cited_questions_are_references() -> None:
    question = parse_one(
        questionText="To ask the Secretary of State, pursuant to Question 1758, how"
    )

    assert question.references == ("1758",)


def test_missing_house_is_inferred_with_a_warning_only_when_unknown() -> None:
    lords = parse_one(house=None, questionText="To ask His Majesty's Government whether")
    unknown = parse_one(house="Bicameral", questionText="To ask the Leader of the House whether")

    assert (lords.house, lords.warnings) == (LORDS, [])
    assert unknown.house == ""
    assert unknown.warnings == ["could not tell the House from the question's wording or the asker"]


def test_fields_of_the_wrong_type_are_ignored_not_fatal() -> None:
    question = parse_one(
        id=[1],
        uin=5.5,
        askingMemberId="x",
        askingMember=[],
        dateTabled=17,
        groupedQuestions="2978",
        attachments={"url": 1},
        heading=["x"],
    )

    assert (question.source_id, question.uin, question.heading) == ("", "", "")
    assert question.asker is None
    assert question.date_tabled is None
    assert (question.grouped_uins, question.attachments) == ((), ())
    assert question.warnings == []


def test_numbers_written_as_strings_and_strings_as_numbers_are_read() -> None:
    question = parse_one(uin=99005, askingMemberId="4597", askingMember=None)
    lords = parse_one(uin="hl5678", house="Lords")

    assert question.uin == "99005"
    assert question.asker.parliament_id == 4597
    assert lords.uin == "HL5678"


def test_record_without_question_text_is_left_out() -> None:
    with_text = api_record(id=1)
    without_text = api_record(id=2, questionText=None)

    assert [q.source_id for q in parse([with_text, without_text]).questions] == ["1"]
    assert parse([without_text]).skip_reason == (
        "written questions API records (1) without question text"
    )


def test_raw_text_is_the_record_as_json() -> None:
    item = {"value": api_record(), "links": [{"rel": "self", "href": "/Questions/1910754"}]}

    (question,) = parse([item]).questions

    assert json.loads(question.raw_text) == item


def test_json_that_is_not_api_records_is_not_a_question() -> None:
    document = parse({"name": "Jo", "items": [1, 2]})

    assert document.layout == "not-a-question"
    assert document.questions == []
    assert document.skip_reason == (
        "JSON, but not written questions API records: an object with keys 'name', 'items'"
    )


def test_array_of_other_things_is_not_a_question() -> None:
    assert parse([1, {"a": 2}]).skip_reason == (
        "JSON, but not written questions API records: an array of 2 item(s),"
        " none of them a question record"
    )


def test_empty_search_result_says_it_has_no_records() -> None:
    document = parse({"totalResults": 0, "results": []})

    assert document.layout == "api-json"
    assert document.skip_reason == "written questions API response with no records (totalResults 0)"


def test_broken_json_is_a_damaged_document() -> None:
    # A download cut off part-way: reported as a failure, so that it is fetched again.
    document = api_json.parse(b'[{"value": {"id": 19')

    assert (document.layout, document.damaged) == ("api-json", True)
    assert document.skip_reason.startswith("starts like JSON but does not parse (")


def test_sniff_looks_for_an_object_or_array_start() -> None:
    assert api_json.sniff(b'\xef\xbb\xbf  [{"value": {}}]')
    assert api_json.sniff(b'{"totalResults": 0}')
    assert not api_json.sniff(b"[Written Question]")
    assert not api_json.sniff(b"{\\rtf1 ...}")
    assert not api_json.sniff(b"Asked by: x")
