"""The parlparse / TheyWorkForYou written answers parser, as a specification.

Expected values were read from the sample files with grep, not produced by the parser.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.parsers import twfy_xml
from ingest.parsers.base import (
    ANSWERED,
    COMMONS,
    HOLDING,
    LORDS,
    SCOTTISH,
    UNANSWERED,
    ParsedDocument,
    ParsedQuestion,
)
from tests.ingest.mutations import damaged

# The repository and shared/ sit side by side (/work/main and /work/shared here; CI
# clones the repository next to a copy of shared/).
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "real" / "twfy-xml"
COMMONS_FILE = "answers2009-10-28c.xml"
LORDS_FILE = "lordswrans2009-10-27a.xml"
SCOTTISH_FILE = "spwa2009-10-27.xml"

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"real parlparse samples not found at {SAMPLES}"
)


@cache
def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@cache
def parsed(name: str) -> ParsedDocument:
    return twfy_xml.parse(sample(name), name)


def by_uin(name: str) -> dict[str, ParsedQuestion]:
    return {q.uin: q for q in parsed(name).questions}


def wrap(body: str, *, latest: str = "yes", encoding: str = "UTF-8") -> bytes:
    """A minimal parlparse file around ``body``, with the usual entity DTD."""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        "<!DOCTYPE publicwhip [\n"
        '<!ENTITY pound "&#163;">\n<!ENTITY mdash "&#8212;">\n]>\n'
        f'<publicwhip scrapeversion="a" latest="{latest}">\n{body}\n</publicwhip>\n'
    ).encode(encoding)


GID = "uk.org.publicwhip/wrans/2009-10-28a"


def ques(number: str, text: str, *, gid: str = "", member: str = "1704") -> str:
    return (
        f'<ques id="{gid or f"{GID}.{number}.q0"}" speakerid="uk.org.publicwhip/member/{member}"'
        f' speakername="Graham Stringer"><p qnum="{number}">{text}</p></ques>'
    )


def reply(text: str, *, gid: str = f"{GID}.1.r0") -> str:
    return (
        f'<reply id="{gid}" speakerid="uk.org.publicwhip/member/1765"'
        f' speakername="Jim Fitzpatrick"><p>{text}</p></reply>'
    )


# -- the real samples ------------------------------------------------------------------


@needs_samples
class TestCommonsSample:
    def test_one_record_per_question_number(self):
        # grep -c 'qnum=' gives 291: 265 <ques> elements, 17 of which carry several
        # numbers (a preamble and "(1) ... (2) ..."); each number is its own record.
        assert len(parsed(COMMONS_FILE).questions) == 291
        assert not parsed(COMMONS_FILE).skip_reason

    def test_every_record_is_a_dated_answered_commons_question(self):
        questions = parsed(COMMONS_FILE).questions
        assert {q.house for q in questions} == {COMMONS}
        assert {q.status for q in questions} == {ANSWERED}
        assert {q.date_answered for q in questions} == {dt.date(2009, 10, 28)}
        assert all(q.date_tabled is None for q in questions)
        assert len({q.source_id for q in questions}) == 291

    def test_first_question_field_by_field(self):
        q = by_uin(COMMONS_FILE)["296192"]
        assert q.asker.name == "Graham Stringer"
        assert q.asker.twfy_id == "uk.org.publicwhip/member/1704"
        assert q.asker.house == COMMONS
        assert q.answerer.name == "Jim Fitzpatrick"
        assert q.answerer.twfy_id == "uk.org.publicwhip/member/1765"
        assert q.answerer_role == ""
        assert q.department == "Department for Environment, Food and Rural Affairs"
        assert q.heading == "Air Pollution"
        assert q.source_id == "uk.org.publicwhip/wrans/2009-10-28c.296192.q0"
        assert q.question_text.startswith(
            "To ask the Secretary of State for Environment, Food and Rural Affairs pursuant"
            " to the answer of 26 March 2009, Official Report, columns 697-8W, on air"
        )
        assert q.question_text.endswith("in 2020 listed in the table.")
        assert q.answer_text.startswith("The six scenarios discussed in the answer of 26 March")
        assert q.date_holding_answer == dt.date(2009, 10, 27)
        # The stored block is a small file of its own: root, headings, question, reply.
        assert q.raw_text.startswith('<publicwhip scrapeversion="c" latest="yes">\n<major-heading')
        assert '<minor-heading id="uk.org.publicwhip/wrans/2009-10-28c.296192.h"' in q.raw_text
        assert '<ques id="uk.org.publicwhip/wrans/2009-10-28c.296192.q0"' in q.raw_text
        assert q.raw_text.endswith("</reply>\n</publicwhip>")

    def test_table_rows_become_lines_of_cells_and_pound_entities_decode(self):
        answer = by_uin(COMMONS_FILE)["296192"].answer_text
        assert (
            "Scenario | Life years lost over a 100 year period | Life years lost in 2020"
            " | Annualised health costs (£ million)\n1 | 728,086 to 1,389,577 | — | 731"
        ) in answer
        assert answer.endswith("6 | — | 1,331,693 | 557")

    def test_pound_in_running_text(self):
        assert by_uin(COMMONS_FILE)["292110"].answer_text.endswith(
            "at an average price of £1.72 per litre, a total cost of £42,595.80."
        )

    def test_holding_answer_line_is_a_date_not_answer_text(self):
        q = by_uin(COMMONS_FILE)["296010"]
        assert q.date_holding_answer == dt.date(2009, 10, 27)
        assert q.answer_text == (
            "Our ambassador in Bogota meets the Colombian Foreign Minister on a regular"
            " basis in the course of his duties."
        )

    def test_numbered_group_in_one_ques_is_split_with_its_preamble(self):
        questions = by_uin(COMMONS_FILE)
        group = ["295391", "295392", "295393", "295394", "295395"]
        third = questions["295393"]
        assert third.question_text.startswith(
            "To ask the Secretary of State for Foreign and Commonwealth Affairs on which"
            " dates since February 2009 the Prime Minister's Special Representative"
        )
        assert third.question_text.endswith("and what the purpose of each visit was.")
        assert third.grouped_uins == ("295391", "295392", "295394", "295395")
        assert third.source_id == "uk.org.publicwhip/wrans/2009-10-28c.295391.q0#295393"
        assert questions["295391"].source_id == "uk.org.publicwhip/wrans/2009-10-28c.295391.q0"
        for number in group:
            q = questions[number]
            assert q.asker.name == "Pete Wishart"
            assert q.answerer.name == "Ivan Lewis"
            assert q.heading == "Conflict Prevention"
            assert q.department == "Foreign and Commonwealth Office"
            assert "International Commission for Missing Persons—£1,500." in q.answer_text

    def test_last_question_of_the_file(self):
        q = parsed(COMMONS_FILE).questions[-1]
        assert q.uin == "295839"
        assert q.asker.name == "Bob Neill"
        assert q.answerer.name == "Ian Pearson"
        assert q.department == "Department for Communities and Local Government"
        assert q.heading == "Valuation Office: Local Government"
        assert q.question_text.endswith(
            "which version of the Valuebill Scheme the Valuation Office Agency's e-BAR"
            " facility uses."
        )
        assert q.answer_text.startswith("I have been asked to reply.\n\nThe Valuation Office")
        # The link text is followed by a stray "x" outside the <a>: ".asp" + "x".
        assert q.answer_text.endswith("valuebill_schema_v41.aspx")

    def test_redirects_map_merged_question_blocks_to_the_block_that_holds_them(self):
        moves = twfy_xml.redirects(sample(COMMONS_FILE))
        # grep -c '<gidredirect' gives 26, all matchtype="altques".
        assert len(moves) == 26
        assert moves["uk.org.publicwhip/wrans/2009-10-28c.295392.h"] == (
            "uk.org.publicwhip/wrans/2009-10-28c.295391.h"
        )


@needs_samples
class TestLordsSample:
    def test_one_record_per_question_number(self):
        # 41 <ques>, 45 qnum= attributes: three <ques> carry two or three HL numbers.
        assert len(parsed(LORDS_FILE).questions) == 45

    def test_house_and_date(self):
        questions = parsed(LORDS_FILE).questions
        assert {q.house for q in questions} == {LORDS}
        assert {q.date_answered for q in questions} == {dt.date(2009, 10, 27)}
        # Lords written answers have no department headings, only topics.
        assert {q.department for q in questions} == {""}

    def test_first_question_field_by_field(self):
        q = parsed(LORDS_FILE).questions[0]
        assert q.uin == "HL5754"
        assert q.asker.name == "Lord Berkeley"
        assert q.asker.twfy_id == "uk.org.publicwhip/lord/100042"
        assert q.asker.house == LORDS
        assert q.answerer.name == "Lord Davies of Oldham"
        assert q.heading == "Air Quality"
        assert q.source_id == "uk.org.publicwhip/wrans/2009-10-27a.115.1"
        assert q.question_text.startswith("To ask Her Majesty's Government how each of the air")
        assert q.question_text.endswith("limit values for ambient air quality.")
        assert q.answer_text.startswith("The UK Air Pollution Index (API) is currently under")
        assert q.answer_text.endswith("and so is less strict than a limit value.")

    def test_complete_questions_in_one_ques_are_grouped(self):
        questions = by_uin(LORDS_FILE)
        assert questions["HL5608"].grouped_uins == ("HL5607", "HL5609")
        assert questions["HL5608"].question_text.startswith(
            "To ask Her Majesty's Government what is the most recent estimate of the total"
        )
        assert "would be £4.9 billion for 2009-10" in questions["HL5608"].answer_text
        assert questions["HL5608"].answerer.name == "Lord Myners"

    def test_a_question_chasing_another_references_it(self):
        chaser = by_uin(LORDS_FILE)["HL5817"]
        assert chaser.asker.name == "Lord Lester of Herne Hill"
        assert chaser.answerer.name == "Baroness Crawley"
        assert chaser.grouped_uins == ("HL4634",)
        assert chaser.references == ("HL4634",)

    def test_last_question_of_the_file(self):
        q = parsed(LORDS_FILE).questions[-1]
        assert (q.uin, q.asker.name, q.answerer.name) == (
            "HL5671",
            "Lord Ouseley",
            "Lord Young of Norwood Green",
        )
        assert q.answer_text.endswith(
            "We have made this very clear to the Commission and other member states."
        )


@needs_samples
class TestScottishSample:
    def test_one_record_per_ques(self):
        # 85 <ques>, 75 <reply>: grouped questions share one reply.
        assert len(parsed(SCOTTISH_FILE).questions) == 85

    def test_house_date_and_department(self):
        questions = parsed(SCOTTISH_FILE).questions
        assert {q.house for q in questions} == {SCOTTISH}
        assert {q.date_answered for q in questions} == {dt.date(2009, 10, 27)}
        # The first major heading, "Written Answers Tuesday 27 October 2009", is a banner.
        assert {q.department for q in questions} == {"Scottish Executive"}

    def test_questions_from_different_members_share_one_answer(self):
        questions = by_uin(SCOTTISH_FILE)
        first, second = questions["S3W-27924"], questions["S3W-27992"]
        assert (first.asker.name, first.asker.seat, first.asker.party) == (
            "Bill Aitken",
            "Glasgow",
            "Con",
        )
        assert (second.asker.name, second.asker.seat, second.asker.party) == (
            "Robert Brown",
            "Glasgow",
            "LD",
        )
        assert first.asker.twfy_id == "uk.org.publicwhip/member/80280"
        assert first.grouped_uins == ("S3W-27992",)
        assert second.grouped_uins == ("S3W-27924",)
        assert first.answer_text == second.answer_text
        assert first.answer_text.startswith("The report Model-Based Appraisal of Alcohol")
        assert first.answerer.name == "Kenny MacAskill"
        assert first.heading == "Alcohol Misuse"
        assert first.source_id == "uk.org.publicwhip/spwa/2009-10-27.S3W-27924.q0"
        assert second.source_id == "uk.org.publicwhip/spwa/2009-10-27.S3W-27992.q1"

    def test_six_questions_answered_together(self):
        q = by_uin(SCOTTISH_FILE)["S3W-27959"]
        assert q.grouped_uins == ("S3W-27954", "S3W-27955", "S3W-27956", "S3W-27957", "S3W-27958")
        assert q.answerer.name == "John Swinney"
        assert q.question_text.endswith("within 10 days of receipt in June 2009.")

    def test_pound_in_question_text(self):
        q = by_uin(SCOTTISH_FILE)["S3W-27944"]
        assert "household with an annual income of under £16,000 were affected" in q.question_text
        assert q.asker.seat == "Glasgow Pollok"
        assert q.answerer.name == "Alex Neil"

    def test_holding_date_and_cited_question(self):
        q = by_uin(SCOTTISH_FILE)["S3W-27767"]
        assert q.date_holding_answer == dt.date(2009, 10, 26)
        assert q.references == ("S3W-27018",)
        assert q.asker.seat == "Ross, Skye and Inverness West"
        assert q.answer_text.startswith("The Crofting Counties Agricultural Grants Scheme")

    def test_last_question_of_the_file(self):
        q = parsed(SCOTTISH_FILE).questions[-1]
        assert (q.uin, q.asker.name, q.asker.party, q.answerer.name) == (
            "S3W-28148",
            "Robin Harper",
            "Green",
            "Roseanna Cunningham",
        )
        assert q.heading == "Waste Management"
        assert q.answer_text.endswith("suitable for the needs of the industry.")


@needs_samples
@pytest.mark.parametrize("name", [COMMONS_FILE, LORDS_FILE, SCOTTISH_FILE])
def test_each_record_parses_back_from_its_stored_block(name):
    # ingest.reparse parses raw_text again, as a document of its own, after a parser fix.
    for record in parsed(name).questions:
        again = twfy_xml.parse(record.raw_text.encode("utf-8"), name)
        assert [q for q in again.questions if q.source_id == record.source_id] == [record]


@needs_samples
def test_sniff_accepts_the_three_samples():
    assert all(twfy_xml.sniff(sample(n)) for n in (COMMONS_FILE, LORDS_FILE, SCOTTISH_FILE))


@needs_samples
def test_sniff_rejects_the_qna_feed():
    qna = SAMPLES.parent / "qna-xml" / "moj-questions-part1.xml"
    assert not twfy_xml.sniff(qna.read_bytes())


# -- small documents: the rules one at a time -----------------------------------------


def test_sniff_rejects_a_debates_file():
    debates = wrap('<speech id="uk.org.publicwhip/debate/2009-10-28a.1.0"><p>Order.</p></speech>')
    assert not twfy_xml.sniff(debates)


def test_debates_file_is_skipped_with_a_reason():
    debates = wrap('<speech id="uk.org.publicwhip/debate/2009-10-28a.1.0"><p>Order.</p></speech>')
    document = twfy_xml.parse(debates, "debates2009-10-28a.xml")
    assert document.questions == []
    assert "no written questions" in document.skip_reason


def test_other_xml_is_skipped_with_a_reason():
    document = twfy_xml.parse(b"<html><body/></html>")
    assert document.skip_reason == "not parlparse XML: root element is <html>"


def test_malformed_xml_is_a_skip_reason_not_an_exception():
    document = twfy_xml.parse(wrap(ques("1", "To ask"))[:-30])
    assert document.layout == "twfy-xml"
    assert document.skip_reason.startswith("malformed XML: ")
    assert document.questions == []


def test_empty_input_is_malformed():
    assert twfy_xml.parse(b"").skip_reason.startswith("malformed XML: ")


def test_iso_8859_1_bytes_and_pound_entity_both_decode():
    body = ques("1", "Costs of &pound;5 and \xa36?") + reply("None.")
    document = twfy_xml.parse(wrap(body, encoding="ISO-8859-1"))
    assert document.questions[0].question_text == "Costs of £5 and £6?"


def test_external_entities_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        '<?xml version="1.0"?><!DOCTYPE publicwhip ['
        f'<!ENTITY leak SYSTEM "file://{secret}">]>'
        f"<publicwhip>{ques('1', '&leak;')}{reply('x')}</publicwhip>"
    ).encode()
    document = twfy_xml.parse(data)
    assert "TOP-SECRET" not in repr(document)
    assert document.skip_reason.startswith("malformed XML: ")


def test_entity_expansion_is_bounded():
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    data = f"<!DOCTYPE publicwhip [{entities}]><publicwhip>&j;</publicwhip>".encode()
    document = twfy_xml.parse(data)
    assert document.skip_reason.startswith("malformed XML: ")


def test_each_question_number_in_one_ques_is_a_record_sharing_the_answer():
    body = (
        f'<ques id="{GID}.7.q0" speakerid="uk.org.publicwhip/member/2009" speakername="Pete'
        ' Wishart"><p>To ask the Minister </p>'
        '<p qnum="7">(1)  how many; and</p><p qnum="8">(2)  how much.</p></ques>'
        + reply("Seven, costing &pound;8.")
    )
    first, second = twfy_xml.parse(wrap(body), "answers2009-10-28a.xml").questions
    assert (first.uin, first.question_text) == ("7", "To ask the Minister how many; and")
    assert (second.uin, second.question_text) == ("8", "To ask the Minister how much.")
    assert first.grouped_uins == ("8",)
    assert second.grouped_uins == ("7",)
    assert first.answer_text == second.answer_text == "Seven, costing £8."
    assert first.source_id == f"{GID}.7.q0"
    assert second.source_id == f"{GID}.7.q0#8"


def test_numbered_item_ending_in_semicolon_ends_in_a_full_stop():
    body = (
        f'<ques id="{GID}.7.q0" speakername="A"><p>To ask the Minister</p>'
        '<p qnum="7">(1)  how many;</p><p qnum="8">(2)  how much.</p></ques>' + reply("x")
    )
    first = twfy_xml.parse(wrap(body)).questions[0]
    assert first.question_text == "To ask the Minister how many."


def test_several_ques_before_one_reply_are_grouped():
    body = ques("11", "First?") + ques("12", "Second?") + reply("Both answered.")
    first, second = twfy_xml.parse(wrap(body)).questions
    assert first.grouped_uins == ("12",)
    assert second.grouped_uins == ("11",)
    assert first.answer_text == second.answer_text == "Both answered."


def test_ques_without_reply_is_unanswered_with_a_warning():
    body = (
        '<minor-heading id="x.h">Topic</minor-heading>'
        + ques("21", "Lonely?")
        + '<minor-heading id="y.h">Next</minor-heading>'
        + ques("22", "Answered?")
        + reply("Yes.")
    )
    lonely, answered = twfy_xml.parse(wrap(body)).questions
    assert lonely.status == UNANSWERED
    assert lonely.answer_text == ""
    assert lonely.date_answered is None
    assert lonely.grouped_uins == ()
    assert "no <reply> follows this question in the file" in lonely.warnings
    assert answered.status == ANSWERED
    assert answered.heading == "Next"


def test_reply_with_only_a_holding_line_is_a_holding_answer():
    body = ques("31", "When?") + (
        f'<reply id="{GID}.31.r0" speakername="Jim Fitzpatrick"><p class="holdinganswer">'
        'holding answer <phrase class="date" code="2009-10-20">20 October 2009</phrase></p>'
        "</reply>"
    )
    q = twfy_xml.parse(wrap(body)).questions[0]
    assert q.status == HOLDING
    assert q.date_holding_answer == dt.date(2009, 10, 20)
    assert q.answer_text == ""


def test_answer_running_on_in_a_second_reply_is_appended():
    body = ques("41", "What?") + reply("Part one.") + reply("Part two.", gid=f"{GID}.41.r1")
    (q,) = twfy_xml.parse(wrap(body)).questions
    assert q.answer_text == "Part one.\n\nPart two."


def test_major_heading_is_the_department_without_a_leading_the():
    body = (
        '<major-heading id="x.mh">\n\tthe   Home   Office\n</major-heading>'
        + ques("51", "Why?")
        + reply("Because.")
    )
    assert twfy_xml.parse(wrap(body)).questions[0].department == "Home Office"


def test_upper_case_hansard_section_title_becomes_title_case():
    body = '<major-heading id="x.mh">OLYMPICS AND PARALYMPICS</major-heading>' + ques("52", "?")
    body += reply("!")
    assert twfy_xml.parse(wrap(body)).questions[0].department == "Olympics and Paralympics"


@pytest.mark.parametrize(
    ("heading", "department"),
    [
        ("HOME DEPARTMENT", "Home Office"),
        ("CULTURE MEDIA AND SPORT", "Department for Culture, Media and Sport"),
        (
            "Environment, Food and Rural Affairs",
            "Department for Environment, Food and Rural Affairs",
        ),
        ("TREASURY", "Treasury"),  # the API's name too
    ],
)
def test_a_commons_heading_gives_the_department_by_the_name_the_api_uses(heading, department):
    body = f'<major-heading id="x.mh">{heading}</major-heading>' + ques("52", "?") + reply("!")
    assert twfy_xml.parse(wrap(body)).questions[0].department == department


def test_person_id_of_newer_files_is_the_twfy_id():
    body = (
        f'<ques id="{GID}.61.q0" person_id="uk.org.publicwhip/person/10001"'
        ' speakername="Diane Abbott"><p qnum="61">Who?</p></ques>' + reply("Her.")
    )
    q = twfy_xml.parse(wrap(body)).questions[0]
    assert q.asker.twfy_id == "uk.org.publicwhip/person/10001"
    assert q.asker.name == "Diane Abbott"


def test_unknown_speaker_keeps_the_name_but_no_id():
    body = (
        f'<ques id="{GID}.62.q0" speakerid="unknown" speakername="Mr. Smith">'
        '<p qnum="62">Who?</p></ques>' + reply("Nobody.")
    )
    asker = twfy_xml.parse(wrap(body)).questions[0].asker
    assert (asker.name, asker.twfy_id) == ("Mr. Smith", "")


def test_house_and_date_come_from_the_content_before_the_file_name():
    body = ques(
        "HL5813", "To ask Her Majesty's Government?", gid="uk.org.publicwhip/wrans/2009-11-02a.1.1"
    )
    q = twfy_xml.parse(wrap(body + reply("No.")), "answers2009-10-28a.xml").questions[0]
    assert q.house == LORDS
    assert q.date_answered == dt.date(2009, 11, 2)
    assert "file name suggests Commons but the content is Lords" in q.warnings


def test_house_and_date_fall_back_to_the_file_name():
    body = (
        '<ques id="q1" person_id="uk.org.publicwhip/person/1" speakername="A">'
        "<p>To ask?</p></ques>" + reply("Yes.", gid="r1")
    )
    q = twfy_xml.parse(wrap(body), "lordswrans2010-01-05a.xml").questions[0]
    assert q.house == LORDS
    assert q.date_answered == dt.date(2010, 1, 5)


def test_question_numbers_cited_in_text_are_references():
    body = ques("292659", "Further to Question [HL5813] and to (292659) and (123456)?") + reply(
        "As in 2008 (2008), see S3W-12345."
    )
    q = twfy_xml.parse(wrap(body)).questions[0]
    # Its own number and a year in brackets are not references.
    assert q.references == ("HL5813", "123456", "S3W-12345")


def test_superseded_scrape_still_gives_its_questions_with_a_warning():
    body = ques("71", "Old version?") + reply("Old answer.")
    q = twfy_xml.parse(wrap(body, latest="no")).questions[0]
    assert q.question_text == "Old version?"
    assert q.superseded
    assert q.warnings[0].startswith(twfy_xml.SUPERSEDED_WARNING)
    assert not twfy_xml.parse(wrap(body, latest="yes")).questions[0].superseded


def test_superseded_scrape_of_redirects_only_is_skipped_and_its_redirects_exposed():
    old, new = f"{GID}.81.h", "uk.org.publicwhip/wrans/2009-10-28b.81.h"
    data = wrap(
        f'<gidredirect oldgid="{old}" newgid="{new}" matchtype="perfectmatch"/>', latest="no"
    )
    document = twfy_xml.parse(data)
    assert document.questions == []
    assert document.skip_reason.startswith(twfy_xml.SUPERSEDED_WARNING)
    assert twfy_xml.redirects(data) == {old: new}


@pytest.mark.parametrize(
    "body, latest",
    [
        (ques("91", "Continued?") + reply("One.") + reply("Two.", gid=f"{GID}.91.r1"), "yes"),
        (ques("92", "Old?") + reply("Old."), "no"),
        ('<minor-heading id="h">T</minor-heading>' + ques("93", "Alone?"), "yes"),
    ],
    ids=["answer-in-two-replies", "superseded", "unanswered"],
)
def test_unusual_records_parse_back_from_their_stored_block(body, latest):
    (record,) = twfy_xml.parse(wrap(body, latest=latest), "answers2009-10-28a.xml").questions
    again = twfy_xml.parse(record.raw_text.encode("utf-8"), "answers2009-10-28a.xml")
    assert again.questions == [record]


def test_redirects_follow_chains_and_ignore_missing_items_and_cycles():
    data = wrap(
        '<gidredirect oldgid="a" newgid="b" matchtype="changes"/>'
        '<gidredirect oldgid="b" newgid="c" matchtype="altques"/>'
        '<gidredirect oldgid="gone" newgid="neighbour" matchtype="missing"/>'
        '<gidredirect oldgid="split" newgid="first" matchtype="multiplecover"/>'
        '<gidredirect oldgid="split" newgid="second" matchtype="multiplecover"/>'
        '<gidredirect oldgid="loop1" newgid="loop2" matchtype="changes"/>'
        '<gidredirect oldgid="loop2" newgid="loop1" matchtype="changes"/>'
    )
    assert twfy_xml.redirects(data) == {
        "a": "c",
        "b": "c",
        "split": "first",
    }


def test_redirects_of_malformed_xml_are_empty():
    assert twfy_xml.redirects(b"<publicwhip><gidredirect") == {}


# -- fuzzing: damaged files never raise ------------------------------------------------


def assert_well_formed_result(document: object) -> None:
    assert isinstance(document, ParsedDocument)
    assert document.layout == "twfy-xml"
    if document.skip_reason:
        assert document.questions == []
    assert all(isinstance(q, ParsedQuestion) for q in document.questions)


@needs_samples
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_samples_never_raise(data):
    name = data.draw(st.sampled_from([LORDS_FILE, SCOTTISH_FILE]))
    mutated = data.draw(damaged(sample(name)))
    assert_well_formed_result(twfy_xml.parse(mutated, name))
    assert isinstance(twfy_xml.redirects(mutated), dict)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_damaged_snippets_never_raise(data):
    body = (
        '<major-heading id="x.mh">HEALTH</major-heading>'
        '<minor-heading id="x.h">Topic</minor-heading>'
        '<gidredirect oldgid="a" newgid="b" matchtype="altques"/>'
        f'<ques id="{GID}.1.q0" speakerid="uk.org.publicwhip/member/1" speakername="A (B) (C)"'
        ' holdingdate="2009-10-01"><p>To ask</p><p qnum="1">(1) x;</p><p qnum="2">(2) y.</p>'
        "</ques>"
        f'<reply id="{GID}.1.r0" speakername="D"><p class="holdinganswer">holding answer'
        ' <phrase class="date" code="2009-10-27">27</phrase></p><p>&pound;1<br/>2</p>'
        "<table><tr><td>a</td><td>b</td></tr></table></reply>"
    )
    mutated = data.draw(damaged(wrap(body)))
    assert_well_formed_result(twfy_xml.parse(mutated, "answers2009-10-28a.xml"))


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data):
    assert_well_formed_result(twfy_xml.parse(data))
    assert isinstance(twfy_xml.sniff(data), bool)


# Files scraped from the questions website (2014 on): ids and links are dated by the day the
# question was tabled, the file is named after the day of its answers.
@pytest.mark.parametrize(
    "url",
    ["https://questions-statements.parliament.uk/written-questions/detail/2024-08-30/2978", ""],
    ids=["with its link", "by its id alone"],
)
def test_a_question_from_the_questions_website_is_dated_tabled_and_answered(url):
    body = ques(
        "2978",
        "To ask the Secretary of State for Education, what steps she is taking.",
        gid="uk.org.publicwhip/wrans/2024-08-30.2978.q0",
    ).replace("<ques ", f'<ques url="{url}" ') + reply(
        "Steps.", gid="uk.org.publicwhip/wrans/2024-08-30.2978.r0"
    )

    (question,) = twfy_xml.parse(wrap(body), "answers2024-09-23.xml").questions

    assert (question.date_tabled, question.date_answered) == (
        dt.date(2024, 8, 30),
        dt.date(2024, 9, 23),
    )
    assert question.warnings == []


def test_an_older_id_with_a_hansard_column_keeps_its_day_as_the_answer_day():
    body = ques(
        "115",
        "To ask Her Majesty's Government what steps.",
        gid="uk.org.publicwhip/wrans/2009-10-27a.115.1",
    ) + reply("Steps.")

    (question,) = twfy_xml.parse(wrap(body), "lordswrans2009-10-27a.xml").questions

    assert (question.date_tabled, question.date_answered) == (None, dt.date(2009, 10, 27))


def test_list_items_in_a_reply_stay_apart():
    body = ques("7", "To ask the Minister what principles apply.") + reply(
        "</p><p>The principles are:</p>"
        "<ul><li>fair and open competition;</li><li>merit</li></ul><p>"
    )

    (question,) = twfy_xml.parse(wrap(body), "answers2009-10-28a.xml").questions

    assert "competition;\nmerit" in question.answer_text


def test_a_question_and_answer_escaped_as_html_read_as_their_text():
    body = (
        '<ques id="uk.org.publicwhip/spwa/2012-08-01.S4W-08976.q0" spid="S4W-08976"'
        ' speakername="Jim Hume (South Scotland) (Liberal Democrats)">'
        "&lt;p&gt;To ask the Scottish Government how much it spent, in &amp;pound;.&lt;/p&gt;"
        '</ques><reply id="uk.org.publicwhip/spwa/2012-08-01.S4W-08976.r0" speakername="John'
        ' Swinney">&lt;p&gt;It spent &amp;pound;12,345.&lt;/p&gt;&lt;p&gt;Second.&lt;/p&gt;</reply>'
    )

    (question,) = twfy_xml.parse(wrap(body), "spwa2012-08-01.xml").questions

    assert question.question_text == "To ask the Scottish Government how much it spent, in £."
    assert question.answer_text == "It spent £12,345.\n\nSecond."


def test_a_number_printed_after_the_question_is_its_uin():
    body = (
        f'<ques id="{GID}.1.q0" speakername="Graham Stringer"><p>To ask the Secretary of State'
        " what discussions he has had about the West Coast Main Line. [1234]</p></ques>"
        + reply("Regular ones.")
    )

    (question,) = twfy_xml.parse(wrap(body), "answers2001-07-02.xml").questions

    assert question.uin == "1234"
    assert question.question_text.endswith("West Coast Main Line.")


def test_a_second_reply_marking_deletions_and_insertions_is_the_corrected_answer():
    body = (
        ques("5001", "To ask the Secretary of State how many schools have unsafe heating.")
        + reply("The department does not hold this information.", gid=f"{GID}.5001.r0")
        + reply(
            "The department <del>does not hold</del><ins>holds</ins> this information: "
            "<del>12</del><ins>21</ins> schools.",
            gid=f"{GID}.5001.r1",
        )
    )

    (question,) = twfy_xml.parse(wrap(body), "answers2009-10-28a.xml").questions

    assert question.status == "corrected"
    assert question.answer_text == "The department holds this information: 21 schools."
    assert question.original_answer_text == "The department does not hold this information."
