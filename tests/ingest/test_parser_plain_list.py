"""Plain list: repeated Asked by / Question to / To ask / Answered by records."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.parsers import plain_list
from ingest.parsers.base import (
    ANSWERED,
    COMMONS,
    LORDS,
    UNANSWERED,
    WITHDRAWN,
    ParsedMember,
    ParsedQuestion,
)

LORDS_RECORD = "\n".join(
    [
        "Asked by: Lord Laming (Crossbench - Life peer)",
        "Question to the Department for Education:",
        "To ask His Majesty's Government what action they are taking to prevent children in care"
        " from going missing.",
        "Answered by Baroness Barran - Parliamentary Under-Secretary of State"
        " (Department for Education)",
        "We are clear that the right care placements are vital.",
        "Local councils are improving their data.",
        "",
    ]
)
DCMS = "Department for Digital, Culture, Media and Sport"
COMMONS_RECORD = "\n".join(
    [
        "Asked by: Stella Creasy (Labour (Co-op) - Walthamstow)",
        f"Question to the {DCMS}:",
        "To ask the Secretary of State for Digital, Culture, Media and Sport, what support she is"
        " giving to local museums.",
        f"Answered by Sir John Whittingdale - Minister of State ({DCMS})",
        "Museums received £1.57 billion through the Culture Recovery Fund.",
        "",
    ]
)


def parse_one(text: str) -> ParsedQuestion:
    document = plain_list.parse(text)
    assert len(document.questions) == 1, document
    return document.questions[0]


def test_each_asked_by_line_starts_a_record() -> None:
    document = plain_list.parse(LORDS_RECORD + COMMONS_RECORD)

    assert document.layout == "plain-list"
    assert [q.asker.name for q in document.questions] == ["Lord Laming", "Stella Creasy"]


def test_record_fields_are_read_from_their_lines() -> None:
    question = parse_one(LORDS_RECORD)

    assert question.asker == ParsedMember(
        name="Lord Laming", party="Crossbench", seat="Life peer", house=LORDS
    )
    assert question.department == "Department for Education"
    assert question.question_text.startswith("To ask His Majesty's Government what action")
    assert question.answerer == ParsedMember(name="Baroness Barran")
    assert question.answerer_role == (
        "Parliamentary Under-Secretary of State (Department for Education)"
    )
    assert question.answer_text == (
        "We are clear that the right care placements are vital.\n\n"
        "Local councils are improving their data."
    )
    assert (question.house, question.status, question.warnings) == (LORDS, ANSWERED, [])


def test_commons_record_keeps_party_brackets_and_department_commas() -> None:
    question = parse_one(COMMONS_RECORD)

    assert question.house == COMMONS
    assert (question.asker.party, question.asker.seat) == ("Labour (Co-op)", "Walthamstow")
    assert question.department == "Department for Digital, Culture, Media and Sport"
    assert question.answerer_role == (
        "Minister of State (Department for Digital, Culture, Media and Sport)"
    )
    assert (
        question.answer_text == "Museums received £1.57 billion through the Culture Recovery Fund."
    )


def test_answered_by_without_role_leaves_role_empty() -> None:
    question = parse_one(LORDS_RECORD.replace(" - Parliamentary Under-Secretary of State", ""))

    assert question.answerer == ParsedMember(name="Baroness Barran (Department for Education)")
    assert question.answerer_role == ""


def test_last_record_answered_by_a_name_alone() -> None:
    text = LORDS_RECORD + COMMONS_RECORD.replace(
        f"Sir John Whittingdale - Minister of State ({DCMS})", "Lord Greenhalgh"
    )

    last = plain_list.parse(text).questions[-1]

    assert (last.answerer.name, last.answerer_role) == ("Lord Greenhalgh", "")


def test_question_with_no_answer_yet_is_unanswered() -> None:
    text = "\n".join(LORDS_RECORD.splitlines()[:3]) + "\n" + COMMONS_RECORD

    first, second = plain_list.parse(text).questions

    assert (first.status, first.answer_text, first.answerer) == (UNANSWERED, "", None)
    assert second.status == ANSWERED


def test_extra_blank_lines_and_trailing_whitespace_change_nothing() -> None:
    spaced = "\n\n".join(line + "   \t" for line in LORDS_RECORD.splitlines()) + "\n\n\n"

    question = parse_one(spaced)
    expected = parse_one(LORDS_RECORD)

    assert question.answer_text == expected.answer_text
    assert question.question_text == expected.question_text
    assert question.answerer_role == expected.answerer_role


def test_crlf_line_endings_are_read_and_raw_text_keeps_them() -> None:
    text = LORDS_RECORD.replace("\n", "\r\n")

    question = parse_one(text)

    assert question.answer_text == parse_one(LORDS_RECORD).answer_text
    assert question.raw_text == text.rstrip("\r\n")


def test_raw_text_is_the_exact_block_of_each_record() -> None:
    first, second = plain_list.parse(LORDS_RECORD + COMMONS_RECORD).questions

    assert first.raw_text == LORDS_RECORD.rstrip("\n")
    assert second.raw_text == COMMONS_RECORD.rstrip("\n")


def test_department_line_before_asker_line_is_still_one_record() -> None:
    lines = LORDS_RECORD.splitlines()
    reordered = "\n".join([lines[1], lines[0], *lines[2:]])

    question = parse_one(reordered)

    assert (question.asker.name, question.department) == ("Lord Laming", "Department for Education")


def test_missing_asker_line_is_a_warning() -> None:
    question = parse_one("\n".join(LORDS_RECORD.splitlines()[1:]))

    assert question.asker is None
    assert question.house == LORDS
    assert question.warnings == ["no 'Asked by' line"]


def test_missing_department_line_is_a_warning() -> None:
    lines = LORDS_RECORD.splitlines()

    question = parse_one("\n".join([lines[0], *lines[2:]]))

    assert question.department == ""
    assert question.warnings == ["no 'Question to the …' line: the answering department is unknown"]


def test_question_wrapped_over_several_lines_is_joined() -> None:
    text = LORDS_RECORD.replace(" what action they are taking", "\nwhat action they are\ntaking")

    assert parse_one(text).question_text == parse_one(LORDS_RECORD).question_text


def test_her_majestys_government_with_curly_apostrophe_is_lords() -> None:
    text = LORDS_RECORD.replace("His Majesty's", "Her Majesty\u2019s").replace(
        "Lord Laming (Crossbench - Life peer)", "Jo Bloggs"
    )

    assert parse_one(text).house == LORDS


def test_bare_asked_by_and_answered_by_labels_take_the_next_line() -> None:
    text = LORDS_RECORD.replace("Asked by: ", "Asked by\n").replace(
        "Answered by Baroness", "Answered by\nBaroness"
    )

    question = parse_one(text)

    assert question.asker.name == "Lord Laming"
    assert question.answerer.name == "Baroness Barran"
    assert question.answerer_role.startswith("Parliamentary Under-Secretary of State")
    assert question.answer_text == parse_one(LORDS_RECORD).answer_text


def test_uin_and_date_lines_are_read_when_printed() -> None:
    text = LORDS_RECORD.replace(
        "Question to the", "UIN HL1234\nTabled on 3 March 2021\nQuestion to the"
    )

    question = parse_one(text)

    assert question.uin == "HL1234"
    assert question.date_tabled == dt.date(2021, 3, 3)


def test_withdrawn_line_marks_the_question_withdrawn() -> None:
    text = "\n".join(LORDS_RECORD.splitlines()[:3]) + "\n[Withdrawn]\n"

    assert parse_one(text).status == WITHDRAWN


def test_trailing_page_furniture_is_not_answer_text() -> None:
    question = parse_one(LORDS_RECORD + "Share this page\nBack to top\n")

    assert question.answer_text.endswith("Local councils are improving their data.")
    assert "Back to top" not in question.raw_text


def test_answer_paragraph_starting_like_a_label_stays_in_the_answer() -> None:
    paragraph = (
        "Question to the Minister at the time was whether funding would continue. It will, "
        "and the Department has said so."
    )
    question = parse_one(LORDS_RECORD + paragraph + "\n")

    assert question.answer_text.endswith(paragraph)


def test_cited_question_numbers_become_references() -> None:
    text = LORDS_RECORD.replace("from going missing.", "from going missing (HL10798).")

    assert parse_one(text).references == ("HL10798",)


def test_text_before_the_first_record_is_ignored() -> None:
    question = parse_one("Questions tabled by Lord Laming\n\n" + LORDS_RECORD)

    assert question.raw_text.startswith("Asked by:")


def test_labels_without_a_question_text_are_skipped_with_a_reason() -> None:
    document = plain_list.parse("Asked by: Lord Laming (Crossbench - Life peer)\n")

    assert document.questions == []
    assert document.skip_reason == "has written-question labels but no record with a question text"


def test_sniff_needs_the_to_ask_formula_and_a_label() -> None:
    assert plain_list.sniff(LORDS_RECORD)
    assert not plain_list.sniff("To ask about the weather is polite.\nNothing else here.")
    assert not plain_list.sniff("Asked by: a friend\nAnswered by: nobody")


def test_an_answer_paragraph_starting_with_the_formula_stays_in_the_answer() -> None:
    text = (
        "Asked by: Jane Smith (Labour - Leeds North)\n"
        "Question to the Home Office:\n"
        "To ask the Secretary of State for the Home Department what steps she is taking.\n"
        "Answered by Joe Bloggs - Minister of State\n"
        "The Department answered a similar question last year.\n"
        "To ask the Secretary of State about this again would add nothing new.\n"
        "Asked by: John Doe (Conservative - Bath)\n"
        "Question to the Home Office:\n"
        "To ask the Secretary of State for the Home Department about fraud.\n"
        "Answered by Joe Bloggs - Minister of State\n"
        "Fraud is a priority.\n"
    )
    first, second = plain_list.parse(text).questions
    assert first.answer_text.endswith("would add nothing new.")
    assert second.asker.name == "John Doe"


def test_records_that_open_with_the_formula_still_split_after_an_answer() -> None:
    text = (
        "To ask the Secretary of State for Education about schools.\n"
        "Answered by Joe Bloggs - Minister of State\n"
        "Schools are funded.\n"
        "To ask the Secretary of State for Education about colleges.\n"
        "Answered by Joe Bloggs - Minister of State\n"
        "Colleges are funded.\n"
    )
    assert [q.answer_text for q in plain_list.parse(text).questions] == [
        "Schools are funded.",
        "Colleges are funded.",
    ]


@pytest.mark.parametrize("opening", ["Question to the Department for Transport:\n", ""])
def test_a_record_without_an_asker_after_one_with_is_a_record_of_its_own(opening: str) -> None:
    text = (
        f"{LORDS_RECORD}\n{opening}"
        "To ask His Majesty's Government what plans they have to reopen the Skipton railway.\n"
        "Answered by Lord Hendy of Richmond Hill - Minister of State (Department for Transport)\n"
        "The Department is considering the business case.\n"
    )

    first, second = plain_list.parse(text).questions

    assert first.answer_text == parse_one(LORDS_RECORD).answer_text
    assert second.asker is None
    assert second.question_text.endswith("reopen the Skipton railway.")
    assert second.answerer.name == "Lord Hendy of Richmond Hill"
    assert second.answer_text == "The Department is considering the business case."
