"""Hansard's printed written answers: headings, "Name: To ask … [UIN]", the minister's answer."""

from __future__ import annotations

import datetime as dt

from ingest.detect import parse_document
from ingest.parsers import hansard
from ingest.parsers.base import ANSWERED, COMMONS, LORDS, ParsedMember

COMMONS_PAGE = "\n".join(
    [
        "Previous Section",
        "Index",
        "Home Page",
        "19 July 2011 : Column 773W",
        "Written Answers to Questions",
        "Tuesday 19 July 2011",
        "House of Commons Commission",
        "Catering",
        "Mr Leigh: To ask the hon. Member for Caithness, Sutherland and Easter Ross, representing"
        " the House of Commons Commission when it will respond to the report on catering. [67391]",
        "John Thurso: The Commission welcomes the report.",
        "It will consider the recommendations in September.",
        "Home Department",
        "Animal Experiments",
        "Mr Bain: To ask the Secretary of State for the Home Department how many licences were"
        " granted in 2010. [67046]",
        "Mr Bain: To ask the Secretary of State for the Home Department how many licences were"
        " refused in 2010. [67047]",
        "19 July 2011 : Column 774W",
        "The Parliamentary Under-Secretary of State for the Home Department (Lynne"
        " Featherstone): 32 licences were granted and none refused.",
        "Licences",
        "Totals",
        "Police: Finance",
        "Priti Patel: To ask the Secretary of State for the Home Department what funding police"
        " forces will receive. [67110]",
        "Lynne Featherstone: The settlement was published in February.",
    ]
)
LORDS_PAGE = "\n".join(
    [
        "Previous Section | Back to Table of Contents | Lords Hansard Home Page |",
        "6 Jun 2011 : Column WA1",
        "Written Answers",
        "Monday 6 June 2011",
        "Cornwall: Stannary Law",
        "Question",
        "Asked by Lord Berkeley",
        "To ask Her Majesty's Government whether stannary law can still be used in appropriate"
        " courts in Cornwall.[HL9224]",
        "The Minister of State, Ministry of Justice (Lord McNally): There is no special status for"
        " legislation which applies to Cornwall.",
        "Crown Prosecution Service: Charging",
        "Question",
        "Asked by Lord Thomas of Gresford",
        "To ask Her Majesty's Government what parliamentary scrutiny has taken place over"
        " charging.[HL9180]",
        "The Advocate-General for Scotland (Lord Wallace of Tankerness): The chief executive"
        " explained the transfer.",
    ]
)


def test_commons_answers_under_department_and_subject_headings() -> None:
    document = hansard.parse(COMMONS_PAGE)

    first, granted, refused, police = document.questions
    assert (first.heading, first.department, first.uin) == (
        "Catering",
        "House of Commons Commission",
        "67391",
    )
    assert first.asker == ParsedMember(name="Mr Leigh")
    assert first.question_text.endswith("respond to the report on catering.")
    assert first.answerer == ParsedMember(name="John Thurso")
    assert first.answer_text == (
        "The Commission welcomes the report.\n\nIt will consider the recommendations in September."
    )
    assert (first.house, first.status, first.date_answered) == (
        COMMONS,
        ANSWERED,
        dt.date(2011, 7, 19),
    )
    # Hansard's short department heading, by the name other sources give it.
    assert granted.department == refused.department == police.department == "Home Office"
    assert police.heading == "Police: Finance"


def test_questions_printed_together_share_the_answer_and_group_each_other() -> None:
    _, granted, refused, _ = hansard.parse(COMMONS_PAGE).questions

    assert granted.answer_text == refused.answer_text  # short lines above the next heading too
    assert granted.answer_text.startswith("32 licences were granted")
    assert granted.answer_text.endswith("Licences\n\nTotals")  # not the next headings
    assert (granted.grouped_uins, refused.grouped_uins) == (("67047",), ("67046",))
    assert granted.answerer == ParsedMember(name="Lynne Featherstone")
    assert (
        granted.answerer_role
        == "The Parliamentary Under-Secretary of State for the Home Department"
    )


def test_lords_answers_asked_by_and_the_minister_in_brackets() -> None:
    stannary, charging = hansard.parse(LORDS_PAGE).questions

    assert (stannary.heading, stannary.uin, stannary.house) == (
        "Cornwall: Stannary Law",
        "HL9224",
        LORDS,
    )
    assert stannary.asker == ParsedMember(name="Lord Berkeley")
    assert stannary.question_text.endswith("courts in Cornwall.")
    assert stannary.answerer == ParsedMember(name="Lord McNally")
    assert stannary.answerer_role == "The Minister of State, Ministry of Justice"
    assert stannary.answer_text.startswith("There is no special status")
    assert stannary.department == ""  # the Lords print no department headings
    assert charging.answerer == ParsedMember(name="Lord Wallace of Tankerness")


def test_pages_are_recognised_before_the_other_text_layouts() -> None:
    # A Lords page's "Written Answers" title and "Asked by" lines were read as search results,
    # the answer running into the question.
    for page in (COMMONS_PAGE, LORDS_PAGE):
        assert parse_document(page.encode()).layout == hansard.LAYOUT


def test_sniff_wants_the_title_and_a_printed_question() -> None:
    assert not hansard.sniff(COMMONS_PAGE.replace("Written Answers to Questions", "Debates"))
    assert not hansard.sniff("Written Answers\nThe Minister: nothing was asked.")
