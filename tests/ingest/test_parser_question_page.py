"""Single-question page: heading, dates on their own lines, answerer block, page furniture."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ingest.parsers import question_page
from ingest.parsers.base import (
    ANSWERED,
    COMMONS,
    HOLDING,
    UNANSWERED,
    ParsedMember,
    ParsedQuestion,
)

PAGE = "\n".join(
    [
        "Knife Crime: Young People",
        "",
        "(asked on 3rd March 2022) - View Source",
        "",
        "Asked by: Stella Creasy (Labour (Co-op) - Walthamstow)",
        "",
        "Question to the Home Office:",
        "",
        "To ask the Secretary of State for the Home Department, what steps she is taking to"
        " reduce knife crime among young people.",
        "",
        "",
        "Answered by",
        "Kit Malthouse Portrait",
        "Kit Malthouse",
        "Minister of State (Home Office)",
        "This question was answered on 9th March 2022",
        "",
        "The Government is determined to tackle knife crime.",
        "",
        "We have invested £130.5 million this year.",
        "",
        "Share this question",
        "",
        "Reticulating Splines",
    ]
)


def parse_one(text: str) -> ParsedQuestion:
    document = question_page.parse(text)
    assert document.layout == "question-page"
    (question,) = document.questions
    return question


def test_page_gives_heading_dates_asker_and_answerer() -> None:
    question = parse_one(PAGE)

    assert question.heading == "Knife Crime: Young People"
    assert question.date_tabled == dt.date(2022, 3, 3)
    assert question.date_answered == dt.date(2022, 3, 9)
    assert question.asker == ParsedMember(
        name="Stella Creasy", party="Labour (Co-op)", seat="Walthamstow", house=COMMONS
    )
    assert question.department == "Home Office"
    assert question.answerer == ParsedMember(name="Kit Malthouse")
    assert question.answerer_role == "Minister of State (Home Office)"
    assert (question.house, question.status, question.warnings) == (COMMONS, ANSWERED, [])


def test_photo_caption_share_link_and_loading_text_are_not_part_of_the_record() -> None:
    question = parse_one(PAGE)

    assert question.answer_text == (
        "The Government is determined to tackle knife crime.\n\n"
        "We have invested £130.5 million this year."
    )
    assert question.raw_text.startswith("Knife Crime: Young People")
    assert question.raw_text.endswith("We have invested £130.5 million this year.")


def test_page_without_an_asker_line_has_no_asker() -> None:
    question = parse_one(PAGE.replace("Asked by: Stella Creasy (Labour (Co-op) - Walthamstow)", ""))

    assert question.asker is None
    assert question.house == COMMONS
    assert question.warnings == []


def test_answerer_and_role_on_one_line() -> None:
    text = PAGE.replace(
        "Answered by\nKit Malthouse Portrait\nKit Malthouse\nMinister of State (Home Office)",
        "Answered by Kit Malthouse - Minister of State (Home Office)",
    )

    question = parse_one(text)

    assert (question.answerer.name, question.answerer_role) == (
        "Kit Malthouse",
        "Minister of State (Home Office)",
    )
    assert question.date_answered == dt.date(2022, 3, 9)


def test_answerer_block_without_an_answered_on_line() -> None:
    text = PAGE.replace("This question was answered on 9th March 2022\n", "")

    question = parse_one(text)

    assert question.answerer_role == "Minister of State (Home Office)"
    assert question.date_answered is None
    assert question.answer_text.startswith("The Government is determined")


def test_role_printed_on_several_lines_is_kept_in_order() -> None:
    text = PAGE.replace(
        "Minister of State (Home Office)", "Minister of State (Home Office)\nMinister for Policing"
    )

    assert parse_one(text).answerer_role == "Minister of State (Home Office); Minister for Policing"


def test_photo_caption_alone_names_the_answerer() -> None:
    text = PAGE.replace("Kit Malthouse Portrait\nKit Malthouse\n", "Kit Malthouse Portrait\n")

    question = parse_one(text)

    assert (question.answerer.name, question.answerer_role) == (
        "Kit Malthouse",
        "Minister of State (Home Office)",
    )


def test_unanswered_page_keeps_furniture_out_of_the_question() -> None:
    unanswered = PAGE.split("Answered by")[0] + "Share this question\nReticulating Splines\n"

    question = parse_one(unanswered)

    assert question.status == UNANSWERED
    assert (question.answer_text, question.answerer) == ("", None)
    assert question.question_text.endswith("knife crime among young people.")


def test_holding_answer_line_without_an_answer_means_holding() -> None:
    text = PAGE.split("Answered by")[0] + "This question received a holding answer on 8 March 2022"

    question = parse_one(text)

    assert question.status == HOLDING
    assert question.date_holding_answer == dt.date(2022, 3, 8)


def test_site_furniture_above_the_heading_is_not_the_heading() -> None:
    text = "Skip to main content\nMenu\n" + PAGE

    assert parse_one(text).heading == "Knife Crime: Young People"


def test_uin_line_gives_the_uin() -> None:
    text = PAGE.replace("(asked on", "UIN 138258\n(asked on")

    assert parse_one(text).uin == "138258"


def test_stray_line_before_the_question_is_dropped_with_a_warning() -> None:
    text = PAGE.replace(
        "Question to the Home Office:", "Tabled in the last session\nQuestion to the Home Office:"
    )

    question = parse_one(text)

    assert question.question_text.startswith("To ask the Secretary of State")
    assert question.warnings == ["ignored text before the question: 'Tabled in the last session'"]


@pytest.mark.parametrize("heading", ["Question", "Answer"])
def test_question_and_answer_headings_are_page_furniture(heading: str) -> None:
    text = PAGE.replace("Question to the Home Office:", f"{heading}\nQuestion to the Home Office:")
    text = text.replace("Answered by", f"{heading}\nAnswered by")

    question = parse_one(text)

    assert dataclasses.replace(question, raw_text="") == dataclasses.replace(
        parse_one(PAGE), raw_text=""
    )


def test_sniff_wants_one_question_with_page_structure() -> None:
    assert question_page.sniff(PAGE)
    assert not question_page.sniff(PAGE + "\n" + PAGE)
    assert not question_page.sniff("The Government is determined to tackle knife crime.")


def test_a_date_line_above_the_record_is_not_the_heading() -> None:
    text = PAGE.replace("(asked on 3rd March 2022) - View Source", "Thursday 3rd March 2022")

    assert parse_one(text).heading == "Knife Crime: Young People"


CARD = [
    "Asked by",
    "Stella Creasy",
    "Labour (Co-op) - Walthamstow",
    "Chair, Labour Movement for Europe",
    "Other questions by Stella Creasy",
    "Prisons: Drugs",
    "Asked 2nd March 2022",
]
WITHOUT_ASKER = PAGE.replace("Asked by: Stella Creasy (Labour (Co-op) - Walthamstow)", "")
CREASY = ParsedMember(
    name="Stella Creasy", party="Labour (Co-op)", seat="Walthamstow", house=COMMONS
)


def test_the_askers_card_printed_after_the_answer_names_the_asker() -> None:
    # A page's side column, saved after the main one.
    question = parse_one("\n".join([WITHOUT_ASKER, *CARD]))

    assert question.asker == CREASY
    assert question.answer_text == parse_one(PAGE).answer_text


def test_the_askers_card_printed_before_the_heading_leaves_the_heading() -> None:
    question = parse_one("\n".join([*CARD, WITHOUT_ASKER]))

    assert question.asker == CREASY
    assert question.heading == "Knife Crime: Young People"
    assert question.answer_text == parse_one(PAGE).answer_text


def test_a_party_line_under_the_asker_is_not_the_heading() -> None:
    text = PAGE.replace(
        "Asked by: Stella Creasy (Labour (Co-op) - Walthamstow)",
        "Asked by: Stella Creasy\nLabour (Co-op) - Walthamstow",
    ).replace("Knife Crime: Young People", "")

    question = parse_one(text)

    assert (question.heading, question.asker) == ("", CREASY)


@pytest.mark.parametrize("answered_on", ["Answered on\n10 March 2021", "Answered on 10 March 2021"])
def test_the_official_sites_page_without_answered_by_label(answered_on: str) -> None:
    # questions-statements.parliament.uk: "UIN …, tabled on …" on one line, members' cards
    # without labels, and the answer after "Answered on" and the minister's card.
    text = "\n".join(
        [
            "Question for Home Office",
            "UIN HL13568, tabled on 24 February 2021",
            "To ask His Majesty's Government what plans they have to amend the Modern Slavery Act.",
            answered_on,
            "Baroness Williams of Trafford",
            "Conservative",
            "Life peer",
            "The Government is committed to tackling modern slavery.",
            "We have allocated £2 million to the police.",
        ]
    )

    question = parse_one(text)

    assert (question.uin, question.date_tabled) == ("HL13568", dt.date(2021, 2, 24))
    assert question.date_answered == dt.date(2021, 3, 10)
    assert question.question_text.endswith("the Modern Slavery Act.")
    assert question.answerer == ParsedMember(name="Baroness Williams of Trafford")
    assert question.answer_text == (
        "The Government is committed to tackling modern slavery.\n\n"
        "We have allocated £2 million to the police."
    )
    assert question.status == ANSWERED


def test_a_fact_read_in_the_answer_does_not_replace_the_pages_own() -> None:
    text = PAGE.replace(
        "We have invested £130.5 million this year.",
        "We have invested £130.5 million this year.\n\nTabled on 3 May 2020.",
    )

    assert parse_one(text).date_tabled == dt.date(2022, 3, 3)


def test_the_askers_card_under_an_unanswered_question_is_not_question_text() -> None:
    unanswered = WITHOUT_ASKER.split("\nAnswered by")[0]

    question = parse_one("\n".join([unanswered, *CARD]))

    assert question.asker == CREASY
    assert question.question_text.endswith("reduce knife crime among young people.")
    assert question.status == UNANSWERED
