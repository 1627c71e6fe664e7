"""Search-results page: marker, heading and date above each record; furniture around them."""

from __future__ import annotations

import datetime as dt

from ingest.parsers import search_results
from ingest.parsers.base import ANSWERED, COMMONS, LORDS, UNANSWERED, ParsedMember

TOP_FURNITURE = "\n".join(
    [
        "To match an exact phrase, use quotation marks around the search term.",
        "",
        "View sample alert",
        "",
        "Keep yourself up-to-date by exploring our subscription options",
        "",
    ]
)
COMMONS_RESULT = "\n".join(
    [
        "Written Question",
        "Hospitals: Parking",
        "Tuesday 2nd July 2024",
        "",
        "Asked by: Angela Rayner (Labour - Ashton-under-Lyne)",
        "",
        "Question to the Department of Health and Social Care:",
        "",
        "To ask the Secretary of State for Health and Social Care, how much NHS trusts received"
        " in car parking charges in 2023.",
        "",
        "Answered by Andrew Stephenson - Minister of State (Department of Health and Social Care)",
        "",
        "The information requested is not held centrally.",
        "",
        "NHS trusts publish their accounts each year.",
        "",
    ]
)
LORDS_RESULT = "\n".join(
    [
        "Written Question",
        "Prisons: Drugs",
        "Monday 1st July 2024",
        "",
        "Asked by: Lord Bird (Crossbench - Life peer)",
        "",
        "Question to the Ministry of Justice:",
        "",
        "To ask His Majesty's Government what steps they are taking to reduce drug use in prisons.",
        "",
        "Answered by Lord Bellamy - Parliamentary Under-Secretary (Ministry of Justice)",
        "",
        "We are investing £100 million in prison security.",
        "",
    ]
)
PAGE = "\n".join([TOP_FURNITURE, COMMONS_RESULT, "", LORDS_RESULT, "Next page", ""])


def test_each_marker_starts_a_result_and_top_furniture_is_ignored() -> None:
    document = search_results.parse(PAGE)

    assert document.layout == "search-results"
    assert [q.heading for q in document.questions] == ["Hospitals: Parking", "Prisons: Drugs"]


def test_result_fields_are_read_from_header_and_record() -> None:
    question = search_results.parse(PAGE).questions[0]

    assert question.asker == ParsedMember(
        name="Angela Rayner", party="Labour", seat="Ashton-under-Lyne", house=COMMONS
    )
    assert question.department == "Department of Health and Social Care"
    assert question.answerer == ParsedMember(name="Andrew Stephenson")
    assert question.answerer_role == "Minister of State (Department of Health and Social Care)"
    assert question.answer_text == (
        "The information requested is not held centrally.\n\n"
        "NHS trusts publish their accounts each year."
    )
    assert (question.house, question.status, question.warnings) == (COMMONS, ANSWERED, [])


def test_date_under_the_heading_is_the_answer_date() -> None:
    first, second = search_results.parse(PAGE).questions

    assert (first.date_answered, first.date_tabled) == (dt.date(2024, 7, 2), None)
    assert second.date_answered == dt.date(2024, 7, 1)


def test_date_of_an_unanswered_result_is_the_tabling_date() -> None:
    unanswered = COMMONS_RESULT.split("Answered by")[0]

    (question,) = search_results.parse(unanswered).questions

    assert question.status == UNANSWERED
    assert (question.date_tabled, question.date_answered) == (dt.date(2024, 7, 2), None)


def test_pagination_after_the_last_result_is_not_answer_text() -> None:
    last = search_results.parse(PAGE).questions[-1]

    assert last.house == LORDS
    assert last.answer_text == "We are investing £100 million in prison security."
    assert last.raw_text == LORDS_RESULT.rstrip("\n")


def test_results_of_other_kinds_end_the_result_above_and_drop_out() -> None:
    debate = "\n".join(
        [
            "Parliamentary Debate",
            "Prisons Bill",
            "Monday 8th November 2021",
            "Lord Bird (CB)",
            "My Lords, to ask His Majesty's Government what they are doing about prisons.",
        ]
    )
    publication = "\n".join(
        [
            "Department Publication - Statistics",
            "Hospital car parking statistics",
            "Thursday 18th March 2021",
            "Department of Health and Social Care",
            "Found: statistics on car parking.",
        ]
    )
    page = "\n".join([COMMONS_RESULT, debate, publication, LORDS_RESULT])

    questions = search_results.parse(page).questions

    assert [q.heading for q in questions] == ["Hospitals: Parking", "Prisons: Drugs"]
    assert questions[0].answer_text.endswith("NHS trusts publish their accounts each year.")


def test_a_heading_that_reads_like_a_marker_is_the_heading() -> None:
    result = COMMONS_RESULT.replace("Hospitals: Parking", "Written Questions", 1)

    (question,) = search_results.parse("\n".join([TOP_FURNITURE, result])).questions

    assert question.heading == "Written Questions"


def test_page_numbers_after_the_last_result_are_not_answer_text() -> None:
    page = "\n".join([COMMONS_RESULT, LORDS_RESULT, "\u00ab", "1", "2", "3", "22", "\u00bb"])

    last = search_results.parse(page).questions[-1]

    assert last.answer_text == "We are investing £100 million in prison security."


def test_raw_text_is_the_exact_block_of_the_result() -> None:
    first = search_results.parse(PAGE).questions[0]

    assert first.raw_text == COMMONS_RESULT.rstrip("\n")


def test_crlf_page_reads_the_same() -> None:
    plain = search_results.parse(PAGE).questions
    crlf = search_results.parse(PAGE.replace("\n", "\r\n")).questions

    assert [q.answer_text for q in crlf] == [q.answer_text for q in plain]
    assert [q.date_answered for q in crlf] == [q.date_answered for q in plain]


def test_impossible_date_is_left_empty_with_a_warning() -> None:
    text = COMMONS_RESULT.replace("Tuesday 2nd July 2024", "Tuesday 31st June 2024")

    (question,) = search_results.parse(text).questions

    assert question.date_answered is None
    assert question.warnings == ["the result's date line is not a valid date"]


def test_result_without_a_question_drops_out() -> None:
    statement = "Written Statement\nPrisons Update\nMonday 1st July 2024\nThe Minister said more.\n"

    document = search_results.parse(statement + COMMONS_RESULT)

    assert [q.heading for q in document.questions] == ["Hospitals: Parking"]


def test_page_with_no_question_result_is_skipped_with_a_reason() -> None:
    document = search_results.parse("Written Statement\nPrisons Update\nThe Minister said.\n")

    assert document.questions == []
    assert document.skip_reason == "search results page with no written-question result"


def test_a_written_question_line_in_an_answer_does_not_make_search_results() -> None:
    plain = "\n".join(
        line
        for line in (COMMONS_RESULT + "\n" + LORDS_RESULT).split("\n")
        if line not in ("Written Question", "Hospitals: Parking", "Prisons: Drugs")
        and "July 2024" not in line
    )
    text = plain.replace(
        "NHS trusts publish their accounts each year.",
        "NHS trusts publish their accounts each year.\nWritten Question\nA second line.",
    )

    assert not search_results.sniff(text)


def test_sniff_wants_a_marker_and_a_record_label() -> None:
    assert search_results.sniff(PAGE)
    assert not search_results.sniff(COMMONS_RESULT.replace("Written Question\n", ""))
    assert not search_results.sniff("Written Question\nNothing else")


def test_results_without_marker_lines_are_found_by_heading_and_date() -> None:
    unmarked = PAGE.replace("Written Question\n", "")

    document = search_results.parse(unmarked)

    assert search_results.sniff(unmarked)
    assert [q.heading for q in document.questions] == ["Hospitals: Parking", "Prisons: Drugs"]
    assert [q.date_answered for q in document.questions] == [
        dt.date(2024, 7, 2),
        dt.date(2024, 7, 1),
    ]
    assert document.questions[0].answer_text.endswith(
        "NHS trusts publish their accounts each year."
    )


def test_one_unmarked_dated_record_is_not_claimed_as_search_results() -> None:
    assert not search_results.sniff(COMMONS_RESULT.replace("Written Question\n", ""))
