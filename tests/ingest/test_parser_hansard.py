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


def test_sniff_wants_the_title_or_a_column_line_and_a_printed_question() -> None:
    untitled = COMMONS_PAGE.replace("Written Answers to Questions", "Debates")
    assert not hansard.sniff(untitled.replace(" : Column 773W", "").replace(" : Column 774W", ""))
    assert not hansard.sniff("Written Answers\nThe Minister: nothing was asked.")


def test_a_question_in_parts_is_a_question_a_part_sharing_the_answer() -> None:
    page = "\n".join(
        [
            "Written Answers to Questions",
            "Tuesday 19 July 2011",
            "Home Department",
            "Asylum",
            "Mr Hollobone: To ask the Secretary of State for the Home Department (1) how many"
            " asylum applications were received in 2010; [67101]",
            "(2) how many asylum applications were refused in 2010. [67102]",
            "Damian Green: The information requested is given in the following table:",
            "Year Applications Refused",
            "2010 17,790 13,020",
            "Mr Bain: To ask the Secretary of State for the Home Department how many licences"
            " were revoked in 2010. [67047]",
            "Lynne Featherstone [holding answer 12 July 2011]: No licences were revoked.",
        ]
    )

    received, refused, revoked = hansard.parse(page).questions

    assert received.question_text == (
        "To ask the Secretary of State for the Home Department how many asylum applications"
        " were received in 2010"
    )
    assert refused.question_text.endswith("how many asylum applications were refused in 2010.")
    assert (received.uin, refused.uin) == ("67101", "67102")
    assert received.answer_text == refused.answer_text
    assert received.answer_text.endswith("2010 17,790 13,020")
    # One heading for the questions under it, until the next.
    assert received.heading == refused.heading == revoked.heading == "Asylum"
    assert revoked.answerer == ParsedMember(name="Lynne Featherstone")
    assert revoked.date_holding_answer == dt.date(2011, 7, 12)


def test_lords_pages_before_2010_print_who_asked_whom() -> None:
    page = "\n".join(
        [
            "Written Answers",
            "Thursday 3 April 2008",
            "Agriculture: Disease Testing",
            "Lord Taylor of Holbeach asked Her Majesty's Government:",
            "Why the fees for testing disinfectants increased by 98.7 per cent. [HL2876]",
            "The Minister of State, Department for Environment, Food and Rural Affairs (Lord"
            " Rooker): It is government policy that regimes should be cost-neutral.",
            "3 Apr 2008 : Column WA190",
            "Fees had not been revised since 1991.",
        ]
    )

    (question,) = hansard.parse(page).questions

    assert question.question_text == (
        "To ask Her Majesty's Government why the fees for testing disinfectants increased by"
        " 98.7 per cent."
    )
    assert (question.uin, question.house, question.asker) == (
        "HL2876",
        LORDS,
        ParsedMember(name="Lord Taylor of Holbeach"),
    )
    assert question.answerer == ParsedMember(name="Lord Rooker")
    assert question.answer_text.endswith("cost-neutral.\n\nFees had not been revised since 1991.")


def test_a_days_later_page_is_dated_by_its_column_lines() -> None:
    # Only a day's first page has the title and the date; the rest carry both in columns.
    page = "\n".join(
        [
            "Previous Section Index Home Page",
            "Correspondence",
            "Mr. Bercow: To ask the Secretary of State for the Home Department how many letters"
            " he has received on asylum policy. [16911]",
            "Angela Eagle: No record is kept of the postal address of correspondents.",
            "28 Nov 2001 : Column: 957W",
            "Column 457",
            "Data Protection",
            "Harry Cohen : To ask the Secretary of State for the Home Department how many"
            " certificates he has signed. [17191]",
            "Mr. Blunkett : I have neither signed nor renewed any such certificates.",
        ]
    )

    assert parse_document(page.encode()).layout == hansard.LAYOUT
    first, second = hansard.parse(page).questions
    assert first.date_answered == second.date_answered == dt.date(2001, 11, 28)
    assert first.answer_text == "No record is kept of the postal address of correspondents."
    assert (second.asker, second.answerer) == (
        ParsedMember(name="Harry Cohen"),
        ParsedMember(name="Mr. Blunkett"),
    )
