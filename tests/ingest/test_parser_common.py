"""The shared helpers every layout relies on: decoding, dates, members, House, references."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.parsers.base import COMMONS, LORDS, ParsedMember
from ingest.parsers.common import (
    Fact,
    FactKind,
    Label,
    block_text,
    date_line,
    decode_bytes,
    find_references,
    infer_house,
    is_furniture,
    join_paragraphs,
    label_of,
    lines_of,
    normalise_department,
    normalise_lines,
    normalise_space,
    parse_date,
    parse_member,
    portrait_of,
    question_house,
    read_fact,
    read_facts,
    read_split_fact,
    split_on_dash,
    utf16_without_bom,
)

# "\u2019" is the curly apostrophe real documents use.
POUND_AND_APOSTROPHE = "The Government\u2019s grant of £2 million"

# --- decoding ------------------------------------------------------------------------------------


def test_utf8_is_decoded_as_utf8() -> None:
    assert decode_bytes(POUND_AND_APOSTROPHE.encode("utf-8")) == POUND_AND_APOSTROPHE


def test_utf8_byte_order_mark_is_dropped() -> None:
    data = b"\xef\xbb\xbf" + POUND_AND_APOSTROPHE.encode("utf-8")

    assert decode_bytes(data) == POUND_AND_APOSTROPHE


def test_windows_1252_keeps_pound_sign_and_curly_apostrophe() -> None:
    # charset-normalizer alone reads this as cp1250 and turns "£" into "Ł".
    assert decode_bytes(POUND_AND_APOSTROPHE.encode("cp1252")) == POUND_AND_APOSTROPHE


def test_utf16_with_byte_order_mark_is_decoded() -> None:
    assert decode_bytes(POUND_AND_APOSTROPHE.encode("utf-16")) == POUND_AND_APOSTROPHE


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_told_by_its_zero_bytes(encoding) -> None:
    assert utf16_without_bom(POUND_AND_APOSTROPHE.encode(encoding)) == encoding
    assert decode_bytes(POUND_AND_APOSTROPHE.encode(encoding)) == POUND_AND_APOSTROPHE


def test_binary_zeros_on_both_sides_are_not_utf16() -> None:
    assert utf16_without_bom(bytes(range(256)) * 4) is None
    assert utf16_without_bom(b"\x00" * 64) is None


# --- whitespace, lines, paragraphs ---------------------------------------------------------------


def test_whitespace_including_non_breaking_spaces_collapses() -> None:
    assert normalise_space("  what\xa0 plans\u202fthey\t have \n") == "what plans they have"


def test_invisible_characters_are_removed() -> None:
    assert normalise_space("Home\u200b Office\xad") == "Home Office"


def test_normalised_lines_keep_their_breaks_and_drop_blank_ones() -> None:
    assert (
        normalise_lines("  Table A\xa0:  fees \r\n\n\t2004-05 |  £4 \n")
        == "Table A : fees\n2004-05 | £4"
    )


def test_lines_skip_blank_lines_and_keep_their_place_in_the_document() -> None:
    text = "first  \r\n\r\n  second\r\n"

    lines = lines_of(text)

    assert [line.text for line in lines] == ["first", "second"]
    assert block_text(text, lines) == "first  \r\n\r\n  second"


def test_old_mac_line_endings_split_lines() -> None:
    assert [line.text for line in lines_of("one\rtwo\r")] == ["one", "two"]


def test_paragraphs_are_separated_by_a_blank_line() -> None:
    assert join_paragraphs(["  one\xa0 a ", "", "two"]) == "one a\n\ntwo"


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Thursday 28th March 2019", dt.date(2019, 3, 28)),
        ("(asked on 24th February 2021) - View Source", dt.date(2021, 2, 24)),
        ("1st May 2020", dt.date(2020, 5, 1)),
        ("2nd June 2020", dt.date(2020, 6, 2)),
        ("23rd July 2020", dt.date(2020, 7, 23)),
        ("10 March 2021", dt.date(2021, 3, 10)),
        ("Mon, 3 Feb 2020", dt.date(2020, 2, 3)),
        ("the 5th of November 2019", dt.date(2019, 11, 5)),
        ("March 28, 2019", dt.date(2019, 3, 28)),
        ("2024-08-30T00:00:00", dt.date(2024, 8, 30)),
        ("2013-11-01T23:30:00-05:00", dt.date(2013, 11, 1)),
        ("28/03/2019", dt.date(2019, 3, 28)),
    ],
)
def test_dates_are_read_in_the_forms_documents_print(text: str, date: dt.date) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["31st February 2021", "no date here", "March 2019", ""])
def test_impossible_or_missing_dates_are_none(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("0001-01-02", None),
        ("9999-12-31T00:00:00", None),
        ("1 January 1024", None),
        ("4 March 1803", dt.date(1803, 3, 4)),
    ],
)
def test_years_no_written_answer_was_given_in_are_not_dates(text: str, date) -> None:
    # Export placeholders and typing slips: stored, they would sort first or last forever.
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "text",
    [
        "24.02.2021",
        "24-02-2021",
        "24/02/21",
        "24-02-21",
        "24/02/2021",
        "(asked on 24.02.2021)",
        "24-Feb-2021",
        "2021/02/24",
    ],
)
def test_numeric_dates_are_day_first_with_any_separator(text: str) -> None:
    assert parse_date(text) == dt.date(2021, 2, 24)


def test_numbered_paragraphs_are_not_dates() -> None:
    assert parse_date("see paragraph 3.2.10 and the 2019/20 figures") is None


def test_date_line_must_be_only_a_date() -> None:
    assert date_line("Friday 21st December 2018") == dt.date(2018, 12, 21)
    assert date_line("Answered on Friday 21st December 2018 by the Minister") is None


# --- labels and fact lines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Asked by: Baroness Doocey (Liberal Democrat - Life peer)", Label.ASKED_BY),
        ("Asked by", Label.ASKED_BY),
        ("Question to the Department for Digital, Culture, Media and Sport:", Label.QUESTION_TO),
        ("To ask His Majesty's Government what steps they are taking.", Label.TO_ASK),
        ("Answered by Lord Greenhalgh", Label.ANSWERED_BY),
        ("Answered by", Label.ANSWERED_BY),
        ("Question to the Minister was answered, as the Department said. It was.", None),
        ("The Government is committed to tackling modern slavery.", None),
        # Answer lines that start like labels but do not name a department, a member or an
        # addressee.
        ("Questions for the review panel:", None),
        ("To ask for a review of a decision, write to the Planning Inspectorate.", None),
        ("To ask Mr. Chancellor of the Exchequer what revenue was raised.", Label.TO_ASK),
        ("Asked by the Committee, we reviewed it.", None),
        ("Asked by the Lord Bishop of St Albans", Label.ASKED_BY),
    ],
)
def test_record_labels_are_recognised(line: str, label: Label | None) -> None:
    assert label_of(line) == label


@pytest.mark.parametrize(
    ("line", "fact"),
    [
        (
            "(asked on 24th February 2021) - View Source",
            Fact(FactKind.TABLED, dt.date(2021, 2, 24)),
        ),
        (
            "This question was answered on 10th March 2021",
            Fact(FactKind.ANSWERED, dt.date(2021, 3, 10)),
        ),
        ("Answer due on 5 March 2021", Fact(FactKind.DUE, dt.date(2021, 3, 5))),
        (
            "This question received a holding answer on 4 March 2021",
            Fact(FactKind.HOLDING, dt.date(2021, 3, 4)),
        ),
        (
            "This answer was corrected on 12 November 2024",
            Fact(FactKind.CORRECTED, dt.date(2024, 11, 12)),
        ),
        ("[Withdrawn]", Fact(FactKind.WITHDRAWN)),
        ("UIN HL13568", Fact(FactKind.UIN, value="HL13568")),
        ("Grouped Questions: 16197, 16198", Fact(FactKind.GROUPED, value="16197 16198")),
        ("Answered on the understanding that this is long", None),
        ("UIN 9876, tabled on 3 March 2024", Fact(FactKind.UIN, value="9876")),
        ("Question No. 44.", Fact(FactKind.UIN, value="44")),
        # An answer's paragraph that starts with the words of a fact.
        ("Question number 5 in the National Travel Survey asked about buses.", None),
        ("UIN 12345 and UIN 12346 were answered together in January.", None),
    ],
)
def test_fact_lines_state_dates_and_identifiers(line: str, fact: Fact | None) -> None:
    assert read_fact(line) == fact


def test_a_line_may_state_two_facts_and_a_fact_its_date_on_the_next_line() -> None:
    assert read_facts("UIN HL13568, tabled on 24 February 2021") == [
        Fact(FactKind.UIN, value="HL13568"),
        Fact(FactKind.TABLED, date=dt.date(2021, 2, 24)),
    ]
    assert read_facts("Withdrawn on 1 April 2023, the old scheme was replaced") == []
    assert read_split_fact("Answered on", "10 March 2021") == Fact(
        FactKind.ANSWERED, date=dt.date(2021, 3, 10)
    )
    assert read_split_fact("Answered on", "the understanding that") is None


def test_furniture_lines_are_recognised_whole() -> None:
    assert is_furniture("Reticulating Splines")
    assert is_furniture("Showing 1 - 10 of 214 results")
    assert is_furniture("We use cookies to make this site work.")
    assert is_furniture("This website is using cookies. More info. That's Fine")
    assert is_furniture("\u00ab") and is_furniture("Next \u203a") and is_furniture("Previous page")
    assert not is_furniture("Next steps")
    assert is_furniture("Copyright \u00a9 2024 Parallel Parliament")
    assert not is_furniture("Copyright: Artificial Intelligence")  # a heading
    assert is_furniture("\u00ab Previous 1 2 3 Next \u00bb") and is_furniture("1 2 3 4 5 \u2026 12")
    assert not is_furniture("12 40")  # a table's row
    assert is_furniture("Cookies on UK Parliament")
    assert is_furniture("We use necessary cookies to make our site work.")
    assert is_furniture("Accept recommended cookies")
    assert not is_furniture("The Government will share this information with the police.")


def test_portrait_caption_names_the_member() -> None:
    assert portrait_of("Baroness Williams of Trafford Portrait") == "Baroness Williams of Trafford"
    assert portrait_of("Baroness Williams of Trafford") == ""


# --- departments and members ---------------------------------------------------------------------


def test_department_drops_leading_the_and_collapses_spaces() -> None:
    assert normalise_department("the  Home Office:") == "Home Office"


def test_department_with_commas_is_kept_whole() -> None:
    name = "Department for Digital, Culture, Media and Sport"

    assert normalise_department(f"the {name}") == name


def test_upper_case_hansard_section_title_becomes_title_case() -> None:
    assert normalise_department("CULTURE, MEDIA AND SPORT") == "Culture, Media and Sport"
    assert normalise_department("ATTORNEY-GENERAL") == "Attorney-General"


def test_party_with_parentheses_is_kept_whole() -> None:
    member = parse_member("Stella Creasy (Labour (Co-op) - Walthamstow)")

    assert member == ParsedMember(
        name="Stella Creasy", party="Labour (Co-op)", seat="Walthamstow", house=COMMONS
    )


def test_a_dash_spaced_on_one_side_splits_name_and_role() -> None:
    assert split_on_dash("Lord Hanson of Flint -Minister of State") == (
        "Lord Hanson of Flint",
        "Minister of State",
    )
    assert split_on_dash("Anne-Marie Trevelyan") == ("Anne-Marie Trevelyan", "")


def test_hyphenated_seat_is_not_split() -> None:
    member = parse_member("Angela Rayner (Labour - Ashton-under-Lyne)")

    assert (member.party, member.seat) == ("Labour", "Ashton-under-Lyne")


def test_party_and_seat_parted_by_a_comma() -> None:
    member = parse_member("Yvette Cooper (Labour, Normanton, Pontefract and Castleford)")
    assert (member.party, member.seat, member.house) == (
        "Labour",
        "Normanton, Pontefract and Castleford",
        COMMONS,
    )
    peer = parse_member("Lord Hanson of Flint (Labour (Co-op), Life peer)")
    assert (peer.party, peer.seat, peer.house) == ("Labour (Co-op)", "Life peer", LORDS)
    # A dash still splits first: the comma then belongs to the seat.
    assert parse_member("A B (Labour - Normanton, Pontefract)").party == "Labour"


def test_peer_is_a_member_of_the_lords() -> None:
    assert parse_member("Baroness Doocey (Liberal Democrat - Life peer)").house == LORDS
    assert parse_member("Lord Laming (Crossbench)").house == LORDS


def test_constituency_named_after_a_bishop_is_in_the_commons() -> None:
    assert parse_member("Sam Rushworth (Labour - Bishop Auckland)").house == COMMONS


def test_member_without_brackets_is_a_name_only() -> None:
    assert parse_member("Clive Betts") == ParsedMember(name="Clive Betts")


def test_role_with_hyphens_splits_at_the_first_spaced_dash() -> None:
    line = (
        "Lord Markham - Parliamentary Under-Secretary of State"
        " (Department of Health and Social Care)"
    )

    assert split_on_dash(line) == (
        "Lord Markham",
        "Parliamentary Under-Secretary of State (Department of Health and Social Care)",
    )


def test_dash_inside_parentheses_does_not_split() -> None:
    assert split_on_dash("Jane Doe (Minister - acting) - Home Office") == (
        "Jane Doe (Minister - acting)",
        "Home Office",
    )


def test_name_without_role_has_empty_role() -> None:
    assert split_on_dash("Lord Greenhalgh") == ("Lord Greenhalgh", "")


# --- the House -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "house"),
    [
        ("To ask His Majesty's Government what steps they are taking", LORDS),
        ("To ask Her Majesty\u2019s Government what steps they are taking", LORDS),
        ("To ask the Secretary of State for the Home Department, what steps", COMMONS),
        ("To ask the Prime Minister, if he will list his engagements", COMMONS),
        ("To ask the Minister for the Cabinet Office, how many", COMMONS),
        ("To ask the hon. Member for Perth, representing the Commission, how", COMMONS),
        ("To ask the Senior Deputy Speaker what plans there are", LORDS),
        ("To ask the Leader of the House what plans there are", ""),
    ],
)
def test_question_wording_tells_the_house(question: str, house: str) -> None:
    assert question_house(question) == house


def test_shared_wording_falls_back_to_the_asker() -> None:
    asker = parse_member("Lord Laming (Crossbench - Life peer)")

    assert infer_house("To ask the Leader of the House what plans", asker) == (LORDS, [])


def test_unknown_house_is_empty_with_a_warning() -> None:
    house, warnings = infer_house("To ask the Leader of the House what plans", None)

    assert house == ""
    assert warnings == ["could not tell the House from the question's wording or the asker"]


# --- references ----------------------------------------------------------------------------------


def test_lords_question_number_in_brackets_is_a_reference() -> None:
    text = "further to the Written Answer by Baroness Williams on 21 December 2018 (HL12231), when"

    assert find_references(text) == ("HL12231",)


def test_commons_question_number_after_question_is_a_reference() -> None:
    assert find_references("pursuant to the Answer of 20 July 2017 to Question 6504, what") == (
        "6504",
    )


def test_bracketed_commons_number_is_a_reference() -> None:
    assert find_references("on 20 November (187328), why they do not publish") == ("187328",)


def test_several_questions_are_all_references() -> None:
    assert find_references("to the Answers of 12 August 2024 to Questions 1263 and 1675") == (
        "1263",
        "1675",
    )


def test_scottish_question_number_is_a_reference() -> None:
    assert find_references("further to the answer to question S3W-27018 by Richard Lochhead") == (
        "S3W-27018",
    )


def test_short_bracketed_number_is_a_reference_only_after_a_date() -> None:
    assert find_references("further to the answer of 3 June 2024 (1554), what") == ("1554",)
    assert find_references("answered on 3 June (554), what") == ("554",)
    assert find_references("offences (554) recorded by Grampian police in 2008-09") == ()
    assert find_references("rose from 1,200 (2008-09) to (1554) in the year") == ()


def test_bracketed_year_is_not_a_reference() -> None:
    assert find_references("the International Health Regulations (2005) (IHR) in 2020/21") == ()


def test_enumerations_are_not_references() -> None:
    assert find_references("to amend the Act (1) to reflect, and (2) to combat") == ()


def test_references_are_unique_in_order_across_texts_and_skip_the_own_uin() -> None:
    references = find_references("(HL2) and (HL1)", "see (HL1) and (HL3)", exclude="HL3")

    assert references == ("HL2", "HL1")
